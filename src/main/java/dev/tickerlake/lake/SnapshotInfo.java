package dev.tickerlake.lake;

/** One retained snapshot; record counts are null when the snapshot does not carry them. */
public record SnapshotInfo(long id, String commitTime, long commitTimeMillis, String commitKind,
                           Long totalRecordCount, Long deltaRecordCount) {
}
