package dev.tickerlake.lake;

import static dev.tickerlake.lake.UpbitTables.T0;
import static dev.tickerlake.lake.UpbitTables.ticker;
import static dev.tickerlake.lake.UpbitTables.trade;
import static org.apache.paimon.types.RowKind.INSERT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Freshness from Paimon's own tables: the newest event time of the last data commit, skipping compactions. */
class TableFreshnessTest {

    @TempDir
    Path warehouse;
    private UpbitTables tables;

    @BeforeEach
    void open() throws Exception {
        tables = new UpbitTables(UpbitTables.localOptions(warehouse));
    }

    @AfterEach
    void close() throws Exception {
        tables.close();
    }

    @Test
    void aTableWithoutCommitsHasNoFreshnessYet() throws Exception {
        FileStoreTable ticker = tables.createTicker("ticker", Map.of());
        assertThat(TableFreshness.of("upbit", "ticker", ticker, null))
                .isEqualTo(new TableFreshness("upbit", "ticker", null, null, null, null, null));
    }

    @Test
    void newestEventOfTheLastDataCommitNotOfTheWholeTable() throws Exception {
        tables.createTicker("ticker", Map.of());
        tables.commit("ticker", ticker(INSERT, "KRW-BTC", 1.0, T0 + 9_000), ticker(INSERT, "KRW-ETH", 2.0, T0 + 1_000));
        // The second commit's newest event is older than the first's: freshness follows the last commit only.
        long second = tables.commit("ticker", ticker(INSERT, "KRW-XRP", 3.0, T0 + 5_000),
                ticker(INSERT, "KRW-SOL", 4.0, T0 + 4_000));

        FileStoreTable table = tables.table("ticker");
        TableFreshness freshness = TableFreshness.of("upbit", "ticker", table, null);
        long commitMillis = table.snapshot(second).timeMillis();
        assertThat(freshness.snapshotId()).isEqualTo(second);
        assertThat(freshness.dataSnapshotId()).isEqualTo(second);
        assertThat(freshness.commitMillis()).isEqualTo(commitMillis);
        assertThat(freshness.newestEventMillis()).isEqualTo(T0 + 5_000);
        assertThat(freshness.freshnessMillis()).isEqualTo(commitMillis - (T0 + 5_000));
    }

    @Test
    void aCompactionAfterTheDataCommitDoesNotChangeItsFreshness() throws Exception {
        tables.createTrade("trade", Map.of());
        long data = tables.commit("trade", trade(INSERT, "KRW-BTC", 1, 10.0, 1.0, T0 + 7_000),
                trade(INSERT, "KRW-BTC", 2, 11.0, 1.0, T0 + 8_000));
        long compaction = tables.compactAll("trade");

        FileStoreTable table = tables.table("trade");
        TableFreshness freshness = TableFreshness.of("upbit", "trade", table, null);
        assertThat(freshness.snapshotId()).isEqualTo(compaction).isGreaterThan(data);
        assertThat(freshness.dataSnapshotId()).isEqualTo(data);
        assertThat(freshness.newestEventMillis()).isEqualTo(T0 + 8_000);
        assertThat(freshness.freshnessMillis()).isEqualTo(table.snapshot(data).timeMillis() - (T0 + 8_000));

        // A known data snapshot is not read again: the previous answer's event time is reused.
        TableFreshness previous = new TableFreshness("upbit", "trade", data, 0L, data, 42L, 0L);
        assertThat(TableFreshness.of("upbit", "trade", table, previous).newestEventMillis()).isEqualTo(42L);
    }

    @Test
    void aTableWithoutATimeLikeSequenceFieldHasNoFreshness() throws Exception {
        tables.createTicker("ticker", Map.of("sequence.field", "price"));
        tables.commit("ticker", ticker(INSERT, "KRW-BTC", 1.0, T0));
        TableFreshness freshness = TableFreshness.of("upbit", "ticker", tables.table("ticker"), null);
        assertThat(freshness.snapshotId()).isNotNull();
        assertThat(freshness.newestEventMillis()).isNull();
        assertThat(freshness.freshnessMillis()).isNull();
    }
}
