package dev.tickerlake.lake;

import java.util.List;
import java.util.Map;

/**
 * Rows read at one snapshot ({@code snapshot} is null only when the table has none yet), after the first {@code offset}
 * matching ones; {@code truncated} at a limit.
 */
public record Rows(SnapshotRef snapshot, int offset, List<Map<String, Object>> rows, boolean truncated) {
}
