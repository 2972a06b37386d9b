package dev.tickerlake.lake;

import static dev.tickerlake.lake.UpbitTables.DAY;
import static dev.tickerlake.lake.UpbitTables.T0;
import static dev.tickerlake.lake.UpbitTables.ticker;
import static org.apache.paimon.types.RowKind.DELETE;
import static org.apache.paimon.types.RowKind.INSERT;
import static org.apache.paimon.types.RowKind.UPDATE_AFTER;

/**
 * Five commits to a ticker table, as the sync job makes them: upserts sent as INSERT, an UPDATE, a DELETE, a second
 * day's partition, and a late tick that {@code sequence.field=timestamp} must ignore.
 */
final class TickerHistory {

    static final double BTC_1 = 95_000_000.0;
    static final double BTC_2 = 95_100_000.0;

    private TickerHistory() {
    }

    /** Writes the five commits; returns their snapshot ids in order. */
    static long[] write(UpbitTables tables, String table) throws Exception {
        long[] ids = new long[5];
        ids[0] = tables.commit(table,
                ticker(INSERT, "KRW-BTC", BTC_1, T0 + 1_000),
                ticker(INSERT, "KRW-ETH", 4_200_000.0, T0 + 1_100),
                ticker(INSERT, "KRW-XRP", 700.0, T0 + 1_200));
        ids[1] = tables.commit(table,
                ticker(INSERT, "KRW-BTC", BTC_2, T0 + 2_000),
                ticker(INSERT, "KRW-SOL", 200_000.0, T0 + 2_100));
        ids[2] = tables.commit(table,
                ticker(DELETE, "KRW-XRP", 700.0, T0 + 3_000),
                ticker(INSERT, "KRW-BTC", 96_000_000.0, T0 + DAY + 500));
        ids[3] = tables.commit(table,
                ticker(UPDATE_AFTER, "KRW-ETH", 4_300_000.0, T0 + 4_000),
                // Late: older than the SOL tick already stored, so the stored one stays.
                ticker(INSERT, "KRW-SOL", 1.0, T0 + 1_500));
        ids[4] = tables.commit(table,
                ticker(INSERT, "KRW-BTC", 96_500_000.0, T0 + DAY + 1_000));
        return ids;
    }
}
