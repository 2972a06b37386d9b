package dev.tickerlake.lake;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.options.Options;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.schema.Schema;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.sink.BatchTableCommit;
import org.apache.paimon.table.sink.BatchTableWrite;
import org.apache.paimon.table.sink.BatchWriteBuilder;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.types.DataField;
import org.apache.paimon.types.DataTypes;
import org.apache.paimon.types.RowKind;
import org.apache.paimon.types.TimestampType;

/**
 * Test fixture: {@code upbit.ticker}- and {@code upbit.trade}-shaped primary-key tables (the sync job's options), written
 * commit by commit through Paimon's batch write API, and read back with Paimon's own reader.
 */
public final class UpbitTables implements AutoCloseable {

    public static final String DATABASE = "upbit";
    /** 2024-05-01T00:00:00Z. */
    public static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    public static final long DAY = 86_400_000L;
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Catalog catalog;

    public UpbitTables(Map<String, String> catalogOptions) throws Exception {
        Map<String, String> options = new HashMap<>(catalogOptions);
        // A cached snapshot outlives a rollback: the next commit reuses its id with other contents.
        options.put("cache-enabled", "false");
        this.catalog = CatalogFactory.createCatalog(CatalogContext.create(Options.fromMap(options)));
        catalog.createDatabase(DATABASE, true);
    }

    public static Map<String, String> localOptions(java.nio.file.Path warehouse) {
        return Map.of("warehouse", warehouse.toUri().toString());
    }

    /**
     * The test tables' options: bucket 4 (several buckets per table, as on a cluster), input changelog, latest by
     * exchange time; the shipped options (application.properties) add write-throughput tunings on top.
     */
    public static Map<String, String> upbitOptions() {
        Map<String, String> options = new HashMap<>();
        options.put("bucket", "4");
        options.put("changelog-producer", "input");
        options.put("merge-engine", "deduplicate");
        options.put("sequence.field", "timestamp");
        return options;
    }

    /** {@code ticker}: latest tick per market and day. */
    public FileStoreTable createTicker(String name, Map<String, String> extraOptions) throws Exception {
        Map<String, String> options = upbitOptions();
        options.putAll(extraOptions);
        Schema schema = Schema.newBuilder()
                .column("market", DataTypes.STRING().notNull())
                .column("dt", DataTypes.STRING().notNull())
                .column("symbol", DataTypes.STRING())
                .column("type", DataTypes.STRING())
                .column("price", DataTypes.DOUBLE())
                .column("volume", DataTypes.DOUBLE())
                .column("change_rate", DataTypes.DOUBLE())
                .column("timestamp", DataTypes.TIMESTAMP(3))
                .column("trade_timestamp", DataTypes.TIMESTAMP(3))
                .column("sequential_id", DataTypes.BIGINT())
                .column("is_trading_suspended", DataTypes.BOOLEAN())
                .primaryKey("market", "dt")
                .partitionKeys("dt")
                .options(options)
                .build();
        catalog.createTable(Identifier.create(DATABASE, name), schema, false);
        return table(name);
    }

    /** {@code trade}: every trade. */
    public FileStoreTable createTrade(String name, Map<String, String> extraOptions) throws Exception {
        Map<String, String> options = upbitOptions();
        options.putAll(extraOptions);
        Schema schema = Schema.newBuilder()
                .column("market", DataTypes.STRING().notNull())
                .column("dt", DataTypes.STRING().notNull())
                .column("sequential_id", DataTypes.BIGINT().notNull())
                .column("type", DataTypes.STRING())
                .column("trade_price", DataTypes.DOUBLE())
                .column("trade_volume", DataTypes.DOUBLE())
                .column("ask_bid", DataTypes.STRING())
                .column("prev_closing_price", DataTypes.DOUBLE())
                .column("change", DataTypes.STRING())
                .column("trade_timestamp", DataTypes.TIMESTAMP(3))
                .column("timestamp", DataTypes.TIMESTAMP(3))
                .column("stream_type", DataTypes.STRING())
                .primaryKey("market", "sequential_id", "dt")
                .partitionKeys("dt")
                .options(options)
                .build();
        catalog.createTable(Identifier.create(DATABASE, name), schema, false);
        return table(name);
    }

    public FileStoreTable table(String name) throws Exception {
        return (FileStoreTable) catalog.getTable(Identifier.create(DATABASE, name));
    }

    public Catalog catalog() {
        return catalog;
    }

    /** A ticker row; {@code dt} is the UTC day of the trade time (10 ms before the message time). */
    public static GenericRow ticker(RowKind kind, String market, double price, long timestampMillis) {
        long tradeTime = timestampMillis - 10;
        return GenericRow.ofKind(kind,
                BinaryString.fromString(market), BinaryString.fromString(day(tradeTime)),
                BinaryString.fromString(market.substring(market.indexOf('-') + 1)), BinaryString.fromString("ticker"),
                price, 1234.5, 0.01, Timestamp.fromEpochMillis(timestampMillis), Timestamp.fromEpochMillis(tradeTime),
                timestampMillis * 1000, false);
    }

    /** A trade row. */
    public static GenericRow trade(RowKind kind, String market, long sequentialId, double price, double volume,
                                   long timestampMillis) {
        long tradeTime = timestampMillis - 5;
        return GenericRow.ofKind(kind,
                BinaryString.fromString(market), BinaryString.fromString(day(tradeTime)), sequentialId,
                BinaryString.fromString("trade"), price, volume, BinaryString.fromString(sequentialId % 2 == 0 ? "ASK" : "BID"),
                price * 0.99, BinaryString.fromString("RISE"), Timestamp.fromEpochMillis(tradeTime),
                Timestamp.fromEpochMillis(timestampMillis), BinaryString.fromString("REALTIME"));
    }

    public static String day(long epochMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC).toString();
    }

    /** Writes the rows as one batch commit and returns the new snapshot's id. */
    public long commit(String table, List<GenericRow> rows) throws Exception {
        FileStoreTable paimonTable = table(table);
        BatchWriteBuilder builder = paimonTable.newBatchWriteBuilder();
        try (BatchTableWrite write = builder.newWrite(); BatchTableCommit commit = builder.newCommit()) {
            for (GenericRow row : rows) {
                write.write(row);
            }
            commit.commit(write.prepareCommit());
        }
        // Successive commits get distinct commit times, so that a point in time between them exists.
        Thread.sleep(3);
        return table(table).snapshotManager().latestSnapshotId();
    }

    public long commit(String table, GenericRow... rows) throws Exception {
        return commit(table, List.of(rows));
    }

    /** Fully compacts every bucket of the table in one commit (a COMPACT snapshot); returns the new snapshot's id. */
    public long compactAll(String table) throws Exception {
        FileStoreTable paimonTable = table(table);
        BatchWriteBuilder builder = paimonTable.newBatchWriteBuilder();
        try (BatchTableWrite write = builder.newWrite(); BatchTableCommit commit = builder.newCommit()) {
            for (org.apache.paimon.table.source.Split split : paimonTable.newReadBuilder().newScan().plan().splits()) {
                org.apache.paimon.table.source.DataSplit data = (org.apache.paimon.table.source.DataSplit) split;
                write.compact(data.partition(), data.bucket(), true);
            }
            commit.commit(write.prepareCommit());
        }
        Thread.sleep(3);
        return table(table).snapshotManager().latestSnapshotId();
    }

    /** Paimon's own read of the table with these dynamic options (e.g. scan.snapshot-id), as JSON-like maps. */
    public List<Map<String, Object>> read(String table, Map<String, String> dynamicOptions) throws Exception {
        FileStoreTable paimonTable = table(table).copy(dynamicOptions);
        ReadBuilder builder = paimonTable.newReadBuilder();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<DataField> fields = paimonTable.rowType().getFields();
        try (RecordReader<InternalRow> reader = builder.newRead().createReader(builder.newScan().plan())) {
            reader.forEachRemaining(row -> rows.add(plain(fields, row)));
        }
        return rows;
    }

    public List<Map<String, Object>> readAt(String table, long snapshotId) throws Exception {
        return read(table, Map.of("scan.snapshot-id", Long.toString(snapshotId)));
    }

    /** The row as the admin API should show it, worked out independently of the code under test. */
    static Map<String, Object> plain(List<DataField> fields, InternalRow row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            DataField field = fields.get(i);
            Object value;
            if (row.isNullAt(i)) {
                value = null;
            } else {
                switch (field.type().getTypeRoot()) {
                    case VARCHAR -> value = row.getString(i).toString();
                    case DOUBLE -> value = row.getDouble(i);
                    case BIGINT -> value = row.getLong(i);
                    case BOOLEAN -> value = Boolean.toString(row.getBoolean(i));
                    case TIMESTAMP_WITHOUT_TIME_ZONE -> value = ISO_MILLIS.format(row.getTimestamp(i,
                            ((TimestampType) field.type()).getPrecision()).toLocalDateTime().toInstant(ZoneOffset.UTC));
                    default -> throw new IllegalArgumentException("fixture does not know " + field.type());
                }
            }
            values.put(field.name(), value);
        }
        return values;
    }

    @Override
    public void close() throws Exception {
        catalog.close();
    }
}
