package dev.tickerlake.lake;

import java.util.List;

/** Retained snapshots newest first, at most the asked number; {@code more} when older ones follow. */
public record SnapshotSlice(List<SnapshotInfo> snapshots, boolean more) {
}
