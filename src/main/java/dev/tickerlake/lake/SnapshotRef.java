package dev.tickerlake.lake;

/** The snapshot an answer was read at: its id and commit time (ISO-8601 UTC and epoch milliseconds). */
public record SnapshotRef(long id, String commitTime, long commitTimeMillis) {

    public static SnapshotRef of(long id, long commitTimeMillis) {
        return new SnapshotRef(id, Instants.isoUtc(commitTimeMillis), commitTimeMillis);
    }
}
