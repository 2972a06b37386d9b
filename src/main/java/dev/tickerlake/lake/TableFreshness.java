package dev.tickerlake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.apache.paimon.CoreOptions;
import org.apache.paimon.Snapshot;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.ScanMode;
import org.apache.paimon.table.source.Split;
import org.apache.paimon.types.DataField;
import org.apache.paimon.types.DataTypeRoot;
import org.apache.paimon.utils.CloseableIterator;
import org.apache.paimon.utils.SnapshotManager;

/**
 * How current a table is: its latest snapshot and, for the latest commit that added data, the newest event time it
 * committed. Freshness is that commit's time minus that event time: how long the newest event took from the exchange
 * to a readable row.
 *
 * <p>The event time is the table's {@code sequence.field} (tickerlake's tables order rows by the exchange's
 * {@code timestamp}); a table without a timestamp-like sequence field has no freshness.
 *
 * @param database          the table's database
 * @param table             the table's name
 * @param snapshotId        the latest snapshot, or null before the first commit
 * @param commitMillis      when the latest snapshot was committed, or null
 * @param dataSnapshotId    the latest snapshot that added data (compactions only rewrite), or null
 * @param newestEventMillis the newest event time that snapshot added, or null
 * @param freshnessMillis   the data snapshot's commit time minus {@code newestEventMillis}, or null
 */
public record TableFreshness(String database, String table, Long snapshotId, Long commitMillis, Long dataSnapshotId,
                             Long newestEventMillis, Long freshnessMillis) {

    /** Most snapshots looked back through for one that added rows (a run of compactions is usually one or two). */
    private static final int MAX_LOOK_BACK = 20;

    /**
     * Reads the table's latest state. {@code previous} (this table's last answer, or null) saves reading the same data
     * snapshot twice: the newest event time of a snapshot never changes.
     */
    public static TableFreshness of(String database, String name, FileStoreTable table, TableFreshness previous) {
        SnapshotManager snapshots = table.snapshotManager();
        Snapshot latest = snapshots.latestSnapshot();
        if (latest == null) {
            return new TableFreshness(database, name, null, null, null, null, null);
        }
        // The newest commit that added rows: compactions only rewrite, and an append may carry no rows of its own.
        Snapshot candidate = latest;
        for (int i = 0; i < MAX_LOOK_BACK && candidate != null; i++) {
            if (candidate.commitKind() == Snapshot.CommitKind.APPEND) {
                Long eventMillis = previous != null && Long.valueOf(candidate.id()).equals(previous.dataSnapshotId())
                        ? previous.newestEventMillis()
                        : newestEventMillis(table, candidate);
                if (eventMillis != null) {
                    return new TableFreshness(database, name, latest.id(), latest.timeMillis(), candidate.id(),
                            eventMillis, candidate.timeMillis() - eventMillis);
                }
            }
            long previousId = candidate.id() - 1;
            candidate = snapshots.snapshotExists(previousId) ? snapshots.snapshot(previousId) : null;
        }
        return new TableFreshness(database, name, latest.id(), latest.timeMillis(), null, null, null);
    }

    /** The largest event time among the rows the snapshot's commit added: one column of its new files only. */
    private static Long newestEventMillis(FileStoreTable table, Snapshot snapshot) {
        int column = eventTimeColumn(table);
        if (column < 0) {
            return null;
        }
        List<Split> added = table.newSnapshotReader().withSnapshot(snapshot).withMode(ScanMode.DELTA).read().splits();
        if (added.isEmpty()) {
            return null;
        }
        long newest = Long.MIN_VALUE;
        try (RecordReader<InternalRow> reader = table.newReadBuilder().withProjection(new int[] {column}).newRead()
                .createReader(added);
             CloseableIterator<InternalRow> rows = reader.toCloseableIterator()) {
            while (rows.hasNext()) {
                InternalRow row = rows.next();
                if (!row.isNullAt(0)) {
                    newest = Math.max(newest, eventMillis(table.rowType().getFields().get(column), row));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + snapshot.id() + " of " + table.name(), e);
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
        return newest == Long.MIN_VALUE ? null : newest;
    }

    /** The index of the event-time column (the first sequence field, if it is a timestamp or epoch millis), or -1. */
    private static int eventTimeColumn(FileStoreTable table) {
        List<String> sequence = CoreOptions.fromMap(table.options()).sequenceField();
        if (sequence.isEmpty()) {
            return -1;
        }
        List<DataField> fields = table.rowType().getFields();
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(sequence.get(0))) {
                DataTypeRoot type = fields.get(i).type().getTypeRoot();
                boolean timeLike = type == DataTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                        || type == DataTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE || type == DataTypeRoot.BIGINT;
                return timeLike ? i : -1;
            }
        }
        return -1;
    }

    private static long eventMillis(DataField field, InternalRow row) {
        return switch (field.type().getTypeRoot()) {
            case BIGINT -> row.getLong(0);
            // The CDC envelopes carry the exchange's epoch ms as a UTC wall-clock timestamp.
            default -> row.getTimestamp(0, 3).getMillisecond();
        };
    }
}
