package dev.tickerlake.lake;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;

/** Tests that change a table's history: each test gets a fresh ticker table with {@link TickerHistory}'s commits. */
abstract class TickerHistoryFixture extends LocalLakeFixture {

    private static final AtomicInteger TABLES = new AtomicInteger();

    String table;
    long[] ids;

    @BeforeEach
    void writeHistory() throws Exception {
        table = "ticker_" + TABLES.incrementAndGet();
        tables.createTicker(table, Map.of());
        ids = TickerHistory.write(tables, table);
    }
}
