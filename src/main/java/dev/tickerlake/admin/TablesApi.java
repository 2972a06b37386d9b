package dev.tickerlake.admin;

import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tickerlake.admin.Responses.SnapshotPage;
import dev.tickerlake.admin.Responses.TableList;
import dev.tickerlake.admin.Responses.TagList;
import dev.tickerlake.lake.Diff;
import dev.tickerlake.lake.LakeException;
import dev.tickerlake.lake.ReadPoint;
import dev.tickerlake.lake.Rollback;
import dev.tickerlake.lake.Rows;
import dev.tickerlake.lake.SnapshotSlice;
import dev.tickerlake.lake.TableDescription;
import dev.tickerlake.lake.TagInfo;
import dev.tickerlake.lake.TimeTravelService;
import dev.tickerlake.lake.WhereCondition;

/**
 * The admin API's table calls over the lake: the request's text parameters (null or blank = absent) are validated by
 * {@link RequestParams}, and the lake's refusals become {@link ApiException}s.
 */
public class TablesApi {

    public static final int ROWS_DEFAULT_LIMIT = 100;
    public static final int ROWS_MAX_LIMIT = 10_000;
    /** Rows skipped before a page (each is still read, so a deep page costs what its offset says). */
    public static final int ROWS_MAX_OFFSET = 1_000_000;
    public static final int DIFF_DEFAULT_LIMIT = 100;
    public static final int DIFF_MAX_LIMIT = 10_000;
    public static final int SNAPSHOTS_DEFAULT_LIMIT = 20;
    public static final int SNAPSHOTS_MAX_LIMIT = 1_000;

    private final TimeTravelService lake;

    public TablesApi(TimeTravelService lake) {
        this.lake = lake;
    }

    /** {@code GET /api/tables}: every table of every database, sorted by database and name. */
    public TableList tables() {
        return ask(() -> new TableList(lake.tables()));
    }

    /** {@code GET /api/tables/{db}/{table}}: columns, keys, options (without credentials), latest snapshot. */
    public TableDescription describe(String database, String table) {
        names(database, table);
        return ask(() -> lake.describe(database, table));
    }

    /**
     * {@code GET .../snapshots?limit=N&before=ID}: retained snapshots newest first, those with an id below
     * {@code before} (all when absent); {@code next} is the URL of the following page, or null.
     */
    public SnapshotPage snapshots(String database, String table, String limit, String before) {
        int pageSize = RequestParams.limit(limit, SNAPSHOTS_DEFAULT_LIMIT, SNAPSHOTS_MAX_LIMIT);
        Long beforeId = RequestParams.optionalSnapshotId("before", before);
        names(database, table);
        SnapshotSlice slice = ask(() -> lake.snapshots(database, table, pageSize, beforeId));
        String next = slice.more()
                ? "/api/tables/" + database + "/" + table + "/snapshots?limit=" + pageSize + "&before="
                        + slice.snapshots().get(slice.snapshots().size() - 1).id()
                : null;
        return new SnapshotPage(slice.snapshots(), next);
    }

    /**
     * {@code GET .../rows}: the rows at the latest snapshot, or at one of {@code snapshot} (id), {@code timestamp}
     * (epoch ms or ISO-8601: the latest snapshot committed at or before it) or {@code tag}; {@code where} is null, one
     * {@code col:value} or a collection of them (all must hold); {@code limit} defaults to 100, capped at 10000. The
     * answer is {@code truncated} at the limit, or earlier at the read budget (fewer rows than the limit). {@code offset}
     * skips that many matching rows first (a later page: the order is the same for the same snapshot).
     */
    public Rows rows(String database, String table, String snapshot, String timestamp, String tag, Object where,
                     String limit, String offset) {
        int maxRows = RequestParams.limit(limit, ROWS_DEFAULT_LIMIT, ROWS_MAX_LIMIT);
        int skip = RequestParams.offset(offset, ROWS_MAX_OFFSET);
        List<WhereCondition> conditions = RequestParams.where(where);
        int selectors = (given(snapshot) ? 1 : 0) + (given(timestamp) ? 1 : 0) + (given(tag) ? 1 : 0);
        if (selectors > 1) {
            throw ApiException.badRequest("invalid_request", "give at most one of snapshot, timestamp and tag");
        }
        Long snapshotId = RequestParams.optionalSnapshotId("snapshot", snapshot);
        Long epochMillis = given(timestamp) ? RequestParams.timestamp("timestamp", timestamp) : null;
        String tagName = given(tag) ? RequestParams.name("tag", tag) : null;
        names(database, table);
        ReadPoint point = new ReadPoint(snapshotId, epochMillis, tagName);
        return ask(() -> lake.rows(database, table, point, conditions, skip, maxRows));
    }

    /** {@code GET .../rows} from the first matching row. */
    public Rows rows(String database, String table, String snapshot, String timestamp, String tag, Object where,
                     String limit) {
        return rows(database, table, snapshot, timestamp, tag, where, limit, null);
    }

    /**
     * {@code GET .../diff?from=A&to=B}: the net change per primary key from A to B (each a snapshot id, or a tag
     * name when not all digits), of the rows matching {@code where}, within the read budget.
     */
    public Diff diff(String database, String table, String from, String to, Object where, String limit) {
        int maxChanges = RequestParams.limit(limit, DIFF_DEFAULT_LIMIT, DIFF_MAX_LIMIT);
        List<WhereCondition> conditions = RequestParams.where(where);
        ReadPoint fromPoint = snapshotOrTag("from", from);
        ReadPoint toPoint = snapshotOrTag("to", to);
        names(database, table);
        return ask(() -> lake.diff(database, table, fromPoint, toPoint, conditions, maxChanges));
    }

    /** {@code GET .../tags}: tags ordered by the snapshot they keep, then name. */
    public TagList tags(String database, String table) {
        names(database, table);
        return ask(() -> new TagList(lake.tags(database, table)));
    }

    /** {@code POST .../tags} with the request body {@code {"name", "snapshot"?}} (JSON text, bytes, or a map). */
    public TagInfo createTag(String database, String table, Object body) {
        JsonNode json = RequestParams.jsonObject(body, "name", "snapshot");
        return createTag(database, table, RequestParams.text(json, "name"), RequestParams.text(json, "snapshot"));
    }

    /** Tags {@code snapshot} (the latest when absent) as {@code name}: 409 if the tag exists (answer 201). */
    public TagInfo createTag(String database, String table, String name, String snapshot) {
        RequestParams.name("tag name", name);
        if (RequestParams.isSnapshotId(name)) {
            throw ApiException.badRequest("invalid_name", "tag name '" + name
                    + "' must not be all digits: diff would read it as a snapshot id");
        }
        Long snapshotId = RequestParams.optionalSnapshotId("snapshot", snapshot);
        names(database, table);
        return ask(() -> lake.createTag(database, table, name, snapshotId));
    }

    /** {@code DELETE .../tags/{name}}: 404 if there is no such tag (answer 204). */
    public void deleteTag(String database, String table, String name) {
        RequestParams.name("tag name", name);
        names(database, table);
        ask(() -> {
            lake.deleteTag(database, table, name);
            return null;
        });
    }

    /** {@code POST .../rollback} with the request body {@code {"snapshot" | "tag", "dryRun"?}} (dryRun: false). */
    public Rollback rollback(String database, String table, Object body) {
        return rollback(database, table, body, () -> { });
    }

    /**
     * {@link #rollback(String, String, Object)}, running {@code beforeChange} once the request is known to be valid
     * and just before the table changes (never for a dry run): the caller refuses there while a writer runs, and
     * forgets whatever could write the removed snapshots again.
     */
    public Rollback rollback(String database, String table, Object body, Runnable beforeChange) {
        JsonNode json = RequestParams.jsonObject(body, "snapshot", "tag", "dryRun");
        return rollback(database, table, RequestParams.text(json, "snapshot"), RequestParams.text(json, "tag"),
                RequestParams.flag(json, "dryRun", false), beforeChange);
    }

    /** Rolls back (see below) with nothing to do before the change. */
    public Rollback rollback(String database, String table, String snapshot, String tag, boolean dryRun) {
        return rollback(database, table, snapshot, tag, dryRun, () -> { });
    }

    /**
     * Rolls the table back to a snapshot (id) or a tag: every retained snapshot and every tag newer than the target
     * is removed. With {@code dryRun} nothing changes and the answer lists exactly what the rollback would remove.
     * The caller guarantees that no writer (the sync job) runs on the table; {@code beforeChange} runs right before
     * the change.
     */
    public Rollback rollback(String database, String table, String snapshot, String tag, boolean dryRun,
                             Runnable beforeChange) {
        if (given(snapshot) == given(tag)) {
            throw ApiException.badRequest("invalid_request", "give exactly one of snapshot and tag");
        }
        Long snapshotId = RequestParams.optionalSnapshotId("snapshot", snapshot);
        String tagName = given(tag) ? RequestParams.name("tag", tag) : null;
        names(database, table);
        ReadPoint target = snapshotId != null ? ReadPoint.snapshot(snapshotId) : ReadPoint.tag(tagName);
        return ask(() -> lake.rollback(database, table, target, dryRun, beforeChange));
    }

    /** The lake's answer, or its refusal as the API's problem answer. */
    private static <T> T ask(Supplier<T> call) {
        try {
            return call.get();
        } catch (LakeException refused) {
            throw ApiException.of(refused);
        }
    }

    private static void names(String database, String table) {
        RequestParams.name("database", database);
        RequestParams.name("table", table);
    }

    private static boolean given(String value) {
        return value != null && !value.isBlank();
    }

    /** A diff end: a snapshot id, or a valid tag name. */
    private static ReadPoint snapshotOrTag(String what, String value) {
        if (!given(value)) {
            throw ApiException.badRequest("invalid_request", what + " is required (a snapshot id or a tag name)");
        }
        if (RequestParams.isSnapshotId(value)) {
            return ReadPoint.snapshot(Long.parseLong(value.trim()));
        }
        return ReadPoint.tag(RequestParams.name(what + " tag", value));
    }
}
