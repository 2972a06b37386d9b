package dev.tickerlake.paimon.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.tickerlake.admin.Responses.Diff;
import dev.tickerlake.admin.Responses.SnapshotInfo;
import dev.tickerlake.paimon.TimeTravelService;
import dev.tickerlake.paimon.UpbitTables;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.types.RowKind;

/**
 * Measures time-travel reads on a locally written {@code trade}-shaped table of 1,000,000 rows (20 batch commits of
 * 50,000 trades, 50 markets, two days, bucket 4; Paimon adds COMPACT snapshots in between): rows of one market at an
 * old snapshot, and diffs. Prints the snapshot list, then p50/p99 per operation.
 * Not part of the test run: {@code java -cp target/classes:target/test-classes:<deps> ...TimeTravelBench [dir]}.
 */
public final class TimeTravelBench {

    private static final int COMMITS = 20;
    private static final int ROWS_PER_COMMIT = 50_000;
    private static final int MARKETS = 50;

    public static void main(String[] args) throws Exception {
        Path warehouse = Path.of(args.length > 0 ? args[0] : "target/bench-warehouse").toAbsolutePath();
        Map<String, String> options = UpbitTables.localOptions(warehouse);
        if (!Files.exists(warehouse.resolve("upbit.db/trade"))) {
            Files.createDirectories(warehouse);
            write(options);
        }
        try (TimeTravelService service = new TimeTravelService(options)) {
            List<SnapshotInfo> snapshots = new ArrayList<>(service.snapshots("upbit", "trade", "100", null).snapshots());
            java.util.Collections.reverse(snapshots);
            snapshots.forEach(s -> System.out.printf("snapshot %2d %-8s total %,9d delta %,7d%n", s.id(),
                    s.commitKind(), s.totalRecordCount(), s.deltaRecordCount()));
            String old = "5";
            measure("rows market=KRW-BTC at snapshot 5, limit 100", 30,
                    () -> service.rows("upbit", "trade", old, null, null, "market:KRW-BTC", null).rows().size());
            measure("rows market=KRW-BTC at snapshot 5, limit 10000", 30,
                    () -> service.rows("upbit", "trade", old, null, null, "market:KRW-BTC", "10000").rows().size());
            measure("rows market=KRW-BTC and dt=2024-05-01 at snapshot 5, limit 10000", 30,
                    () -> service.rows("upbit", "trade", old, null, null,
                            List.of("market:KRW-BTC", "dt:2024-05-01"), "10000").rows().size());
            measure("rows at snapshot 5, no filter, limit 100", 30,
                    () -> service.rows("upbit", "trade", old, null, null, null, null).rows().size());
            measure("diff 9..10 (APPEND of 50k trades, day 1), limit 100", 30,
                    () -> sizeOf(service.diff("upbit", "trade", "9", "10", null, null)));
            measure("diff 9..10 market=KRW-BTC, limit 10000", 20,
                    () -> sizeOf(service.diff("upbit", "trade", "9", "10", "market:KRW-BTC", "10000")));
            measure("diff 10..11 (COMPACT only), limit 10000", 30,
                    () -> sizeOf(service.diff("upbit", "trade", "10", "11", null, "10000")));
            measure("diff 10..12 (COMPACT + APPEND), market=KRW-BTC, limit 10000", 10,
                    () -> sizeOf(service.diff("upbit", "trade", "10", "12", "market:KRW-BTC", "10000")));
            measure("diff 14..15 (APPEND, day 2; day 1 untouched), limit 100", 30,
                    () -> sizeOf(service.diff("upbit", "trade", "14", "15", null, null)));
            measure("diff 5..15 market=KRW-BTC, limit 10000", 10,
                    () -> sizeOf(service.diff("upbit", "trade", "5", "15", "market:KRW-BTC", "10000")));
        }
    }

    private static int sizeOf(Diff diff) {
        return diff.changes().size();
    }

    private static void write(Map<String, String> options) throws Exception {
        long start = System.nanoTime();
        try (UpbitTables tables = new UpbitTables(options)) {
            tables.createTrade("trade", Map.of());
            long sequence = 1_714_521_600_000_000L;
            for (int commit = 0; commit < COMMITS; commit++) {
                // Ten commits a day: the first half of the trades fall on 2024-05-01, the rest on 2024-05-02.
                long dayStart = UpbitTables.T0 + (commit < COMMITS / 2 ? 0 : UpbitTables.DAY);
                long commitStart = dayStart + (commit % (COMMITS / 2)) * 3_600_000L;
                List<GenericRow> rows = new ArrayList<>(ROWS_PER_COMMIT);
                for (int i = 0; i < ROWS_PER_COMMIT; i++) {
                    String market = "KRW-M" + (i % MARKETS);
                    if (i % MARKETS == 0) {
                        market = "KRW-BTC";
                    }
                    rows.add(UpbitTables.trade(RowKind.INSERT, market, sequence++, 100.0 + (i % 997), 0.01 * (i % 13),
                            commitStart + i * 50L));
                }
                tables.commit("trade", rows);
            }
        }
        System.out.printf("wrote %,d trades in %d commits in %.1f s%n", COMMITS * ROWS_PER_COMMIT, COMMITS,
                (System.nanoTime() - start) / 1e9);
    }

    private static void measure(String what, int iterations, Supplier<Integer> operation) {
        int size = 0;
        for (int i = 0; i < 3; i++) {
            size = operation.get();
        }
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            operation.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("%-70s %6d results  p50 %8.1f ms  p99 %8.1f ms  (n=%d)%n", what, size,
                nanos[(int) Math.ceil(iterations * 0.50) - 1] / 1e6, nanos[(int) Math.ceil(iterations * 0.99) - 1] / 1e6,
                iterations);
    }
}
