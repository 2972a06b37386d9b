package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario "1 kill -9": {@code java -jar target/tickerlake.jar} (embedded mode: its S3 server and KRaft broker die with
 * it) replays the fault workload at full speed into the tables and is killed with SIGKILL at seeded random points,
 * then started again on the same data directory and ports. The replay source starts the file again from line 1 on
 * every start, so everything sent before a kill is sent again: the keyed tables must take it as the same rows. After
 * the last start the replay completes and the tables must equal the model: 0 lost, duplicated, wrong or extra.
 *
 * <p>A kill point ({@link KillPoint}) is a number of frames the start's replay has sent (the feed, the CDC route and
 * the sync job all busy), a delay after the start's sync job reports RUNNING (its restore, the failover Paimon forces
 * after one), or a delay after the start's first commit (checkpoints and commits over restored tables). The points
 * come from the seed, which is printed;
 * {@code -Dtickerlake.faults.seed=<seed>} draws the same points again (where exactly a delay lands still depends on
 * the machine's speed). Recovery, per restart: from the new process's start to its sync job's first table snapshot
 * past every snapshot on disk at the kill.
 */
class ProcessKillIT {

    static final String SCENARIO = "1 kill -9";
    static final String SEED_PROPERTY = "tickerlake.faults.seed";
    private static final int SIGKILL_STATUS = 128 + 9;
    private static final String SYNC_JOB = "dev.tickerlake:type=SyncJob,name=paimon-sync";
    private static final String SOURCE = "dev.tickerlake:type=Source,name=replay";
    private static final String CDC = "dev.tickerlake:type=Cdc,name=ticker-cdc";

    @TempDir
    static Path dir;
    private static TickerlakeProcess app;

    @AfterAll
    static void stopTheProcess() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void killedWithSigkillAtSeededPointsAndRestartedTheTablesEqualTheModel() throws Exception {
        FaultScale scale = FaultScale.current();
        // Short (CI): two kills, one while the replay sends and one after its start's first commit (so the next
        // start restores committed tables). Full: ten, the three kinds in turn.
        int kills = scale.pick(2, 10);
        int frames = scale.pick(20_000, 100_000);
        List<KillPoint.Kind> kinds = scale.pick(List.of(KillPoint.Kind.FRAMES, KillPoint.Kind.AFTER_COMMIT),
                List.of(KillPoint.Kind.values()));
        double maxDelay = scale.pick(6.0, 20.0);
        long seed = Long.getLong(SEED_PROPERTY, new SecureRandom().nextLong());
        FaultWorkload workload = FaultWorkload.builder(dir.resolve("workload.jsonl")).frames(frames).write();
        LakeModel model = LakeModel.of(workload);
        List<KillPoint> killPoints = KillPoint.draw(new Random(seed), kills, kinds, workload.frames(), maxDelay);
        progress("%s (%s): seed %d, %d kills: %s (replay: -D%s=%d)", SCENARIO, scale.label(), seed, kills, killPoints,
                SEED_PROPERTY, seed);
        progress("workload %s: %d lines (%d generated, %d late, %d duplicates, %d markets), %d rows expected",
                workload.file().getFileName(), workload.frames(), workload.generated(), workload.late(),
                workload.duplicates(), workload.markets(), model.expectedRows());

        app = new TickerlakeProcess(Path.of("target", "tickerlake.jar"), dir.resolve("data"),
                dir.resolve("tickerlake.log"), Map.of(
                        "tickerlake.source", "replay",
                        "tickerlake.replay.file", workload.file().toAbsolutePath().toString(),
                        "tickerlake.replay.speed", "0",
                        "tickerlake.paimon.enabled", "true",
                        "tickerlake.flink.checkpoint-interval", "2s",
                        "tickerlake.monitoring.table-refresh", "1000"));
        List<Double> recoveries = new ArrayList<>();
        List<Map<String, Object>> killed = new ArrayList<>();
        long framesSent = 0;
        Discrepancies result = null;
        try {
            Map<String, Long> atKill = null;
            String lastJobId = null;
            for (int k = 0; k <= kills; k++) {
                KillPoint point = k < kills ? killPoints.get(k) : null;
                long started = System.nanoTime();
                app.start();
                progress("start %d: pid %d%s", k + 1, app.pid(), k == 0 ? ", log " + app.log() : "");
                Start run = new Start(k + 1, started, atKill, lastJobId);
                run.watchUntil(point);
                if (k > 0) {
                    recoveries.add(run.recovered == null ? null : round(run.recovered));
                }
                if (point == null) {
                    break;
                }
                int status = app.kill();
                Map<String, Object> at = run.reached();
                framesSent += run.frames;
                lastJobId = run.jobId;
                assertThat(status).as("exit status of a process killed by SIGKILL").isEqualTo(SIGKILL_STATUS);
                atKill = snapshotsOnDisk();
                at.put("snapshotsOnDisk", atKill);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("point", point.toString());
                entry.putAll(at);
                killed.add(entry);
                progress("kill %d/%d: SIGKILL (exit %d) %s: %s", k + 1, kills, status, point, at);
            }
            progress("last start: waiting for the replay to complete");
            awaitTrue(Duration.ofMinutes(scale.pick(5, 15)), "the replay completes",
                    () -> "COMPLETED".equals(text(SOURCE, "State")));
            framesSent += number(SOURCE, "FramesIn");
            try (Catalog catalog = LakeCheck.s3Catalog(app.s3Endpoint(), TickerlakeProcess.S3_CREDENTIAL,
                    TickerlakeProcess.S3_CREDENTIAL, "s3://paimon/warehouse")) {
                long checkStart = System.nanoTime();
                result = LakeCheck.awaitMatch(model, () -> catalog, Duration.ofMinutes(scale.pick(3, 10)));
                progress("check: %s (%.1f s after the replay completed)", result.summary(), seconds(checkStart));
            }
        } catch (Throwable e) {
            Path kept = Path.of("target", "faults", "process-kill-" + seed + ".log");
            Files.createDirectories(kept.getParent());
            Files.copy(app.log(), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            progress("FAILED: %s; the process's log is kept as %s; its last lines:%n%s", e, kept, app.logTail(80));
            if (result == null && app.isAlive()) {
                try (Catalog catalog = LakeCheck.s3Catalog(app.s3Endpoint(), TickerlakeProcess.S3_CREDENTIAL,
                        TickerlakeProcess.S3_CREDENTIAL, "s3://paimon/warehouse")) {
                    result = LakeCheck.compare(model, catalog);
                    progress("the tables as the failure found them: %s", result.summary());
                } catch (Exception | AssertionError notRead) {
                    progress("the tables could not be read after the failure: %s", notRead);
                }
            }
            throw e;
        } finally {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("seed", seed);
            details.put("scale", scale.label());
            details.put("killPoints", killPoints.stream().map(KillPoint::toString).toList());
            details.put("kills", killed);
            details.put("recoverySeconds", recoveries);
            details.put("recovery", "per restart: seconds from the new process's start to its first table snapshot "
                    + "past those on disk at the kill (null: the next kill came first); the result's figure is the "
                    + "worst");
            details.put("restarts", app == null ? 0 : app.starts() - 1);
            details.put("workloadLines", workload.frames());
            details.put("logErrors", app == null ? List.of() : errorLines());
            double worst = recoveries.stream().filter(r -> r != null).mapToDouble(Double::doubleValue).max().orElse(0);
            Discrepancies recorded = result != null ? result : new Discrepancies(model.expectedRows(),
                    model.expectedRows(), 0, 0, 0, List.of("no check: the scenario failed before the tables could be read"));
            FaultReport.record(ScenarioResult.of(SCENARIO, killed.size(), framesSent, recorded, worst, details));
        }
        assertThat(result.none()).as("%s; log %s", result, app.log()).isTrue();
        assertThat(text(SYNC_JOB, "State")).isEqualTo("RUNNING");
        assertThat(number(CDC, "DeadLetters")).as("dead letters since the last start").isZero();
        progress("stopped (SIGTERM): exit %d", app.stop(Duration.ofSeconds(60)));
    }

    /** The newest snapshot file of each table in the S3 server's directory (read while the process is dead). */
    private static Map<String, Long> snapshotsOnDisk() throws IOException {
        Map<String, Long> latest = new LinkedHashMap<>();
        for (String table : LakeModel.TABLES) {
            Path snapshots = app.s3Dir().resolve("paimon/warehouse/" + LakeCheck.DATABASE + ".db/" + table + "/snapshot");
            long max = 0;
            if (Files.isDirectory(snapshots)) {
                try (Stream<Path> files = Files.list(snapshots)) {
                    max = files.map(p -> p.getFileName().toString())
                            .filter(name -> name.matches("snapshot-\\d+"))
                            .mapToLong(name -> Long.parseLong(name.substring("snapshot-".length())))
                            .max().orElse(0);
                }
            }
            latest.put(table, max);
        }
        return latest;
    }

    /** ERROR lines of the log, every start's (the first 20), for the report. */
    private static List<String> errorLines() {
        try {
            List<String> errors = app.logLines("^\\S+ ERROR ");
            return errors.size() <= 20 ? errors : errors.subList(0, 20);
        } catch (IOException e) {
            return List.of(e.toString());
        }
    }

    /** Polls {@code condition} every 200 ms; fails at once if the process died, with the log's tail. */
    private static void awaitTrue(Duration timeout, String what, Check condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new AssertionError("the process died while waiting for " + what);
            }
            try {
                if (condition.holds()) {
                    return;
                }
                last = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            } catch (Exception e) {
                last = e; // not listening yet, or answering 5xx while starting
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        throw new AssertionError("no " + what + " within " + timeout + (last == null ? "" : "; last error: " + last));
    }

    /**
     * Where a kill lands: once the replay has sent {@code frames} frames since the start (the feed, the CDC route and
     * the sync job busy), or {@code seconds} after the start's sync job reports RUNNING (its restore, the failover
     * Paimon forces after one, checkpoints and commits), or {@code seconds} after the start's first commit (a table
     * snapshot newer than those on disk at the start: the tables hold committed rows the next start must restore).
     */
    record KillPoint(Kind kind, long frames, double seconds) {

        enum Kind { FRAMES, AFTER_RUNNING, AFTER_COMMIT }

        /** {@code kills} points, the kinds in turn from a drawn first one; delays in [0, max] seconds. */
        static List<KillPoint> draw(Random random, int kills, List<Kind> kinds, int lines, double maxSeconds) {
            List<KillPoint> points = new ArrayList<>();
            int first = random.nextInt(kinds.size());
            for (int i = 0; i < kills; i++) {
                Kind kind = kinds.get((first + i) % kinds.size());
                points.add(kind == Kind.FRAMES
                        ? new KillPoint(kind, 1 + random.nextInt(lines - 1), 0)
                        : new KillPoint(kind, 0, Math.round(random.nextDouble() * maxSeconds * 10) / 10.0));
            }
            return points;
        }

        @Override
        public String toString() {
            return switch (kind) {
                case FRAMES -> "after " + frames + " frames sent";
                case AFTER_RUNNING -> String.format(Locale.ROOT, "%.1f s after the sync job runs", seconds);
                case AFTER_COMMIT -> String.format(Locale.ROOT, "%.1f s after the start's first commit", seconds);
            };
        }
    }

    /** One start of the process: what it reached when, polled every 250 ms. */
    private static final class Start {
        private final int number;
        private final long started;
        private final Map<String, Long> atKill;
        private final String previousJobId;
        Double ready;
        Double running;
        Double recovered;
        /** When this start first committed: a table snapshot past those on disk at its start (nanoTime), or 0. */
        long committedAt;
        /** The last figures seen: frames the replay sent, the sync job's id and last checkpoint. */
        long frames;
        String jobId;
        long lastCheckpoint = -1;

        Start(int number, long started, Map<String, Long> atKill, String previousJobId) {
            this.number = number;
            this.started = started;
            this.atKill = atKill;
            this.previousJobId = previousJobId;
        }

        /**
         * Returns at the kill point, or (no point: the last start) once this start has recovered; notes readiness,
         * the sync job running and, after a kill, the first table snapshot past those on disk at the kill (recovery).
         */
        void watchUntil(KillPoint point) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            long runningAt = 0;
            Exception last = null;
            while (System.nanoTime() < deadline) {
                if (!app.isAlive()) {
                    throw new AssertionError("start " + number + " died (exit " + app.stop(Duration.ZERO) + ")");
                }
                try {
                    frames = Math.max(frames, number(SOURCE, "FramesIn"));
                    if (point != null && point.kind() == KillPoint.Kind.FRAMES && frames >= point.frames()) {
                        return;
                    }
                    if (ready == null && "UP".equals(app.management("/observe/health/ready").path("status").asText())) {
                        ready = seconds(started);
                    }
                    // /api/sync once ready: its job fields only mean something once the buckets exist.
                    if (ready != null && (running == null || recovered == null || point != null)) {
                        JsonNode sync = app.api("/api/sync");
                        jobId = sync.path("jobId").asText(null);
                        lastCheckpoint = sync.path("lastCheckpoint").path("id").asLong(-1);
                        if ("FAILED".equals(sync.path("state").asText())) {
                            throw new AssertionError("start " + number + ": the sync job FAILED: " + sync);
                        }
                        if (running == null && "RUNNING".equals(sync.path("state").asText())
                                && !sync.path("jobId").asText().equals(String.valueOf(previousJobId))) {
                            running = seconds(started);
                            runningAt = System.nanoTime();
                            progress("start %d: ready %.1f s, sync job RUNNING %.1f s after the start (%s)", number,
                                    ready, running, sync.path("resumedFrom").asText());
                        }
                        if (committedAt == 0 && running != null && newSnapshot(sync)) {
                            committedAt = System.nanoTime();
                            if (atKill != null) {
                                recovered = seconds(started);
                                progress("start %d: recovered, a new table snapshot %.1f s after the start", number,
                                        recovered);
                            }
                        }
                    }
                    if (point == null && (atKill == null ? running != null : recovered != null)) {
                        return;
                    }
                    if (point != null && point.kind() == KillPoint.Kind.AFTER_RUNNING && running != null
                            && System.nanoTime() >= runningAt + (long) (point.seconds() * 1e9)) {
                        return;
                    }
                    if (point != null && point.kind() == KillPoint.Kind.AFTER_COMMIT && committedAt != 0
                            && System.nanoTime() >= committedAt + (long) (point.seconds() * 1e9)) {
                        return;
                    }
                    last = null;
                } catch (IOException e) {
                    last = e; // not listening yet, or slow under load
                }
                Thread.sleep(250);
            }
            throw new AssertionError("start " + number + ": no " + (point == null ? "recovery" : "kill point " + point)
                    + " within 10 minutes (ready " + ready + ", running " + running + ")"
                    + (last == null ? "" : "; last error: " + last));
        }

        /** What this start had reached when last polled. */
        Map<String, Object> reached() {
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("framesSent", frames);
            at.put("syncJobRunningSeconds", running == null ? null : round(running));
            at.put("jobId", jobId);
            at.put("lastCheckpoint", lastCheckpoint);
            return at;
        }

        private boolean newSnapshot(JsonNode sync) {
            for (String table : LakeModel.TABLES) {
                JsonNode snapshot = sync.path("tables").path(LakeCheck.DATABASE + "." + table).path("snapshot");
                if (snapshot.isNumber() && snapshot.asLong() > (atKill == null ? 0L : atKill.getOrDefault(table, 0L))) {
                    return true;
                }
            }
            return false;
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static String text(String mbean, String attribute) throws Exception {
        return app.mbean(mbean, attribute).asText();
    }

    private static long number(String mbean, String attribute) throws Exception {
        return app.mbean(mbean, attribute).asLong();
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    private static void progress(String format, Object... args) {
        System.out.println("[faults] " + String.format(Locale.ROOT, format, args));
    }
}
