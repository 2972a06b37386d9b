package dev.tickerlake.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.tickerlake.sync.UpbitRows.orderbook;
import static dev.tickerlake.sync.UpbitRows.ticker;
import static dev.tickerlake.sync.UpbitRows.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sync job turns canal envelopes into typed, partitioned primary-key tables and follows new fields. */
class SyncJobTablesIT extends SyncJobITSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SyncJobTablesIT.class);
    private static final String DB = "upbit";
    private static final long DAY_1 = 1714521600000L; // 2024-05-01T00:00:00Z
    private static final long DAY_2 = DAY_1 + 86_400_000L;

    private static SyncJob job;
    private static String topic;
    private static final ExpectedTables expected = new ExpectedTables();

    @BeforeAll
    static void startJob() throws Exception {
        SyncJobSettings settings = settings(DB).parallelism(2).build();
        topic = settings.topic();
        createTopic(topic, 3);
        job = new SyncJob(settings);
        long submit = System.nanoTime();
        SyncJobState state = job.start();
        assertThat(state.status()).isEqualTo(SyncJobState.Status.RUNNING);
        // One envelope so the first snapshot can be timed from submission.
        send(topic, List.of(ticker("KRW-WARMUP", DAY_1, DAY_1, 1.0)), expected);
        await().atMost(VISIBLE).ignoreExceptions().until(() -> !tables.snapshots(DB, "ticker").isEmpty());
        LOG.info("MEASURE submit -> first ticker snapshot: {} ms", (System.nanoTime() - submit) / 1_000_000);
    }

    @AfterAll
    static void stopJob() throws Exception {
        if (job != null) {
            job.close();
        }
    }

    @Test
    void envelopesBecomeTypedPartitionedPrimaryKeyTablesHoldingTheLatestRowPerKey() {
        List<String> markets = List.of("KRW-BTC", "KRW-ETH", "KRW-XRP");
        List<CanalRow> rows = new ArrayList<>();
        long sequentialId = 1714521600000000L;
        for (int m = 0; m < markets.size(); m++) {
            String market = markets.get(m);
            for (long day : List.of(DAY_1, DAY_2)) {
                for (int i = 0; i < 5; i++) {
                    long t = day + 60_000L * i + m;
                    rows.add(ticker(market, t + 5, t, 1000.0 * (m + 1) + i));
                    rows.add(orderbook(market, t, 2000.0 * (m + 1) + i));
                    rows.add(trade(market, sequentialId++, t, 1000.0 * (m + 1) + i, 0.01 * (i + 1)));
                    rows.add(trade(market, sequentialId++, t + 1, 1000.0 * (m + 1) + i, 0.02 * (i + 1)));
                }
            }
        }
        // Frames that arrive after newer ones for the same key must not win.
        rows.add(ticker("KRW-BTC", DAY_2 + 5, DAY_2, 1.0));
        rows.add(orderbook("KRW-ETH", DAY_1 + 1, 1.0));
        send(topic, rows, expected);

        Set<String> ours = Set.copyOf(markets);
        awaitTableEquals(DB, "ticker", List.of("market", "dt"), expected,
                row -> ours.contains(row.data().get("market")), row -> ours.contains(row.get("market")));
        awaitTableEquals(DB, "orderbook", List.of("market", "dt"), expected,
                row -> ours.contains(row.data().get("market")), row -> ours.contains(row.get("market")));
        awaitTableEquals(DB, "trade", List.of("market", "sequential_id", "dt"), expected,
                row -> ours.contains(row.data().get("market")), row -> ours.contains(row.get("market")));
        assertThat(expected.rows("ticker", Set.of("market"), row -> ours.contains(row.data().get("market"))))
                .hasSize(6);
        assertThat(expected.rows("trade", Set.of("market"), row -> ours.contains(row.data().get("market"))))
                .hasSize(60);

        assertThat(tables.columnTypes(DB, "ticker")).containsAllEntriesOf(Map.of(
                "market", "VARCHAR(32) NOT NULL",
                "dt", "VARCHAR(10) NOT NULL",
                "type", "VARCHAR(32)",
                "symbol", "STRING",
                "price", "DOUBLE",
                "timestamp", "TIMESTAMP(3)",
                "trade_timestamp", "TIMESTAMP(3)",
                "is_trading_suspended", "BOOLEAN",
                "stream_type", "STRING"));
        assertThat(tables.columnTypes(DB, "trade")).containsAllEntriesOf(Map.of(
                "market", "STRING NOT NULL",
                "sequential_id", "BIGINT NOT NULL",
                "dt", "STRING NOT NULL",
                "trade_price", "DOUBLE",
                "ask_bid", "STRING",
                "trade_timestamp", "TIMESTAMP(3)"));
        assertThat(tables.columnTypes(DB, "orderbook")).containsAllEntriesOf(Map.of(
                "market", "STRING NOT NULL",
                "dt", "STRING NOT NULL",
                "ask_price_1", "DOUBLE",
                "bid_size_2", "DOUBLE"));

        for (String table : List.of("ticker", "trade", "orderbook")) {
            FileStoreTable t = tables.require(DB, table);
            assertThat(t.partitionKeys()).as(table).containsExactly("dt");
            assertThat(t.options()).as(table).containsEntry("bucket", "4")
                    .containsEntry("changelog-producer", "input")
                    .containsEntry("merge-engine", "deduplicate")
                    .containsEntry("sequence.field", "timestamp");
            assertThat(t.options().keySet()).as(table).noneMatch(k -> k.startsWith("s3") || k.startsWith("fs."));
            assertThat(t.options().values()).as(table).doesNotContain(s3.secretKey());
        }
        assertThat(tables.require(DB, "ticker").primaryKeys()).containsExactly("market", "dt");
        assertThat(tables.require(DB, "trade").primaryKeys()).containsExactly("market", "sequential_id", "dt");
        assertThat(tables.require(DB, "orderbook").primaryKeys()).containsExactly("market", "dt");
        assertThat(job.state().lastCheckpoint()).isNotNull();
    }

    @Test
    void aNewFieldBecomesAStringColumnWithoutRestartAndEarlierRowsReadNull() {
        String jobId = job.state().jobId();
        List<CanalRow> before = List.of(ticker("KRW-SOL", DAY_1 + 10, DAY_1, 200.0),
                ticker("KRW-ADA", DAY_1 + 10, DAY_1, 0.5));
        send(topic, before, expected);
        Set<String> ours = Set.of("KRW-SOL", "KRW-ADA", "KRW-DOGE");
        awaitTableEquals(DB, "ticker", List.of("market", "dt"), expected,
                row -> ours.contains(row.data().get("market")), row -> ours.contains(row.get("market")));

        CanalRow base = ticker("KRW-DOGE", DAY_1 + 20, DAY_1, 0.2);
        CanalRow withNewField = withColumn(base, "mystery_field", "text", "{\"a\":1}");
        send(topic, List.of(withNewField), expected);

        await().atMost(VISIBLE).ignoreExceptions().untilAsserted(() ->
                assertThat(tables.columnTypes(DB, "ticker")).containsEntry("mystery_field", "STRING"));
        awaitTableEquals(DB, "ticker", List.of("market", "dt"), expected,
                row -> ours.contains(row.data().get("market")), row -> ours.contains(row.get("market")));
        assertThat(tables.rows(DB, "ticker")).filteredOn(row -> row.get("market").equals("KRW-SOL"))
                .singleElement().satisfies(row -> assertThat(row.get("mystery_field")).isNull());
        assertThat(tables.rows(DB, "ticker")).filteredOn(row -> row.get("market").equals("KRW-DOGE"))
                .singleElement().satisfies(row -> assertThat(row.get("mystery_field")).isEqualTo("{\"a\":1}"));
        SyncJobState state = job.state();
        assertThat(state.status()).isEqualTo(SyncJobState.Status.RUNNING);
        assertThat(state.jobId()).isEqualTo(jobId);
    }

    private static CanalRow withColumn(CanalRow row, String column, String mysqlType, String value) {
        var types = new java.util.LinkedHashMap<>(row.mysqlTypes());
        var data = new java.util.LinkedHashMap<>(row.data());
        types.put(column, mysqlType);
        data.put(column, value);
        return new CanalRow(row.table(), row.pkNames(), types, data);
    }

}
