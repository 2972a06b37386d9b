package dev.tickerlake.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the Paimon tables must hold after a set of envelopes: per table and primary key, the row with the latest
 * {@code timestamp} (the tables' {@code sequence.field}), whatever order the envelopes arrived in.
 */
final class ExpectedTables {

    private final Map<String, Map<List<Object>, CanalRow>> tables = new HashMap<>();

    synchronized void add(CanalRow row) {
        tables.computeIfAbsent(row.table(), t -> new HashMap<>()).merge(row.primaryKey(), row,
                (kept, candidate) -> candidate.timestampMillis() >= kept.timestampMillis() ? candidate : kept);
    }

    synchronized void addAll(Iterable<CanalRow> rows) {
        rows.forEach(this::add);
    }

    synchronized int size(String table) {
        return tables.getOrDefault(table, Map.of()).size();
    }

    /** Expected rows by primary key, typed as the reader returns them, over the table's actual columns. */
    synchronized Map<List<Object>, Map<String, Object>> rows(String table, Set<String> columns,
            Predicate<CanalRow> which) {
        Map<List<Object>, Map<String, Object>> rows = new HashMap<>();
        tables.getOrDefault(table, Map.of()).forEach((pk, row) -> {
            if (which.test(row)) {
                rows.put(pk, row.typedRow(columns));
            }
        });
        return rows;
    }

    /** Actual rows by primary key. */
    static Map<List<Object>, Map<String, Object>> byPrimaryKey(List<Map<String, Object>> rows, List<String> pkNames,
            Predicate<Map<String, Object>> which) {
        Map<List<Object>, Map<String, Object>> byPk = new HashMap<>();
        for (Map<String, Object> row : rows) {
            if (!which.test(row)) {
                continue;
            }
            List<Object> pk = new ArrayList<>();
            pkNames.forEach(name -> pk.add(row.get(name)));
            if (byPk.put(pk, row) != null) {
                throw new AssertionError("two rows with primary key " + pk);
            }
        }
        return byPk;
    }
}
