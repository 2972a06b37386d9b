package dev.tickerlake.lake;

import java.util.List;
import java.util.Map;

/** A table's columns, keys, options (never credentials) and latest snapshot (null before the first commit). */
public record TableDescription(String database, String table, List<Field> fields, List<String> primaryKeys,
                               List<String> partitionKeys, Map<String, String> options, SnapshotRef latestSnapshot) {
}
