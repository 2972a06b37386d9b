package dev.tickerlake.bench;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.lake.UpbitTables;
import dev.tickerlake.testing.RunningTickerlake;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.types.RowKind;

/**
 * Time-travel latency over HTTP: a {@code trade} table of C commits × R trades (50 markets, two days, written
 * with Paimon's batch API; Paimon adds COMPACT snapshots in between) in a warehouse that a running tickerlake's admin
 * API reads; then, one request at a time, {@code GET .../rows?timestamp=<5th commit>&where=market:KRW-BTC} and
 * {@code GET .../diff?from=<9th commit>&to=<10th commit>&where=market:KRW-BTC} (default limit 100 each). The table is
 * created with tickerlake's own table options ({@code tickerlake.paimon.table-options}), as the sync job creates it.
 */
final class TimeTravel {

    static final int COMMITS = 20;
    static final int MARKETS = 50;

    /** {@code firstFailure}: status and body of the first answer that was not 200 (null when all were). */
    record Latencies(double p50, double p99, int failures, String firstFailure) {
    }

    record Run(Latencies rows, Latencies diff) {
    }

    private final BenchOptions options;
    private final ObjectMapper json = new ObjectMapper();

    TimeTravel(BenchOptions options) {
        this.options = options;
    }

    /**
     * Writes the table once, then measures rounds {@code first} to {@code last} of requests (a round only while
     * {@code another} accepts its number); returns one Run per round.
     */
    List<Run> run(String name, int first, int last, java.util.function.IntPredicate another) throws Exception {
        try (Servers servers = Servers.start(options.workDir(), name)) {
            boolean onS3 = "s3".equals(options.timeTravelStorage());
            Path local = servers.dir().resolve("warehouse");
            String warehouse = onS3 ? "s3://paimon/time-travel" : local.toUri().toString();
            Map<String, String> settings = servers.tickerlakeSettings("tickerlake");
            settings.put("tickerlake.source", "none");
            settings.put("tickerlake.paimon.enabled", "false");
            settings.put("tickerlake.paimon.warehouse", warehouse);
            try (RunningTickerlake tickerlake = RunningTickerlake.start(servers.dir().resolve("tickerlake"), settings)) {
                awaitReady(tickerlake);
                Files.createDirectories(local);
                write(name, onS3 ? servers.catalogOptions(warehouse) : UpbitTables.localOptions(local));
                List<JsonNode> appends = new ArrayList<>();
                for (JsonNode snapshot : json.readTree(tickerlake.api("/api/tables/upbit/trade/snapshots?limit=1000")
                        .body()).path("snapshots")) {
                    if ("APPEND".equals(snapshot.path("commitKind").asText())) {
                        appends.add(0, snapshot);
                    }
                }
                String rows = "/api/tables/upbit/trade/rows?timestamp=" + appends.get(4).path("commitTimeMillis").asLong()
                        + "&where=market:KRW-BTC";
                // One market, as rows: a diff of the whole table is refused (413 diff_too_large) by tickerlake's
                // read budget, which one bucket of this table exceeds.
                String diff = "/api/tables/upbit/trade/diff?from=" + appends.get(8).path("id").asLong() + "&to="
                        + appends.get(9).path("id").asLong() + "&where=market:KRW-BTC";
                List<Run> result = new ArrayList<>();
                for (int run = first; run <= last && another.test(run); run++) {
                    Latencies r = measure(tickerlake, rows);
                    Latencies d = measure(tickerlake, diff);
                    Progress.say("%s run %d/%d: rows at an old snapshot p50 %.1f ms p99 %.1f ms; diff p50 %.1f ms "
                            + "p99 %.1f ms (%d requests each%s)", name, run, last, r.p50(), r.p99(), d.p50(), d.p99(),
                            options.timeTravelRequests(), r.failures() + d.failures() == 0 ? ""
                                    : ", " + (r.failures() + d.failures()) + " not 200");
                    for (Latencies failed : List.of(r, d)) {
                        if (failed.firstFailure() != null) {
                            Progress.say("%s: %s: %d not 200, the first: %s", name, failed == r ? "rows" : "diff",
                                    failed.failures(), failed.firstFailure());
                        }
                    }
                    result.add(new Run(r, d));
                }
                return result;
            }
        }
    }

    private Latencies measure(RunningTickerlake tickerlake, String path) throws Exception {
        for (int i = 0; i < 5; i++) {
            tickerlake.api(path);
        }
        int n = options.timeTravelRequests();
        long[] nanos = new long[n];
        int failures = 0;
        String firstFailure = null;
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = tickerlake.api(path);
            nanos[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                if (failures++ == 0) {
                    String body = response.body();
                    firstFailure = response.statusCode() + " " + (body.length() > 300 ? body.substring(0, 300) : body);
                }
            }
        }
        Arrays.sort(nanos);
        return new Latencies(Stats.percentile(nanos, 50) / 1e6, Stats.percentile(nanos, 99) / 1e6, failures,
                firstFailure);
    }

    /** The trades: commit c holds R trades of its hour, the first half of the commits on day 1, the rest on day 2. */
    private void write(String name, Map<String, String> catalogOptions) throws Exception {
        int perCommit = options.timeTravelRows() / COMMITS;
        long start = System.nanoTime();
        try (UpbitTables tables = new UpbitTables(catalogOptions)) {
            // The table tickerlake itself would create: its shipped table options (bucket, file formats per level).
            tables.createTrade("trade", options.timeTravelTableOptions());
            long sequence = 1_714_521_600_000_000L;
            for (int commit = 0; commit < COMMITS; commit++) {
                long dayStart = UpbitTables.T0 + (commit < COMMITS / 2 ? 0 : UpbitTables.DAY);
                long commitStart = dayStart + (commit % (COMMITS / 2)) * 3_600_000L;
                List<GenericRow> rows = new ArrayList<>(perCommit);
                for (int i = 0; i < perCommit; i++) {
                    String market = i % MARKETS == 0 ? "KRW-BTC" : "KRW-M" + (i % MARKETS);
                    rows.add(UpbitTables.trade(RowKind.INSERT, market, sequence++, 100.0 + (i % 997), 0.01 * (i % 13),
                            commitStart + i * 50L));
                }
                tables.commit("trade", rows);
            }
        }
        Progress.say("%s: table options %s", name, options.timeTravelTableOptions());
        Progress.say("%s: wrote %,d trades in %d commits (%s) in %.1f s", name, perCommit * COMMITS, COMMITS,
                options.timeTravelStorage(), Progress.seconds(start, System.nanoTime()));
    }

    private static void awaitReady(RunningTickerlake tickerlake) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!"UP".equals(tickerlake.healthStatus("/observe/health/ready"))) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("tickerlake not ready within 60 s");
            }
            Thread.sleep(200);
        }
    }
}
