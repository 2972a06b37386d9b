package dev.tickerlake.lake;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tickerlake.admin.TablesApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Tests that change a table's history: each test gets a fresh ticker table with {@link TickerHistory}'s commits. */
abstract class TickerHistoryFixture {

    private static final AtomicInteger TABLES = new AtomicInteger();

    @TempDir
    static Path warehouse;
    static UpbitTables tables;
    static TimeTravelService lake;
    static TablesApi service;
    String table;
    long[] ids;

    @BeforeAll
    static void open() throws Exception {
        tables = new UpbitTables(UpbitTables.localOptions(warehouse));
        lake = new TimeTravelService(UpbitTables.localOptions(warehouse));
        service = new TablesApi(lake);
    }

    @AfterAll
    static void close() throws Exception {
        lake.close();
        tables.close();
    }

    @BeforeEach
    void writeHistory() throws Exception {
        table = "ticker_" + TABLES.incrementAndGet();
        tables.createTicker(table, Map.of());
        ids = TickerHistory.write(tables, table);
    }
}
