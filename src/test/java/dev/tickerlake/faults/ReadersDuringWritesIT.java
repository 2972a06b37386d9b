package dev.tickerlake.faults;

import java.io.BufferedReader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.EmbeddedModeIT;
import dev.tickerlake.faults.SnapshotOracle.Content;
import dev.tickerlake.faults.SnapshotOracle.Version;
import dev.tickerlake.testing.RunningTickerlake;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 7 of issue 13: concurrent {@code rows} (at a snapshot, a time, a tag, the latest; with where filters and
 * limits) and {@code diff} requests over HTTP while the sync job writes a replayed workload, and while the tables are
 * rolled back (sync stopped, rollback dry run then for real, sync started again from the earliest offset). Every 200
 * answer must name its snapshot and equal Paimon's own read of that snapshot ({@link SnapshotOracle}); a snapshot or
 * tag the rollback removed answers 404, never stale rows; 429 with Retry-After is counted; nothing answers 5xx. The
 * restarted job re-ingests {@code upbit-cdc} from the earliest offset, so the tables end equal to the model.
 */
class ReadersDuringWritesIT {

    static final String SCENARIO = "7 readers during writes";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TABLES = List.of("ticker", "orderbook", "trade");
    private static final String ADMIN = "faults:readers-" + Long.toHexString(new Random().nextLong());

    @TempDir
    Path dir;

    /** The sizes of one run. */
    record Plan(int frames, int markets, int readers, int rollbacks, Duration writesPhase, Duration replay,
                int maxRequestsPerReader, Duration readersDeadline) {
        static Plan of(FaultScale scale) {
            return scale.pick(
                    new Plan(6_000, 60, 4, 1, Duration.ofSeconds(6), Duration.ofSeconds(30), 2_000,
                            Duration.ofSeconds(180)),
                    new Plan(40_000, 60, 8, 3, Duration.ofSeconds(15), Duration.ofSeconds(100), 20_000,
                            Duration.ofSeconds(600)));
        }
    }

    @Test
    void everyAnswerEqualsPaimonsReadOfTheSnapshotItNamesWhileWritingAndRollingBack() throws Exception {
        FaultScale scale = FaultScale.current();
        Plan plan = Plan.of(scale);
        long seed = Long.getLong("tickerlake.faults.seed", FaultWorkload.DEFAULT_SEED);
        FaultWorkload workload = FaultWorkload.builder(dir.resolve("readers-during-writes.jsonl"))
                .seed(seed).frames(plan.frames()).markets(plan.markets()).write();
        LakeModel model = LakeModel.of(workload);
        double speed = replaySpeed(workload.file(), plan.replay());
        progress("%s (%s): %s; model %s; replay speed %.1f, %d readers, %d rollback(s)", SCENARIO, scale.label(),
                workload, model, speed, plan.readers(), plan.rollbacks());

        Map<String, String> settings = new HashMap<>();
        settings.put("tickerlake.source", "replay");
        settings.put("tickerlake.replay.file", workload.file().toString());
        settings.put("tickerlake.replay.speed", String.valueOf(speed));
        settings.put("tickerlake.paimon.enabled", "true");
        settings.put("tickerlake.flink.checkpoint-interval", "1s");
        settings.put("tickerlake.admin.users", ADMIN);
        settings.put("camel.server.host", "127.0.0.1");
        long started = System.nanoTime();
        try (RunningTickerlake app = RunningTickerlake.start(dir.resolve("data"), settings)) {
            // The catalog makes its warehouse directory: only once the buckets exist.
            EmbeddedModeIT.awaitReady(app);
            scenario(app, plan, seed, workload, model, started);
        }
    }

    private static void scenario(RunningTickerlake app, Plan plan, long seed, FaultWorkload workload, LakeModel model,
                                 long started) throws Exception {
        try (Catalog catalog = LakeCheck.s3Catalog(app.property("tickerlake.s3.endpoint"),
                     app.property("tickerlake.s3.access-key"), app.property("tickerlake.s3.secret-key"),
                     "s3://paimon/warehouse")) {
            SnapshotOracle oracle = new SnapshotOracle(catalog);
            // Generous waits: on a loaded machine the job's first commits can take minutes (not a timing assertion).
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> TABLES.stream().allMatch(t -> oracle.retained(t).size() >= 2));
            progress("%s: tables written, %d s after start; readers start", SCENARIO, seconds(started));

            Run run = new Run(app, oracle, plan, seed);
            run.start();
            double recoverySeconds = 0;
            try {
                for (int round = 1; round <= plan.rollbacks(); round++) {
                    run.writesPhase(round);
                    recoverySeconds = Math.max(recoverySeconds, run.rollback(round));
                }
                run.writesPhase(plan.rollbacks() + 1);
            } finally {
                run.stop();
            }

            Discrepancies discrepancies = LakeCheck.awaitMatch(model, () -> catalog, Duration.ofMinutes(10));
            progress("%s: model check after the re-ingest: %s", SCENARIO, discrepancies.summary());
            Map<String, Object> details = run.details();
            details.put("seed", seed);
            details.put("readers", plan.readers());
            details.put("wallSeconds", seconds(started));
            FaultReport.record(ScenarioResult.of(SCENARIO, (int) run.rollbacksDone.get(), workload.frames(), discrepancies,
                    recoverySeconds, details));
            progress("%s: %s", SCENARIO, details);

            assertThat(run.mismatches).as("answers that differ from Paimon's read, 5xx or unexpected status").isEmpty();
            assertThat(run.unverifiable.sum()).as("200 answers the oracle could not read back").isZero();
            assertThat(run.compared.sum()).as("answers compared").isPositive();
            assertThat(run.removedReads404.sum()).as("reads of removed snapshots and tags that answered 404")
                    .isPositive();
            assertThat(discrepancies.none()).as("tables equal the model: %s", discrepancies).isTrue();
        }
    }

    /** The replay's speed so that the workload's exchange time passes in about {@code duration}. */
    static double replaySpeed(Path file, Duration duration) throws Exception {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (BufferedReader lines = Files.newBufferedReader(file)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                try {
                    JsonNode time = JSON.readTree(line).path("timestamp");
                    if (time.isIntegralNumber()) {
                        first = Math.min(first, time.longValue());
                        last = Math.max(last, time.longValue());
                    }
                } catch (Exception poison) {
                    // not a frame
                }
            }
        }
        return Math.max(0.01, (last - first) / (double) duration.toMillis());
    }

    static void progress(String format, Object... args) {
        System.out.println("[faults] " + String.format(format, args));
    }

    static long seconds(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos).toSeconds();
    }

    /** The readers, the watcher of the tables' history, and the rollbacks, with what they counted. */
    static final class Run {
        final RunningTickerlake app;
        final SnapshotOracle oracle;
        final Plan plan;
        final long seed;
        final AtomicBoolean stopping = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
        final LongAdder compared = new LongAdder();
        final LongAdder tooMany = new LongAdder();
        final LongAdder unverifiable = new LongAdder();
        final LongAdder removedReads404 = new LongAdder();
        final LongAdder truncated = new LongAdder();
        final AtomicLong mismatchCount = new AtomicLong();
        final List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong rollbacksDone = new AtomicLong();
        final List<String> rollbackLog = new CopyOnWriteArrayList<>();
        final long deadline;

        // the tables' history as seen by the watcher (and the orchestrator's own calls)
        final Map<String, List<Version>> seen = new ConcurrentHashMap<>();
        final Map<Version, Long> firstSeen = new ConcurrentHashMap<>();
        final Map<String, Set<Version>> live = new ConcurrentHashMap<>();
        final Map<Version, long[]> removal = new ConcurrentHashMap<>();
        final Map<String, Version> tags = new ConcurrentHashMap<>();
        final Map<String, long[]> tagRemoval = new ConcurrentHashMap<>();
        final Map<String, Set<String>> markets = new ConcurrentHashMap<>();

        Run(RunningTickerlake app, SnapshotOracle oracle, Plan plan, long seed) {
            this.app = app;
            this.oracle = oracle;
            this.plan = plan;
            this.seed = seed;
            this.deadline = System.nanoTime() + plan.readersDeadline().toNanos();
            for (String table : TABLES) {
                seen.put(table, new CopyOnWriteArrayList<>());
                live.put(table, Set.of());
            }
        }

        void start() {
            watch();
            Thread watcher = new Thread(() -> {
                while (!stopping.get()) {
                    watch();
                    sleep(150);
                }
            }, "faults-watcher");
            threads.add(watcher);
            for (int i = 0; i < plan.readers(); i++) {
                Random random = new Random(seed * 31 + i);
                threads.add(new Thread(() -> read(random), "faults-reader-" + i));
            }
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            stopping.set(true);
            for (Thread thread : threads) {
                thread.join(120_000);
            }
        }

        /** One look at every table's retained snapshots. */
        void watch() {
            for (String table : TABLES) {
                List<Version> retained = oracle.retained(table);
                if (retained.isEmpty()) {
                    continue;
                }
                long now = System.nanoTime();
                for (Version version : retained) {
                    if (firstSeen.putIfAbsent(version, now) == null) {
                        seen.get(table).add(version);
                    }
                }
                live.put(table, Set.copyOf(retained));
                if (markets.get(table) == null) {
                    Content content = oracle.content(retained.get(retained.size() - 1), null);
                    if (content != null) {
                        Set<String> codes = new HashSet<>();
                        content.rows().values().forEach(row -> codes.add(row.get(content.column("market")).substring(2)));
                        markets.put(table, codes);
                    }
                }
            }
        }

        // ---- the orchestrator ---------------------------------------------------------------------------------

        /** Lets the readers read while the job writes; tags the latest ticker snapshot half way. */
        void writesPhase(int round) throws Exception {
            long half = plan.writesPhase().toMillis() / 2;
            Thread.sleep(half);
            if (round <= plan.rollbacks()) {
                for (String table : List.of("ticker", "orderbook")) {
                    String name = "r" + round + "_" + table;
                    HttpResponse<String> created = app.api("POST", "/api/tables/upbit/" + table + "/tags",
                            "{\"name\":\"" + name + "\"}", ADMIN);
                    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                    JsonNode tag = JSON.readTree(created.body());
                    Version version = new Version(table, tag.path("snapshot").asLong(),
                            Instant.parse(tag.path("commitTime").asText()).toEpochMilli());
                    tags.put(table + "/" + name, version);
                    progress("%s: tagged %s as '%s'", SCENARIO, version, name);
                }
            }
            Thread.sleep(plan.writesPhase().toMillis() - half);
            progress("%s: writes phase %d done: %d requests, %d compared, %d mismatches so far", SCENARIO, round,
                    total(), compared.sum(), mismatchCount.get());
        }

        /**
         * Stops the job, rolls ticker back to the tag of this round and orderbook (and trade in a full run's second
         * round) to an earlier snapshot, dry run first, checks what is gone answers 404, and starts the job again
         * from the earliest offset. Returns the seconds from the stop to the first new commit of every rolled-back
         * table.
         */
        double rollback(int round) throws Exception {
            long began = System.nanoTime();
            HttpResponse<String> refused = app.api("POST", "/api/tables/upbit/ticker/rollback",
                    "{\"tag\":\"r" + round + "_ticker\"}", ADMIN);
            assertThat(refused.statusCode()).as("a rollback while the job runs: %s", refused.body()).isEqualTo(409);
            HttpResponse<String> stopped = app.api("POST", "/api/sync/stop", null, ADMIN);
            assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
            progress("%s: round %d: sync job stopped (%s)", SCENARIO, round,
                    JSON.readTree(stopped.body()).path("state").asText());
            watch();

            Map<String, String> targets = new LinkedHashMap<>();
            targets.put("ticker", "{\"tag\":\"r" + round + "_ticker\"");
            List<Version> orderbook = oracle.retained("orderbook");
            Version orderbookTarget = orderbook.get(Math.max(0, orderbook.size() - 4));
            targets.put("orderbook", "{\"snapshot\":" + orderbookTarget.id());
            if (round == 2) {
                List<Version> trade = oracle.retained("trade");
                targets.put("trade", "{\"snapshot\":" + trade.get(Math.max(0, trade.size() - 3)).id());
            }
            Map<String, Version> rolledBackTo = new HashMap<>();
            for (Map.Entry<String, String> target : targets.entrySet()) {
                String table = target.getKey();
                String path = "/api/tables/upbit/" + table + "/rollback";
                List<Version> before = oracle.retained(table);
                Map<String, Version> tagsBefore = oracle.tags(table);
                HttpResponse<String> dry = app.api("POST", path, target.getValue() + ",\"dryRun\":true}", ADMIN);
                assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
                JsonNode planned = JSON.readTree(dry.body());
                Version to = new Version(table, planned.path("target").path("id").asLong(),
                        planned.path("target").path("commitTimeMillis").asLong());
                List<Long> expectedIds = before.stream().filter(v -> v.id() > to.id()).map(Version::id).toList();
                List<String> expectedTags = tagsBefore.entrySet().stream().filter(e -> e.getValue().id() > to.id())
                        .map(Map.Entry::getKey).sorted().toList();
                assertThat(ids(planned.path("removesSnapshots"))).as("dry run %s", dry.body()).isEqualTo(expectedIds);
                assertThat(names(planned.path("removesTags"))).containsExactlyInAnyOrderElementsOf(expectedTags);
                assertThat(planned.path("done").asBoolean()).isFalse();
                // Keep what goes, so that answers read just before the rollback can still be compared.
                long removing = System.nanoTime();
                for (Version version : before) {
                    if (version.id() > to.id()) {
                        oracle.pin(version);
                        removal.put(version, new long[] {removing, Long.MAX_VALUE});
                    }
                }
                for (String tag : expectedTags) {
                    oracle.pin(tagsBefore.get(tag));
                    tagRemoval.put(table + "/" + tag, new long[] {removing, Long.MAX_VALUE});
                }
                HttpResponse<String> done = app.api("POST", path, target.getValue() + "}", ADMIN);
                long removed = System.nanoTime();
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                JsonNode result = JSON.readTree(done.body());
                assertThat(result.path("done").asBoolean()).isTrue();
                assertThat(ids(result.path("removesSnapshots"))).isEqualTo(expectedIds);
                for (Version version : before) {
                    if (version.id() > to.id()) {
                        removal.get(version)[1] = removed;
                    }
                }
                for (String tag : expectedTags) {
                    tagRemoval.get(table + "/" + tag)[1] = removed;
                }
                rolledBackTo.put(table, to);
                String line = String.format("round %d: %s rolled back to %s (%s): removed snapshots %s, tags %s",
                        round, table, to, target.getValue() + "}", expectedIds, expectedTags);
                rollbackLog.add(line);
                progress("%s: %s", SCENARIO, line);

                // Removed snapshots and tags answer 404 (nothing writes while the job is stopped).
                for (long id : expectedIds) {
                    expect404("/api/tables/upbit/" + table + "/rows?snapshot=" + id);
                    expect404("/api/tables/upbit/" + table + "/diff?from=" + to.id() + "&to=" + id);
                }
                for (String tag : expectedTags) {
                    expect404("/api/tables/upbit/" + table + "/rows?tag=" + tag);
                }
                JsonNode latest = JSON.readTree(patiently("/api/tables/upbit/" + table + "/rows?limit=1").body());
                assertThat(latest.path("snapshot").path("id").asLong()).as("latest of %s after the rollback", table)
                        .isEqualTo(to.id());
            }
            rollbacksDone.incrementAndGet();
            watch();

            HttpResponse<String> restarted = app.api("POST", "/api/sync/start?from=earliest", null, ADMIN);
            assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(200);
            progress("%s: round %d: sync job started again from the earliest offset (%s)", SCENARIO, round,
                    JSON.readTree(restarted.body()).path("resumedFrom").asText());
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                    rolledBackTo.entrySet().stream().allMatch(e -> oracle.retained(e.getKey()).stream()
                            .anyMatch(v -> v.id() > e.getValue().id())));
            double recovery = (System.nanoTime() - began) / 1e9;
            progress("%s: round %d: writing again, %.1f s after the stop", SCENARIO, round, recovery);
            return recovery;
        }

        /** A GET of the orchestrator's own, waiting out 429s as their Retry-After asks. */
        private HttpResponse<String> patiently(String path) throws Exception {
            long giveUp = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                HttpResponse<String> answer = app.api("GET", path, null, null);
                if (answer.statusCode() != 429 || System.nanoTime() > giveUp) {
                    return answer;
                }
                tooMany.increment();
                // Sooner than Retry-After: the readers keep both permits busy, and this check must get its turn.
                Thread.sleep(100);
            }
        }

        private void expect404(String path) throws Exception {
            HttpResponse<String> answer = patiently(path);
            count("removed-check", answer.statusCode());
            if (answer.statusCode() == 404 && JSON.readTree(answer.body()).hasNonNull("error")) {
                removedReads404.increment();
            } else {
                mismatch("removed-check " + path + ": " + answer.statusCode() + " " + abbreviate(answer.body()));
            }
        }

        // ---- the readers ---------------------------------------------------------------------------------------

        /** A request a reader sends and what it picked to build it. */
        record Request(String kind, String table, String path, Version a, String tagA, Version b, String tagB,
                       List<String[]> where, int limit, long timestamp, Set<Version> liveAtStart) {
        }

        void read(Random random) {
            long sent = 0;
            while (!stopping.get() && sent < plan.maxRequestsPerReader() && System.nanoTime() < deadline) {
                Request request = plan(random);
                if (request == null) {
                    sleep(100);
                    continue;
                }
                sent++;
                long start = System.nanoTime();
                HttpResponse<String> answer;
                try {
                    answer = app.api("GET", request.path(), null, null);
                } catch (Exception e) {
                    mismatch(request.kind() + " " + request.path() + ": no answer: " + e);
                    continue;
                }
                long end = System.nanoTime();
                count(request.kind(), answer.statusCode());
                try {
                    check(request, answer, start, end);
                } catch (Exception e) {
                    mismatch(request.kind() + " " + request.path() + ": cannot check " + answer.statusCode() + " "
                            + abbreviate(answer.body()) + ": " + e);
                }
                if (answer.statusCode() == 429) {
                    // A polite client waits about as long as Retry-After asks (seconds).
                    long retryAfter = answer.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                    sleep((long) (retryAfter * 1000 * (0.5 + random.nextDouble() / 2)));
                }
            }
        }

        Request plan(Random random) {
            String table = pickTable(random);
            List<Version> versions = seen.get(table);
            if (versions.isEmpty()) {
                return null;
            }
            List<String[]> where = where(random, table);
            int limit = random.nextInt(10) < 4 ? -1 : new int[] {1, 3, 20, 100, 500, 2000}[random.nextInt(6)];
            StringBuilder query = new StringBuilder();
            for (String[] condition : where) {
                query.append("&where=").append(enc(condition[0] + ":" + condition[1]));
            }
            if (limit > 0) {
                query.append("&limit=").append(limit);
            }
            String base = "/api/tables/upbit/" + table;
            String rowsQuery = query.length() == 0 ? "/rows" : "/rows?" + query.substring(1);
            Set<Version> liveNow = live.get(table);
            int kind = random.nextInt(100);
            if (kind < 30) {
                Version a = pickVersion(random, versions);
                return new Request("rows-snapshot", table, base + "/rows?snapshot=" + a.id() + query, a, null, null,
                        null, where, limit, 0, liveNow);
            } else if (kind < 45) {
                Version a = pickVersion(random, versions);
                long at = a.timeMillis() + random.nextInt(1500);
                String text = random.nextBoolean() ? Long.toString(at) : enc(Instant.ofEpochMilli(at).toString());
                return new Request("rows-timestamp", table, base + "/rows?timestamp=" + text + query, null, null, null,
                        null, where, limit, at, liveNow);
            } else if (kind < 58) {
                Map.Entry<String, Version> tag = pickTag(random, table);
                if (tag == null) {
                    return new Request("rows-latest", table, base + rowsQuery, null, null, null, null, where,
                            limit, 0, liveNow);
                }
                return new Request("rows-tag", table, base + "/rows?tag=" + tag.getKey() + query, tag.getValue(),
                        tag.getKey(), null, null, where, limit, 0, liveNow);
            } else if (kind < 65) {
                return new Request("rows-latest", table, base + rowsQuery, null, null, null, null, where, limit,
                        0, liveNow);
            }
            Version a = pickVersion(random, versions);
            String tagA = null;
            Map.Entry<String, Version> tag = random.nextInt(5) == 0 ? pickTag(random, table) : null;
            if (tag != null) {
                a = tag.getValue();
                tagA = tag.getKey();
            }
            Version b = pickVersion(random, versions);
            return new Request("diff", table, base + "/diff?from=" + (tagA != null ? tagA : a.id()) + "&to=" + b.id()
                    + query, a, tagA, b, null, where, limit, 0, liveNow);
        }

        private static String pickTable(Random random) {
            int x = random.nextInt(100);
            return x < 40 ? "ticker" : x < 75 ? "orderbook" : "trade";
        }

        /** Recent versions more often (they are what a rollback removes and re-creates). */
        private static Version pickVersion(Random random, List<Version> versions) {
            int n = versions.size();
            int back = random.nextBoolean() ? random.nextInt(Math.min(n, 8)) : random.nextInt(n);
            return versions.get(n - 1 - back);
        }

        private Map.Entry<String, Version> pickTag(Random random, String table) {
            List<Map.Entry<String, Version>> candidates = new ArrayList<>();
            tags.forEach((key, version) -> {
                if (key.startsWith(table + "/")) {
                    candidates.add(Map.entry(key.substring(table.length() + 1), version));
                }
            });
            return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
        }

        private List<String[]> where(Random random, String table) {
            List<String[]> where = new ArrayList<>();
            int x = random.nextInt(10);
            Set<String> codes = markets.get(table);
            if (x < 5 || codes == null) {
                return where;
            }
            List<String> list = new ArrayList<>(codes);
            Collections.sort(list);
            String market = list.get(random.nextInt(Math.min(list.size(), 12)));
            if (x < 8) {
                where.add(new String[] {"market", market});
            } else if (x < 9) {
                where.add(new String[] {"dt", random.nextBoolean() ? "2024-05-01" : "2024-05-02"});
            } else {
                where.add(new String[] {"market", market});
                where.add(new String[] {table.equals("trade") ? "ask_bid" : "dt",
                        table.equals("trade") ? (random.nextBoolean() ? "ASK" : "BID") : "2024-05-02"});
            }
            return where;
        }

        // ---- checks --------------------------------------------------------------------------------------------

        void check(Request request, HttpResponse<String> answer, long start, long end) throws Exception {
            int status = answer.statusCode();
            String what = request.kind() + " " + request.path();
            if (status == 429) {
                tooMany.increment();
                if (answer.headers().firstValue("Retry-After").isEmpty()) {
                    mismatch(what + ": 429 without Retry-After");
                }
                return;
            }
            if (status == 404) {
                JsonNode body = JSON.readTree(answer.body());
                boolean expected = switch (request.kind()) {
                    case "rows-snapshot" -> mayBeGone(request.a(), start, end);
                    case "rows-tag" -> tagMayBeGone(request.table(), request.tagA(), start, end);
                    case "diff" -> (request.tagA() != null ? tagMayBeGone(request.table(), request.tagA(), start, end)
                            : mayBeGone(request.a(), start, end)) || mayBeGone(request.b(), start, end);
                    default -> false;
                };
                if (!expected || !body.hasNonNull("error")) {
                    mismatch(what + ": unexpected 404 " + abbreviate(answer.body()));
                } else {
                    removedReads404.increment();
                }
                return;
            }
            if (status != 200) {
                mismatch(what + ": " + status + " " + abbreviate(answer.body()));
                return;
            }
            JsonNode body = JSON.readTree(answer.body());
            if (request.kind().equals("diff")) {
                checkDiff(request, body, start, end);
            } else {
                checkRows(request, body, start, end);
            }
        }

        private void checkRows(Request request, JsonNode body, long start, long end) {
            String what = request.kind() + " " + request.path();
            Version named = named(request.table(), body.path("snapshot"), what);
            if (named == null) {
                return;
            }
            String problem = switch (request.kind()) {
                case "rows-snapshot" -> pickedOrRecreated(request.a(), named, end);
                case "rows-tag" -> named.equals(request.a()) ? null : "tag names " + request.a() + ", answer " + named;
                case "rows-timestamp" -> timestampProblem(request, named);
                default -> null;
            };
            if (problem == null) {
                problem = staleProblem(named, start);
            }
            if (problem != null) {
                mismatch(what + ": " + problem);
                return;
            }
            Content content = oracle.content(named, request.kind().equals("rows-tag") ? request.tagA() : null);
            if (content == null) {
                unverifiable(what + ": cannot read " + named + " back");
                return;
            }
            Map<String, List<String>> expected = content.filtered(request.where());
            Map<String, List<String>> actual = new LinkedHashMap<>();
            for (JsonNode row : body.path("rows")) {
                List<String> values = SnapshotOracle.render(content, row);
                if (actual.put(content.key(values), values) != null) {
                    mismatch(what + ": key twice in the answer: " + content.key(values));
                    return;
                }
            }
            boolean isTruncated = body.path("truncated").asBoolean();
            int limit = request.limit() < 0 ? 100 : request.limit();
            String difference = null;
            for (Map.Entry<String, List<String>> row : actual.entrySet()) {
                List<String> want = expected.get(row.getKey());
                if (!row.getValue().equals(want)) {
                    difference = "row " + row.getKey() + " is " + row.getValue() + ", Paimon reads " + want;
                    break;
                }
            }
            if (difference == null) {
                if (isTruncated) {
                    if (actual.size() >= expected.size() || actual.size() > limit) {
                        difference = "truncated with " + actual.size() + " of " + expected.size() + " rows, limit " + limit;
                    } else {
                        truncated.increment();
                    }
                } else if (actual.size() != expected.size()) {
                    difference = actual.size() + " rows, Paimon reads " + expected.size() + " (not truncated)";
                }
            }
            if (difference != null) {
                mismatch(what + " at " + named + ": " + difference);
            } else {
                compared.increment();
            }
        }

        private void checkDiff(Request request, JsonNode body, long start, long end) {
            String what = request.kind() + " " + request.path();
            Version from = named(request.table(), body.path("from"), what);
            Version to = named(request.table(), body.path("to"), what);
            if (from == null || to == null) {
                return;
            }
            String problem = request.tagA() != null
                    ? (from.equals(request.a()) ? null : "tag names " + request.a() + ", answer " + from)
                    : pickedOrRecreated(request.a(), from, end);
            if (problem == null) {
                problem = pickedOrRecreated(request.b(), to, end);
            }
            if (problem == null) {
                problem = staleProblem(from, start);
            }
            if (problem == null) {
                problem = staleProblem(to, start);
            }
            if (problem != null) {
                mismatch(what + ": " + problem);
                return;
            }
            Content before = oracle.content(from, request.tagA());
            Content after = oracle.content(to, null);
            if (before == null || after == null) {
                unverifiable(what + ": cannot read " + from + " or " + to + " back");
                return;
            }
            Map<String, Integer> expected = new HashMap<>();
            Map<String, List<String>> old = new LinkedHashMap<>(before.filtered(request.where()));
            after.filtered(request.where()).forEach((key, row) -> {
                List<String> was = old.remove(key);
                if (was == null) {
                    expected.merge("+I " + row, 1, Integer::sum);
                } else if (!was.equals(row)) {
                    expected.merge("-U " + was, 1, Integer::sum);
                    expected.merge("+U " + row, 1, Integer::sum);
                }
            });
            old.values().forEach(row -> expected.merge("-D " + row, 1, Integer::sum));
            int expectedCount = expected.values().stream().mapToInt(Integer::intValue).sum();
            Map<String, Integer> actual = new HashMap<>();
            int actualCount = 0;
            for (JsonNode change : body.path("changes")) {
                actual.merge(change.path("kind").asText() + " " + SnapshotOracle.render(after, change.path("row")), 1,
                        Integer::sum);
                actualCount++;
            }
            String difference = null;
            for (Map.Entry<String, Integer> change : actual.entrySet()) {
                if (change.getValue() > expected.getOrDefault(change.getKey(), 0)) {
                    difference = "change " + change.getKey() + " is not in Paimon's diff (" + expectedCount + " changes)";
                    break;
                }
            }
            int limit = request.limit() < 0 ? 100 : request.limit();
            if (difference == null) {
                if (body.path("truncated").asBoolean()) {
                    if (actualCount >= expectedCount || actualCount > Math.max(limit, 2)) {
                        difference = "truncated with " + actualCount + " of " + expectedCount + " changes, limit " + limit;
                    } else {
                        truncated.increment();
                    }
                } else if (actualCount != expectedCount) {
                    difference = actualCount + " changes, Paimon's diff has " + expectedCount + " (not truncated)";
                }
            }
            if (difference != null) {
                mismatch(what + " from " + from + " to " + to + ": " + difference);
            } else {
                compared.increment();
            }
        }

        /** The snapshot an answer names, checked for shape and against Paimon's commit time; null if it fails. */
        private Version named(String table, JsonNode snapshot, String what) {
            if (!snapshot.path("id").isIntegralNumber() || !snapshot.path("commitTimeMillis").isIntegralNumber()
                    || !snapshot.path("commitTime").isTextual()) {
                mismatch(what + ": the answer does not name its snapshot: " + snapshot);
                return null;
            }
            long millis = snapshot.path("commitTimeMillis").asLong();
            if (Instant.parse(snapshot.path("commitTime").asText()).toEpochMilli() != millis) {
                mismatch(what + ": commitTime " + snapshot.path("commitTime").asText() + " is not " + millis);
                return null;
            }
            return new Version(table, snapshot.path("id").asLong(), millis);
        }

        /** The answer names the picked snapshot, or a later commit under its id after a rollback removed it. */
        private String pickedOrRecreated(Version picked, Version named, long end) {
            if (named.equals(picked)) {
                return null;
            }
            long[] removed = removal.get(picked);
            if (named.id() == picked.id() && removed != null && removed[0] <= end) {
                return null;
            }
            return "asked for " + picked + ", answer names " + named;
        }

        /** Rows of a snapshot that a rollback had removed before the request started. */
        private String staleProblem(Version named, long start) {
            long[] removed = removal.get(named);
            return removed != null && removed[1] < start ? "stale: " + named + " was removed by a rollback before "
                    + "the request" : null;
        }

        /** At or before the time asked, and no snapshot that existed all along lies between. */
        private String timestampProblem(Request request, Version named) {
            if (named.timeMillis() > request.timestamp()) {
                return "snapshot " + named + " was committed after " + request.timestamp();
            }
            for (Version other : request.liveAtStart()) {
                if (other.id() > named.id() && other.timeMillis() <= request.timestamp()
                        && oracle.current(other.table(), other.id()).equals(Optional.of(other))) {
                    return "answered " + named + " though " + other + " was committed at or before "
                            + request.timestamp() + " and existed throughout";
                }
            }
            return null;
        }

        /** A rollback removed the version during the request, and no later commit had taken its id at its start. */
        private boolean mayBeGone(Version version, long start, long end) {
            long[] removed = removal.get(version);
            if (removed == null || removed[0] > end) {
                return false;
            }
            for (Version other : seen.get(version.table())) {
                if (other.id() == version.id() && !other.equals(version) && !removal.containsKey(other)
                        && firstSeen.get(other) > removed[1] && firstSeen.get(other) + 500_000_000L < start) {
                    return false;
                }
            }
            return true;
        }

        private boolean tagMayBeGone(String table, String tag, long start, long end) {
            long[] removed = tagRemoval.get(table + "/" + tag);
            return removed != null && removed[0] <= end;
        }

        // ---- counting -----------------------------------------------------------------------------------------

        void count(String kind, int status) {
            requests.computeIfAbsent(kind + " " + status, k -> new LongAdder()).increment();
        }

        void mismatch(String text) {
            mismatchCount.incrementAndGet();
            if (mismatches.size() < 20) {
                mismatches.add(text);
                progress("%s: MISMATCH %s", SCENARIO, text);
            }
        }

        void unverifiable(String text) {
            unverifiable.increment();
            progress("%s: unverifiable %s", SCENARIO, text);
        }

        long total() {
            return requests.values().stream().mapToLong(LongAdder::sum).sum();
        }

        Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            Map<String, Long> byKind = new TreeMap<>();
            requests.forEach((key, count) -> byKind.put(key, count.sum()));
            details.put("requests", total());
            details.put("requestsByKindAndStatus", byKind);
            details.put("answersCompared", compared.sum());
            details.put("truncatedAnswersCompared", truncated.sum());
            details.put("tooManyRequests429", tooMany.sum());
            details.put("removedReads404", removedReads404.sum());
            details.put("unverifiable", unverifiable.sum());
            details.put("mismatches", mismatchCount.get());
            details.put("mismatchExamples", List.copyOf(mismatches));
            details.put("oracleReads", oracle.reads());
            details.put("rollbacks", List.copyOf(rollbackLog));
            return details;
        }

        private static List<Long> ids(JsonNode array) {
            List<Long> ids = new ArrayList<>();
            array.forEach(id -> ids.add(id.asLong()));
            return ids;
        }

        private static List<String> names(JsonNode array) {
            List<String> names = new ArrayList<>();
            array.forEach(name -> names.add(name.asText()));
            return names;
        }

        private static String enc(String text) {
            return URLEncoder.encode(text, StandardCharsets.UTF_8);
        }

        private static String abbreviate(String text) {
            return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "…";
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
