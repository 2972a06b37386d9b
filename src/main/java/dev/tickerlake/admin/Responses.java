package dev.tickerlake.admin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON bodies (DESIGN.md, "The admin API") as records: Jackson writes each record with its component
 * names as the JSON fields, so these shapes are the contract. Absent values are JSON null.
 */
public final class Responses {

    /** ISO-8601 UTC with milliseconds, e.g. {@code 2024-05-01T00:00:00.123Z}. */
    private static final DateTimeFormatter ISO_UTC_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Responses() {
    }

    /** A point in time as ISO-8601 UTC; milliseconds always shown, finer digits only when present. */
    public static String isoUtc(Instant instant) {
        return instant.getNano() % 1_000_000 == 0
                ? ISO_UTC_MILLIS.format(instant)
                : DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /** Epoch milliseconds as ISO-8601 UTC. */
    public static String isoUtc(long epochMillis) {
        return isoUtc(Instant.ofEpochMilli(epochMillis));
    }

    /** {@code {"id","commitTime","commitTimeMillis"}}: the snapshot an answer was read at. */
    public record SnapshotRef(long id, String commitTime, long commitTimeMillis) {
        public static SnapshotRef of(long id, long commitTimeMillis) {
            return new SnapshotRef(id, isoUtc(commitTimeMillis), commitTimeMillis);
        }
    }

    /** {@code GET /api/tables}. */
    public record TableList(List<TableSummary> tables) {
    }

    /** One table of {@code GET /api/tables}; {@code latestSnapshot} is null before the first commit. */
    public record TableSummary(String database, String table, List<String> primaryKeys, List<String> partitionKeys,
                               SnapshotRef latestSnapshot) {
    }

    /** {@code GET /api/tables/{db}/{table}}; options never carry credentials. */
    public record TableDescription(String database, String table, List<Field> fields, List<String> primaryKeys,
                                   List<String> partitionKeys, Map<String, String> options,
                                   SnapshotRef latestSnapshot) {
    }

    /** A column: its Paimon SQL type without the nullability, which is told apart. */
    public record Field(String name, String type, boolean nullable) {
    }

    /** {@code GET .../snapshots}: newest first; {@code next} is the URL of the next page, or null on the last. */
    public record SnapshotPage(List<SnapshotInfo> snapshots, String next) {
    }

    /** One snapshot; record counts are null when the snapshot does not carry them. */
    public record SnapshotInfo(long id, String commitTime, long commitTimeMillis, String commitKind,
                               Long totalRecordCount, Long deltaRecordCount) {
    }

    /** {@code GET .../rows}: {@code snapshot} is null only when the table has no snapshot yet. */
    public record Rows(SnapshotRef snapshot, List<Map<String, Object>> rows, boolean truncated) {
    }

    /** {@code GET .../diff}. */
    public record Diff(SnapshotRef from, SnapshotRef to, List<Change> changes, boolean truncated) {
    }

    /** One change of a diff: {@code +I}, {@code -U} (the row before), {@code +U} (the row after) or {@code -D}. */
    public record Change(String kind, Map<String, Object> row) {
    }

    /** {@code GET .../tags}. */
    public record TagList(List<TagInfo> tags) {
    }

    /** A tag: the snapshot it keeps and that snapshot's commit time. */
    public record TagInfo(String name, long snapshot, String commitTime) {
    }

    /** {@code POST .../rollback}: what the rollback removes (dry run) or removed ({@code done}). */
    public record Rollback(SnapshotRef target, List<Long> removesSnapshots, List<String> removesTags, boolean done) {
    }
}
