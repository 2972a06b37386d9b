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
 * Time-travel latency over HTTP: a {@code trade} table of C commits × R trades (50 markets, two days, bucket 4, written
 * with Paimon's batch API; Paimon adds COMPACT snapshots in between) in a warehouse that a running tickerlake's admin
 * API reads; then, one request at a time, {@code GET .../rows?timestamp=<5th commit>&where=market:KRW-BTC} and
 * {@code GET .../diff?from=<9th commit>&to=<10th commit>} (default limit 100 each).
 */
final class TimeTravel {

    static final int COMMITS = 20;
    static final int MARKETS = 50;

    record Latencies(double p50, double p99, int failures) {
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
                String diff = "/api/tables/upbit/trade/diff?from=" + appends.get(8).path("id").asLong() + "&to="
                        + appends.get(9).path("id").asLong();
                List<Run> result = new ArrayList<>();
                for (int run = first; run <= last && another.test(run); run++) {
                    Latencies r = measure(tickerlake, rows);
                    Latencies d = measure(tickerlake, diff);
                    Progress.say("%s run %d/%d: rows at an old snapshot p50 %.1f ms p99 %.1f ms; diff p50 %.1f ms "
                            + "p99 %.1f ms (%d requests each%s)", name, run, last, r.p50(), r.p99(), d.p50(), d.p99(),
                            options.timeTravelRequests(), r.failures() + d.failures() == 0 ? ""
                                    : ", " + (r.failures() + d.failures()) + " not 200");
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
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = tickerlake.api(path);
            nanos[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                failures++;
            }
        }
        Arrays.sort(nanos);
        return new Latencies(Stats.percentile(nanos, 50) / 1e6, Stats.percentile(nanos, 99) / 1e6, failures);
    }

    /** The trades: commit c holds R trades of its hour, the first half of the commits on day 1, the rest on day 2. */
    private void write(String name, Map<String, String> catalogOptions) throws Exception {
        int perCommit = options.timeTravelRows() / COMMITS;
        long start = System.nanoTime();
        try (UpbitTables tables = new UpbitTables(catalogOptions)) {
            tables.createTrade("trade", Map.of());
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
