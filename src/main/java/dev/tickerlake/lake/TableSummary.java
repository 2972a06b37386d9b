package dev.tickerlake.lake;

import java.util.List;

/** One table of the catalog; {@code latestSnapshot} is null before the first commit. */
public record TableSummary(String database, String table, List<String> primaryKeys, List<String> partitionKeys,
                           SnapshotRef latestSnapshot) {
}
