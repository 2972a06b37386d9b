package dev.tickerlake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.apache.paimon.Snapshot;
import org.apache.paimon.data.BinaryRow;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.data.serializer.InternalRowSerializer;
import org.apache.paimon.io.DataFileMeta;
import org.apache.paimon.predicate.Predicate;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.BucketMode;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.DataSplit;
import org.apache.paimon.table.source.DeletionFile;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.table.source.Split;
import org.apache.paimon.table.source.TableRead;
import org.apache.paimon.types.RowKind;
import org.apache.paimon.types.RowType;
import org.apache.paimon.utils.CloseableIterator;
import org.apache.paimon.utils.ProjectedRow;
import org.apache.paimon.utils.SnapshotManager;

/**
 * The net difference between two versions of a primary-key table, per key: {@code +I} (only in {@code to}),
 * {@code -D} (only in {@code from}), {@code -U}/{@code +U} (in both, with different values; before then after).
 *
 * <p>Why not Paimon's own incremental read ({@code incremental-between} in 1.3.1): its {@code changelog} and
 * {@code delta} modes return what was written between the snapshots, not the net change. With
 * {@code changelog-producer=input} that is the CDC input as sent: an upsert sent as INSERT reads as {@code +I} with no
 * before image, a key changed twice shows twice, a late record that {@code sequence.field} rejected still shows, and
 * the changelog of expired snapshots is gone while tags keep only data files. Its {@code diff} mode compares the two
 * snapshots but answers changed rows as plain after images (no {@code -U}) and reports a key as changed whenever it
 * was rewritten, even to the same value. So this class does what {@code diff} mode does at the file level (only
 * partition/buckets whose data files differ between the two plans are read; the rest cannot have changed) and then
 * compares the merged rows of those buckets by primary key, exactly.
 */
final class TableDiff {

    /** Heap of one entry of the older side held to compare, beyond the key's and the row's bytes (two copies). */
    private static final long HELD_ENTRY_OVERHEAD = 160;
    /** Longest run of snapshots inspected for the compaction-only shortcut. */
    private static final int MAX_SNAPSHOTS_CHECKED = 100;

    private TableDiff() {
    }

    /**
     * Changes of the rows that match {@code filter} (null: all rows) at either version: at most {@code limit} entries
     * (or 2 when {@code limit} is 1 and the first change is a pair), a {@code -U}/{@code +U} pair never split. The
     * older side of one bucket is held to compare and the changes are rendered within {@code budget}: changes beyond it
     * are left out ({@code truncated}); a bucket too large to compare within it is TOO_LARGE when no change was found yet
     * (narrow the diff with {@code where}), else the answer ends there, truncated.
     */
    static Result diff(FileStoreTable table, TableVersion from, TableVersion to, Predicate filter, int limit,
                       ReadBudget budget) {
        if (onlyCompactedBetween(table, from.id(), to.id())) {
            return new Result(List.of(), false);
        }
        RowType rowType = table.rowType();
        // Both sides read with the latest schema, so that their rows compare field by field.
        ReadBuilder fromRead = readBuilder(table.copyWithoutTimeTravel(from.scanOptions()), filter);
        ReadBuilder toRead = readBuilder(table.copyWithoutTimeTravel(to.scanOptions()), filter);
        Map<Object, Group> fromGroups = new LinkedHashMap<>();
        Map<Object, Group> toGroups = new LinkedHashMap<>();
        List<Split> fromSplits = fromRead.newScan().plan().splits();
        List<Split> toSplits = toRead.newScan().plan().splits();
        boolean perBucket = table.bucketMode() == BucketMode.HASH_FIXED && sameBucketCount(fromSplits, toSplits);
        group(fromSplits, perBucket, fromGroups);
        group(toSplits, perBucket, toGroups);

        Set<Object> keys = new java.util.LinkedHashSet<>(toGroups.keySet());
        keys.addAll(fromGroups.keySet());
        Comparison comparison = new Comparison(rowType, primaryKeyIndexes(table), limit, budget);
        for (Object key : keys) {
            Group before = fromGroups.getOrDefault(key, Group.EMPTY);
            Group after = toGroups.getOrDefault(key, Group.EMPTY);
            if (before.files().equals(after.files())) {
                continue;
            }
            if (!comparison.compare(fromRead.newRead().executeFilter(), before.splits(),
                    toRead.newRead().executeFilter(), after.splits())) {
                break;
            }
        }
        return new Result(comparison.changes, comparison.truncated);
    }

    /**
     * True when every snapshot after the older version up to the newer one is retained and only rewrote files
     * (COMPACT, ANALYZE): the merged rows cannot have changed, though every rewritten bucket's files did.
     */
    private static boolean onlyCompactedBetween(FileStoreTable table, long a, long b) {
        long from = Math.min(a, b);
        long to = Math.max(a, b);
        if (to - from > MAX_SNAPSHOTS_CHECKED) {
            return false;
        }
        SnapshotManager snapshots = table.snapshotManager();
        for (long id = from + 1; id <= to; id++) {
            if (!snapshots.snapshotExists(id)) {
                return false;
            }
            Snapshot.CommitKind kind = snapshots.snapshot(id).commitKind();
            if (kind != Snapshot.CommitKind.COMPACT && kind != Snapshot.CommitKind.ANALYZE) {
                return false;
            }
        }
        return true;
    }

    /** The changes found, and whether more exist beyond the limit. */
    record Result(List<Change> changes, boolean truncated) {
    }

    private static ReadBuilder readBuilder(FileStoreTable table, Predicate filter) {
        ReadBuilder builder = table.newReadBuilder();
        return filter == null ? builder : builder.withFilter(filter);
    }

    private static int[] primaryKeyIndexes(FileStoreTable table) {
        List<String> keys = table.primaryKeys();
        int[] indexes = new int[keys.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = table.rowType().getFieldIndex(keys.get(i));
        }
        return indexes;
    }

    private static boolean sameBucketCount(List<Split> fromSplits, List<Split> toSplits) {
        Set<Integer> counts = new HashSet<>();
        for (List<Split> splits : List.of(fromSplits, toSplits)) {
            for (Split split : splits) {
                counts.add(((DataSplit) split).totalBuckets());
            }
        }
        return counts.size() <= 1 && !counts.contains(null);
    }

    /** Splits grouped by (partition, bucket), or all in one group when keys may move between buckets. */
    private static void group(List<Split> splits, boolean perBucket, Map<Object, Group> groups) {
        for (Split split : splits) {
            DataSplit data = (DataSplit) split;
            Object key = perBucket ? new BucketKey(data.partition(), data.bucket()) : "all";
            groups.computeIfAbsent(key, k -> new Group(new ArrayList<>(), new HashSet<>())).add(data);
        }
    }

    private record BucketKey(BinaryRow partition, int bucket) {
    }

    /** The splits of one bucket and the identity of the files they read (data files and deletion vectors). */
    private record Group(List<Split> splits, Set<String> files) {
        static final Group EMPTY = new Group(List.of(), Set.of());

        void add(DataSplit split) {
            splits.add(split);
            for (DataFileMeta file : split.dataFiles()) {
                files.add(file.fileName());
            }
            Optional<List<DeletionFile>> deletions = split.deletionFiles();
            deletions.ifPresent(list -> list.stream().filter(Objects::nonNull)
                    .forEach(d -> files.add(d.path() + "@" + d.offset() + "+" + d.length())));
        }
    }

    /** Compares one group's merged rows by primary key and collects the changes up to the limit. */
    private static final class Comparison {
        private final RowRenderer renderer;
        private final InternalRowSerializer rowSerializer;
        private final InternalRowSerializer keySerializer;
        private final ProjectedRow keyProjection;
        private final int limit;
        private final ReadBudget budget;
        private final List<Change> changes = new ArrayList<>();
        private boolean truncated;

        Comparison(RowType rowType, int[] keyIndexes, int limit, ReadBudget budget) {
            this.renderer = new RowRenderer(rowType);
            this.rowSerializer = new InternalRowSerializer(rowType);
            this.keySerializer = new InternalRowSerializer(rowType.project(keyIndexes));
            this.keyProjection = ProjectedRow.from(keyIndexes);
            this.limit = limit;
            this.budget = budget;
        }

        /** False once the limit or the budget is reached (no further group needs reading). */
        boolean compare(TableRead fromRead, List<Split> fromSplits, TableRead toRead, List<Split> toSplits) {
            Map<BinaryRow, BinaryRow> before = new LinkedHashMap<>();
            long held = 0;
            try {
                if (!fromSplits.isEmpty()) {
                    try (CloseableIterator<InternalRow> rows = iterator(fromRead, fromSplits)) {
                        while (rows.hasNext()) {
                            InternalRow row = rows.next();
                            BinaryRow key = key(row);
                            BinaryRow copy = copy(row);
                            long bytes = key.getSizeInBytes() + copy.getSizeInBytes() + HELD_ENTRY_OVERHEAD;
                            if (!budget.take(bytes)) {
                                if (!changes.isEmpty()) {
                                    truncated = true;
                                    return false;
                                }
                                throw LakeException.tooLarge("diff_too_large", "one bucket holds more rows than the "
                                        + "read budget (" + budget.limitBytes() + " bytes, tickerlake.admin.read-budget) "
                                        + "lets a diff compare; narrow it with where, e.g. where=market:KRW-BTC or "
                                        + "where=dt:2024-05-01");
                            }
                            held += bytes;
                            before.put(key, copy);
                        }
                    }
                }
                if (!toSplits.isEmpty()) {
                    try (CloseableIterator<InternalRow> rows = iterator(toRead, toSplits)) {
                        while (rows.hasNext()) {
                            InternalRow row = rows.next();
                            BinaryRow after = copy(row);
                            BinaryRow old = before.remove(key(row));
                            if (old == null) {
                                if (!emit(new Change("+I", renderer.render(after)))) {
                                    return false;
                                }
                            } else if (!old.equals(after)) {
                                if (!emit(new Change("-U", renderer.render(old)),
                                        new Change("+U", renderer.render(after)))) {
                                    return false;
                                }
                            }
                        }
                    }
                }
                for (Iterator<BinaryRow> gone = before.values().iterator(); gone.hasNext(); ) {
                    if (!emit(new Change("-D", renderer.render(gone.next())))) {
                        return false;
                    }
                }
                return true;
            } catch (Exception e) {
                throw failure(e);
            } finally {
                // The older side is dropped with this bucket.
                budget.giveBack(held);
            }
        }

        /**
         * Adds a change or a -U/+U pair; a pair never splits, and the first one is taken even when limit is 1 or it
         * alone exceeds the budget.
         */
        private boolean emit(Change... group) {
            if (changes.size() + group.length > limit && !changes.isEmpty()) {
                truncated = true;
                return false;
            }
            long bytes = 0;
            for (Change change : group) {
                bytes += 64 + RowRenderer.heapBytes(change.row());
            }
            if (!budget.take(bytes) && !changes.isEmpty()) {
                truncated = true;
                return false;
            }
            changes.addAll(List.of(group));
            return true;
        }

        private static CloseableIterator<InternalRow> iterator(TableRead read, List<Split> splits) throws IOException {
            RecordReader<InternalRow> reader = read.createReader(splits);
            return reader.toCloseableIterator();
        }

        private BinaryRow key(InternalRow row) {
            BinaryRow key = keySerializer.toBinaryRow(keyProjection.replaceRow(row)).copy();
            key.setRowKind(RowKind.INSERT);
            return key;
        }

        /** A detached copy; the kind is normalised so that +I and +U of the same values compare equal. */
        private BinaryRow copy(InternalRow row) {
            BinaryRow copy = rowSerializer.toBinaryRow(row).copy();
            copy.setRowKind(RowKind.INSERT);
            return copy;
        }

        private static RuntimeException failure(Exception e) {
            if (e instanceof RuntimeException runtime) {
                return runtime;
            }
            return e instanceof IOException io ? new UncheckedIOException(io) : new IllegalStateException(e);
        }
    }
}
