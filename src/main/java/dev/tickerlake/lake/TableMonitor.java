package dev.tickerlake.lake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each table's latest snapshot and freshness for JMX, metrics and {@code GET /api/sync}; refreshed by the
 * {@code table-freshness} route. A table seen for the first time is handed to {@code onNewTable} (which registers it).
 */
public final class TableMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(TableMonitor.class);

    private final TimeTravelService tables;
    private final String database;
    private Consumer<ManagedTable> onNewTable;
    private final Map<String, ManagedTable> managed = new ConcurrentHashMap<>();
    private volatile String lastProblem;
    private volatile boolean looked;

    public TableMonitor(TimeTravelService tables, String database, Consumer<ManagedTable> onNewTable) {
        this.tables = tables;
        this.database = database;
        this.onNewTable = onNewTable;
    }

    /** A monitor whose new tables go nowhere until {@link #onNewTable(Consumer)} names where (a bean in YAML). */
    public TableMonitor(TimeTravelService tables, String database) {
        this(tables, database, table -> { });
    }

    /** Hands every table seen from now on to {@code onNewTable}, and at once the tables already seen. */
    public synchronized void onNewTable(Consumer<ManagedTable> onNewTable) {
        this.onNewTable = onNewTable;
        managed.values().forEach(onNewTable);
    }

    /** Reads every table's latest state once. Storage being unreachable is logged once, not thrown. */
    public void refresh() {
        Map<String, TableFreshness> previous = new LinkedHashMap<>();
        managed.forEach((name, table) -> previous.put(name, table.latest()));
        List<TableFreshness> answers;
        try {
            answers = tables.freshness(database, previous);
        } catch (RuntimeException e) {
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(lastProblem)) {
                LOG.warn("Cannot read the tables of {} for monitoring: {}", database, problem);
                lastProblem = problem;
            }
            return;
        }
        lastProblem = null;
        looked = true;
        for (TableFreshness answer : answers) {
            ManagedTable known = managed.get(answer.table());
            if (known != null) {
                known.update(answer);
            } else {
                ManagedTable table = new ManagedTable(answer);
                synchronized (this) {
                    managed.put(answer.table(), table);
                    onNewTable.accept(table);
                }
            }
        }
    }

    /**
     * Why {@link #latest()} may be out of date, or null when the last look succeeded: the tables have not been read yet
     * (the buckets are not confirmed: S3 unreachable or a bucket missing), or the last look failed.
     */
    public String problem() {
        String problem = lastProblem;
        if (problem != null) {
            return "cannot read the tables on S3 (" + database + "): " + problem;
        }
        return looked ? null : "the tables on S3 have not been read yet (the buckets are not confirmed: see /observe/health/ready)";
    }

    /** The last state read of each table by {@code database.table}, tables sorted by name. */
    public Map<String, TableFreshness> latest() {
        Map<String, TableFreshness> byName = new java.util.TreeMap<>();
        managed.values().forEach(table -> byName.put(table.name(), table.latest()));
        return byName;
    }
}
