package dev.tickerlake.lake;

import java.util.List;

/** What a rollback removes (dry run) or removed ({@code done}), and the snapshot it rolls back to. */
public record Rollback(SnapshotRef target, List<Long> removesSnapshots, List<String> removesTags, boolean done) {
}
