package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.schema.Schema;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.sink.BatchTableCommit;
import org.apache.paimon.table.sink.BatchTableWrite;
import org.apache.paimon.table.sink.BatchWriteBuilder;
import org.apache.paimon.types.DataTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LakeCheck against small local tables shaped like upbit's (key columns, timestamp, checked columns). The tables have no
 * primary key, so that a test can write exactly the rows it wants, a key twice included. The model is
 * {@link LakeModelTest#LINES}: ticker KRW-BTC|2024-05-01 (line 4) and KRW-ETH|2024-05-02 (line 10), trades
 * KRW-BTC|1714607999400000|2024-05-01 and KRW-XRP|1714608000250000|2024-05-02, orderbook KRW-ETH|2024-05-02 (line 3).
 */
class LakeCheckTest {

    @TempDir
    Path dir;
    LakeModel model;
    Catalog catalog;
    List<GenericRow> ticker;
    List<GenericRow> trade;
    List<GenericRow> orderbook;

    @BeforeEach
    void setUp() throws Exception {
        model = LakeModelTest.handWritten(dir);
        catalog = LakeCheck.catalog(Map.of("warehouse", dir.resolve("warehouse").toUri().toString()));
        catalog.createDatabase("upbit", true);
        ticker = new ArrayList<>(List.of(
                ticker("KRW-BTC", "2024-05-01", 95001000, 0.01241, 1714608000200L),
                ticker("KRW-ETH", "2024-05-02", 3500500, -0.5, 1714608000400L)));
        trade = new ArrayList<>(List.of(
                trade("KRW-BTC", "2024-05-01", 1714607999400000L, 95001000, 1714607999500L),
                trade("KRW-XRP", "2024-05-02", 1714608000250000L, 0.00012345, 1714608000300L)));
        orderbook = new ArrayList<>(List.of(orderbook("KRW-ETH", "2024-05-02", 3500500, 3500000, 1714608000100L)));
    }

    @Test
    void theRightRowsMatch() throws Exception {
        writeAll();
        Discrepancies d = LakeCheck.compare(model, catalog);
        assertThat(d.none()).as(d.toString()).isTrue();
        assertThat(d.expected()).isEqualTo(5);
        assertThat(LakeCheck.awaitMatch(model, () -> catalog, Duration.ofSeconds(5)).none()).isTrue();
    }

    @Test
    void aMissingRowIsLost() throws Exception {
        trade.remove(1);
        writeAll();
        assertCounts(LakeCheck.compare(model, catalog), 1, 0, 0, 0);
    }

    @Test
    void aMissingTableLosesItsRowsWithoutAnException() throws Exception {
        write("ticker", tickerSchema(), ticker);
        write("trade", tradeSchema(), trade);
        Discrepancies d = LakeCheck.compare(model, catalog);
        assertCounts(d, 1, 0, 0, 0);
        assertThat(d.examples()).anyMatch(e -> e.contains("orderbook does not exist"));
        // no table at all: everything lost
        assertCounts(LakeCheck.compare(model, LakeCheck.catalog(Map.of("warehouse",
                dir.resolve("empty").toUri().toString()))), 5, 0, 0, 0);
    }

    @Test
    void aKeyReadTwiceIsDuplicated() throws Exception {
        trade.add(trade("KRW-BTC", "2024-05-01", 1714607999400000L, 95001000, 1714607999500L));
        writeAll();
        assertCounts(LakeCheck.compare(model, catalog), 0, 1, 0, 0);
    }

    @Test
    void anOlderFrameIsWrong() throws Exception {
        // line 1's ticker: the key is right, the frame is stale
        ticker.set(0, ticker("KRW-BTC", "2024-05-01", 95000000, 0.0123, 1714607998000L));
        writeAll();
        Discrepancies d = LakeCheck.compare(model, catalog);
        assertCounts(d, 0, 0, 1, 0);
        assertThat(d.examples().get(0)).contains("stale timestamp");
    }

    @Test
    void aDifferentValueIsWrong() throws Exception {
        ticker.set(1, ticker("KRW-ETH", "2024-05-02", 3500500, 0.5, 1714608000400L));          // sign lost
        trade.set(1, trade("KRW-XRP", "2024-05-02", 1714608000250000L, 0.0001234, 1714608000300L)); // a digit lost
        orderbook.set(0, orderbook("KRW-ETH", "2024-05-02", 3500500, 3500000.000001, 1714608000100L));
        writeAll();
        assertCounts(LakeCheck.compare(model, catalog), 0, 0, 3, 0);
    }

    @Test
    void aRowTheModelDoesNotHaveIsExtra() throws Exception {
        trade.add(trade("KRW-XRP", "2024-05-02", 1714608000250001L, 3000, 1714608000300L));
        // a ticker on the wrong day is both extra (its key) and lost (the right key)
        ticker.set(1, ticker("KRW-ETH", "2024-05-01", 3500500, -0.5, 1714608000400L));
        writeAll();
        assertCounts(LakeCheck.compare(model, catalog), 1, 0, 0, 2);
    }

    private static void assertCounts(Discrepancies d, int lost, int duplicated, int wrong, int extra) {
        assertThat(List.of(d.lost(), d.duplicated(), d.wrong(), d.extra())).as(d.toString())
                .containsExactly(lost, duplicated, wrong, extra);
    }

    private void writeAll() throws Exception {
        write("ticker", tickerSchema(), ticker);
        write("trade", tradeSchema(), trade);
        write("orderbook", orderbookSchema(), orderbook);
    }

    private void write(String name, Schema schema, List<GenericRow> rows) throws Exception {
        catalog.createTable(Identifier.create("upbit", name), schema, false);
        Table table = catalog.getTable(Identifier.create("upbit", name));
        BatchWriteBuilder builder = table.newBatchWriteBuilder();
        try (BatchTableWrite write = builder.newWrite(); BatchTableCommit commit = builder.newCommit()) {
            for (GenericRow row : rows) {
                write.write(row);
            }
            commit.commit(write.prepareCommit());
        }
    }

    private static Schema tickerSchema() {
        return Schema.newBuilder()
                .column("market", DataTypes.STRING().notNull())
                .column("dt", DataTypes.STRING().notNull())
                .column("price", DataTypes.DOUBLE())
                .column("change_rate", DataTypes.DOUBLE())
                .column("timestamp", DataTypes.TIMESTAMP(3))
                .build();
    }

    private static Schema tradeSchema() {
        return Schema.newBuilder()
                .column("market", DataTypes.STRING().notNull())
                .column("dt", DataTypes.STRING().notNull())
                .column("sequential_id", DataTypes.BIGINT().notNull())
                .column("trade_price", DataTypes.DOUBLE())
                .column("timestamp", DataTypes.TIMESTAMP(3))
                .build();
    }

    private static Schema orderbookSchema() {
        return Schema.newBuilder()
                .column("market", DataTypes.STRING().notNull())
                .column("dt", DataTypes.STRING().notNull())
                .column("ask_price_1", DataTypes.DOUBLE())
                .column("bid_price_1", DataTypes.DOUBLE())
                .column("timestamp", DataTypes.TIMESTAMP(3))
                .build();
    }

    private static GenericRow ticker(String market, String dt, double price, double changeRate, long timestamp) {
        return GenericRow.of(BinaryString.fromString(market), BinaryString.fromString(dt), price, changeRate,
                Timestamp.fromEpochMillis(timestamp));
    }

    private static GenericRow trade(String market, String dt, long sequentialId, double price, long timestamp) {
        return GenericRow.of(BinaryString.fromString(market), BinaryString.fromString(dt), sequentialId, price,
                Timestamp.fromEpochMillis(timestamp));
    }

    private static GenericRow orderbook(String market, String dt, double ask, double bid, long timestamp) {
        return GenericRow.of(BinaryString.fromString(market), BinaryString.fromString(dt), ask, bid,
                Timestamp.fromEpochMillis(timestamp));
    }
}
