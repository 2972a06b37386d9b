package dev.tickerlake.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.options.Options;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.ReadBuilder;

/**
 * Watches the tables of one Paimon database through Paimon's Java API and tells when they hold every row of a
 * {@link Workload}: {@code trade} one row per trade frame, {@code ticker} and {@code orderbook} the latest frame of
 * every market (its {@code timestamp}). A table counts as complete at the moment its passing snapshot was first seen
 * by {@link #poll()} (the harness polls every 250 ms), so "complete" means readable by any reader at that moment.
 * Cheap on the pipeline: snapshot metadata on every poll, rows only when a new snapshot added rows (not after a
 * compaction alone) and may complete a table.
 */
final class TableProbe implements AutoCloseable {

    private final Catalog catalog;
    private final String database;
    private final Workload expected;
    private final Map<String, Long> snapshot = new HashMap<>();
    private final Map<String, Long> seenAt = new HashMap<>();
    /** Tables with rows added since they were last read. */
    private final Set<String> added = new HashSet<>();
    private final Map<String, Long> completeAt = new HashMap<>();
    private long tradeRecords;
    private Long firstSnapshotAt;

    TableProbe(Map<String, String> catalogOptions, String database, Workload expected) throws Exception {
        Map<String, String> options = new HashMap<>(catalogOptions);
        options.put("cache-enabled", "false");
        this.catalog = CatalogFactory.createCatalog(CatalogContext.create(Options.fromMap(options)));
        this.database = database;
        this.expected = expected;
    }

    /** Looks at the latest snapshots once; true when every table is complete. */
    boolean poll() throws Exception {
        long now = System.nanoTime();
        for (String name : Workload.TABLES) {
            FileStoreTable table = table(name);
            Long id = table == null ? null : latestSnapshotId(table);
            if (id != null && !id.equals(snapshot.get(name))) {
                Long previous = snapshot.put(name, id);
                if (addedRows(table, previous == null ? 1 : previous + 1, id)) {
                    added.add(name);
                }
                seenAt.put(name, now);
                if (firstSnapshotAt == null) {
                    firstSnapshotAt = now;
                }
                if ("trade".equals(name)) {
                    tradeRecords = table.snapshotManager().snapshot(id).totalRecordCount();
                }
            }
        }
        // Rows are read only once trades are (nearly) all in: until then no table can be complete.
        boolean nearlyAll = tradeRecords >= expected.trades * 0.9;
        for (String name : Workload.TABLES) {
            Long id = snapshot.get(name);
            if (completeAt.containsKey(name) || id == null || !added.contains(name) || !nearlyAll) {
                continue;
            }
            if ("trade".equals(name) && tradeRecords < expected.trades) {
                continue;
            }
            added.remove(name);
            if (complete(name, id)) {
                completeAt.put(name, seenAt.get(name));
            }
        }
        return completeAt.size() == Workload.TABLES.size();
    }

    /**
     * The table's latest snapshot id, or null for now while the snapshot directory's listing (Paimon falls back to one
     * when its LATEST hint is behind) shows a snapshot being written as {@code snapshot-<id>-<uuid>} (the embedded S3
     * server, see SnapshotFiles), which Paimon's own listing fails on with a NumberFormatException.
     */
    static Long latestSnapshotId(FileStoreTable table) {
        try {
            return table.snapshotManager().latestSnapshotId();
        } catch (NumberFormatException beingWritten) {
            return null;
        }
    }

    /** When the last table became complete (System.nanoTime), once {@link #poll()} returned true. */
    long completeAt() {
        return completeAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** When the first snapshot of any table was seen (System.nanoTime), or null. */
    Long firstSnapshotAt() {
        return firstSnapshotAt;
    }

    String status() {
        return String.format(Locale.ROOT, "trade %,d/%,d records, snapshots %s, complete %s", tradeRecords,
                expected.trades, snapshot, completeAt.keySet());
    }

    /** Whether a snapshot in [{@code from}, {@code to}] added rows (a COMPACT one changes no table's content). */
    private static boolean addedRows(FileStoreTable table, long from, long to) {
        for (long id = Math.max(from, to - 100); id <= to; id++) {
            if (!table.snapshotManager().snapshotExists(id)
                    || table.snapshotManager().snapshot(id).commitKind() != Snapshot.CommitKind.COMPACT) {
                return true;
            }
        }
        return false;
    }

    private boolean complete(String name, long snapshotId) throws Exception {
        FileStoreTable table = table(name).copy(Map.of("scan.snapshot-id", Long.toString(snapshotId)));
        List<String> fields = table.rowType().getFieldNames();
        int market = fields.indexOf("market");
        int timestamp = fields.indexOf("timestamp");
        ReadBuilder builder = table.newReadBuilder().withProjection(new int[] {market, timestamp});
        Map<String, Long> latest = new HashMap<>();
        long rows = 0;
        try (RecordReader<InternalRow> reader = builder.newRead().createReader(builder.newScan().plan())) {
            RecordReader.RecordIterator<InternalRow> batch;
            while ((batch = reader.readBatch()) != null) {
                InternalRow row;
                while ((row = batch.next()) != null) {
                    rows++;
                    if (!"trade".equals(name)) {
                        latest.put(row.getString(0).toString(), row.getTimestamp(1, 3).getMillisecond());
                    }
                }
                batch.releaseBatch();
            }
        }
        return "trade".equals(name) ? rows == expected.trades : latest.equals(expected.latest(name));
    }

    private FileStoreTable table(String name) throws Exception {
        try {
            return (FileStoreTable) catalog.getTable(Identifier.create(database, name));
        } catch (Catalog.TableNotExistException e) {
            return null;
        } catch (RuntimeException beingWritten) {
            // e.g. a schema file listed while the sync job still writes it (S3 has no atomic rename): next poll
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        catalog.close();
    }
}
