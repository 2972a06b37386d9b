package dev.tickerlake.lake;

/**
 * Where in a table's history to read: the latest snapshot, a snapshot id, a point in time (epoch milliseconds: the
 * latest snapshot committed at or before it) or a tag. Exactly one of the three values is set, or none for the latest.
 */
public record ReadPoint(Long snapshotId, Long epochMillis, String tag) {

    public static ReadPoint latest() {
        return new ReadPoint(null, null, null);
    }

    public static ReadPoint snapshot(long id) {
        return new ReadPoint(id, null, null);
    }

    public static ReadPoint at(long epochMillis) {
        return new ReadPoint(null, epochMillis, null);
    }

    public static ReadPoint tag(String name) {
        return new ReadPoint(null, null, name);
    }
}
