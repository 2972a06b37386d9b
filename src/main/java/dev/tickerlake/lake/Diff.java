package dev.tickerlake.lake;

import java.util.List;

/** The net change per primary key from one snapshot to another; {@code truncated} at the limit or the read budget. */
public record Diff(SnapshotRef from, SnapshotRef to, List<Change> changes, boolean truncated) {
}
