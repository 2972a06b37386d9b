package dev.tickerlake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.paimon.Snapshot;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.utils.SnapshotManager;
import org.apache.paimon.utils.TagManager;

/**
 * What a table's history holds right now: retained snapshots and tagged snapshots (a tag keeps its snapshot readable
 * after the snapshot itself expired). Resolves snapshot ids, tags and points in time to a {@link TableVersion}, or
 * refuses with NOT_FOUND when the history has no such version.
 */
final class TableHistory {

    /** Searches of a point in time before a vanishing snapshot file is answered with NOT_FOUND. */
    private static final int SEARCH_ATTEMPTS = 3;

    private final String tableName;
    private final SnapshotManager snapshots;
    private final TagManager tags;

    TableHistory(FileStoreTable table, String tableName) {
        this.tableName = tableName;
        this.snapshots = table.snapshotManager();
        this.tags = table.tagManager();
    }

    /** Ids of the retained snapshots, ascending ({@link SnapshotFiles#committedIds}). */
    List<Long> retainedIds() {
        try {
            return SnapshotFiles.committedIds(snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots of " + tableName, e);
        }
    }

    /** Tags by the id of the snapshot they keep, names sorted. */
    SortedMap<Long, TaggedSnapshot> taggedById() {
        SortedMap<Long, TaggedSnapshot> byId = new TreeMap<>();
        for (Map.Entry<Snapshot, List<String>> entry : tags.tags().entrySet()) {
            List<String> names = new ArrayList<>(entry.getValue());
            names.sort(null);
            byId.put(entry.getKey().id(), new TaggedSnapshot(entry.getKey(), names));
        }
        return byId;
    }

    /** The latest snapshot, or null before the first commit. */
    TableVersion latest() {
        Snapshot latest = snapshots.latestSnapshot();
        return latest == null ? null : TableVersion.ofSnapshot(latest);
    }

    /** The latest snapshot, or NOT_FOUND when the table has none. */
    TableVersion latestOrThrow() {
        TableVersion latest = latest();
        if (latest == null) {
            throw LakeException.notFound("no_snapshot", tableName + " has no snapshot yet");
        }
        return latest;
    }

    /** Snapshot {@code id}: retained, or kept by a tag; else NOT_FOUND. */
    TableVersion snapshot(long id) {
        if (snapshots.snapshotExists(id)) {
            try {
                return TableVersion.ofSnapshot(snapshots.tryGetSnapshot(id));
            } catch (java.io.FileNotFoundException expiredMeanwhile) {
                // fall through to the tags
            }
        }
        TaggedSnapshot tagged = taggedById().get(id);
        if (tagged != null) {
            return TableVersion.ofTag(tagged.snapshot(), tagged.names().get(0));
        }
        throw LakeException.notFound("no_such_snapshot", "snapshot " + id + " does not exist in " + tableName
                + " (" + describeRange() + ")");
    }

    /** The snapshot tag {@code name} keeps; else NOT_FOUND. */
    TableVersion tag(String name) {
        return tags.get(name)
                .map(tag -> TableVersion.ofTag(tag.trimToSnapshot(), name))
                .orElseThrow(() -> LakeException.notFound("no_such_tag", "tag '" + name + "' does not exist in "
                        + tableName));
    }

    /**
     * The table as it was at {@code epochMillis}: the latest snapshot committed at or before it. Only answered when
     * the history proves it: a retained snapshot, or a tagged one whose successor is still known; else NOT_FOUND.
     */
    TableVersion at(long epochMillis) {
        // The search reads snapshot files one by one; a rollback or an expiry may delete some meanwhile. Search again
        // (the removal is over in moments); if files keep vanishing, say so (NOT_FOUND) rather than fail.
        for (int attempt = 1; ; attempt++) {
            try {
                return searchAt(epochMillis);
            } catch (RuntimeException e) {
                if (e instanceof LakeException || !snapshotVanished(e)) {
                    throw e;
                }
                if (attempt == SEARCH_ATTEMPTS) {
                    throw LakeException.notFound("no_snapshot_at_time", "snapshots of " + tableName + " were removed "
                            + "(a rollback or an expiry) while the one at " + Instants.isoUtc(epochMillis)
                            + " was searched; ask again (" + describeRange() + ")");
                }
            }
        }
    }

    /** Whether {@code e} says a snapshot file that was listed no longer exists. */
    static boolean snapshotVanished(Throwable e) {
        for (Throwable cause = e; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof java.io.FileNotFoundException
                    || String.valueOf(cause.getMessage()).matches("(?s)Snapshot file .* does not exist.*")) {
                return true;
            }
        }
        return false;
    }

    private TableVersion searchAt(long epochMillis) {
        Snapshot retained = snapshots.earlierOrEqualTimeMills(epochMillis);
        if (retained != null) {
            // Paimon's binary search may stop at any of several snapshots committed in the same millisecond.
            Long latest = snapshots.latestSnapshotId();
            while (latest != null && retained.id() < latest && snapshots.snapshotExists(retained.id() + 1)) {
                Snapshot next = snapshots.snapshot(retained.id() + 1);
                if (next.timeMillis() > epochMillis) {
                    break;
                }
                retained = next;
            }
            return TableVersion.ofSnapshot(retained);
        }
        SortedMap<Long, TaggedSnapshot> tagged = taggedById();
        TaggedSnapshot candidate = null;
        for (TaggedSnapshot snapshot : tagged.values()) {
            if (snapshot.snapshot().timeMillis() <= epochMillis) {
                candidate = snapshot;
            }
        }
        String when = Instants.isoUtc(epochMillis) + " (" + epochMillis + ")";
        if (candidate == null) {
            throw LakeException.notFound("no_snapshot_at_time", "no snapshot of " + tableName + " was committed at or before "
                    + when + " (" + describeRange() + ")");
        }
        long successor = candidate.snapshot().id() + 1;
        Long earliest = snapshots.earliestSnapshotId();
        boolean successorKnown = tagged.containsKey(successor) || (earliest != null && earliest == successor);
        if (!successorKnown) {
            throw LakeException.notFound("no_snapshot_at_time", "the state of " + tableName + " at " + when
                    + " is unknown: snapshots after tagged snapshot " + candidate.snapshot().id() + " have expired ("
                    + describeRange() + ")");
        }
        return TableVersion.ofTag(candidate.snapshot(), candidate.names().get(0));
    }

    /** The version {@code point} names; null for the latest when the table has no snapshot yet. */
    TableVersion resolve(ReadPoint point) {
        return point.snapshotId() != null ? snapshot(point.snapshotId())
                : point.epochMillis() != null ? at(point.epochMillis())
                : point.tag() != null ? tag(point.tag())
                : latest();
    }

    /** What exists, for NOT_FOUND details: "retained snapshots 5..12; tags at 2, 3". */
    String describeRange() {
        Long earliest = snapshots.earliestSnapshotId();
        Long latest = snapshots.latestSnapshotId();
        String retained = earliest == null || latest == null
                ? "no retained snapshots"
                : "retained snapshots " + earliest + ".." + latest;
        SortedMap<Long, TaggedSnapshot> tagged = taggedById();
        return tagged.isEmpty() ? retained : retained + "; tagged snapshots " + tagged.keySet().stream()
                .map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** A snapshot kept by one or more tags. */
    record TaggedSnapshot(Snapshot snapshot, List<String> names) {
    }
}
