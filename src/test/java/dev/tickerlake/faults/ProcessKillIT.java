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
 * <p>A kill point is a delay after the restarted sync job reports RUNNING (so kills land in the restore, in the
 * failover Paimon forces after a restore, between checkpoints and in commits). The delays come from the seed, which
 * is printed; {@code -Dtickerlake.faults.seed=<seed>} replays the same points. Recovery, per kill: from the new
 * process's start to its sync job's first new table snapshot (one past every snapshot on disk at the kill).
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
        int kills = scale.pick(3, 10);
        int frames = scale.pick(20_000, 100_000);
        double maxDelay = scale.pick(8.0, 20.0);
        long seed = Long.getLong(SEED_PROPERTY, new SecureRandom().nextLong());
        Random random = new Random(seed);
        List<Double> killPoints = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            killPoints.add(Math.round(random.nextDouble() * maxDelay * 10) / 10.0);
        }
        progress("%s (%s): seed %d, %d kills at %s s after the sync job runs (replay: -D%s=%d)", SCENARIO,
                scale.label(), seed, kills, killPoints, SEED_PROPERTY, seed);

        FaultWorkload workload = FaultWorkload.builder(dir.resolve("workload.jsonl")).frames(frames).write();
        LakeModel model = LakeModel.of(workload);
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
            long started = System.nanoTime();
            app.start();
            progress("started pid %d, log %s", app.pid(), app.log());
            // Ready first: before the buckets exist, /api/sync answers 500 (NoSuchBucket) on a first start.
            double firstReady = awaitReady(started);
            progress("ready %.1f s, sync job RUNNING %.1f s after the start", firstReady,
                    awaitSyncJobRunning(null, started));
            long running = System.nanoTime();
            long restart = started;
            Map<String, Long> atKill = null;
            for (int k = 0; k < kills; k++) {
                long killAt = running + (long) (killPoints.get(k) * 1e9);
                if (atKill != null) {
                    // Recovery of the last restart, if it comes before this kill point.
                    Double recovered = awaitNewSnapshot(atKill, restart, killAt);
                    recoveries.add(recovered == null ? null : round(recovered));
                    progress(recovered == null ? "restart %d: no new snapshot before the next kill point"
                            : "restart %d: new snapshot %.1f s after the restart", k, recovered);
                }
                Thread.sleep(Math.max(0, (killAt - System.nanoTime()) / 1_000_000));
                Map<String, Object> point = progressNow();
                framesSent += ((Number) point.getOrDefault("framesSent", 0L)).longValue();
                String jobId = String.valueOf(point.get("jobId"));
                int status = app.kill();
                assertThat(status).as("exit status of a process killed by SIGKILL").isEqualTo(SIGKILL_STATUS);
                atKill = snapshotsOnDisk();
                point.put("snapshotsOnDisk", atKill);
                killed.add(point);
                progress("kill %d/%d: SIGKILL %.1f s after the sync job ran (exit %d) at %s", k + 1, kills,
                        killPoints.get(k), status, point);

                restart = System.nanoTime();
                app.start();
                double ready = awaitReady(restart);
                double syncRunning = awaitSyncJobRunning(jobId, restart);
                running = System.nanoTime();
                progress("restart %d: pid %d ready %.1f s, sync job RUNNING %.1f s after the restart (resumed from %s)",
                        k + 1, app.pid(), ready, syncRunning, app.api("/api/sync").path("resumedFrom").asText());
            }
            Double recovered = awaitNewSnapshot(atKill, restart, running + Duration.ofMinutes(5).toNanos());
            if (recovered == null) {
                throw new AssertionError("no new table snapshot within 5 minutes of the sync job running again");
            }
            recoveries.add(round(recovered));
            progress("restart %d: new snapshot %.1f s after the restart", kills, recovered);
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
            progress("FAILED: %s; last lines of %s:%n%s", e, app == null ? "-" : app.log(),
                    app == null ? "" : app.logTail(80));
            throw e;
        } finally {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("seed", seed);
            details.put("scale", scale.label());
            details.put("killPointsSeconds", killPoints);
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
                    model.expectedRows(), 0, 0, 0, List.of("no check: the scenario failed before it"));
            FaultReport.record(ScenarioResult.of(SCENARIO, killed.size(), framesSent, recorded, worst, details));
        }
        assertThat(result.none()).as("%s; log %s", result, app.log()).isTrue();
        assertThat(text(SYNC_JOB, "State")).isEqualTo("RUNNING");
        assertThat(number(CDC, "DeadLetters")).as("dead letters since the last start").isZero();
        progress("stopped (SIGTERM): exit %d", app.stop(Duration.ofSeconds(60)));
    }

    /** Progress of the running process: frames the replay sent, the sync job's last checkpoint, its job id. */
    private static Map<String, Object> progressNow() {
        Map<String, Object> point = new LinkedHashMap<>();
        try {
            point.put("framesSent", number(SOURCE, "FramesIn"));
            JsonNode sync = app.api("/api/sync");
            point.put("jobId", sync.path("jobId").asText(null));
            point.put("lastCheckpoint", sync.path("lastCheckpoint").path("id").asLong(-1));
        } catch (Exception e) {
            point.put("unreadable", e.toString());
        }
        return point;
    }

    /** Seconds from {@code restart} until {@code /observe/health/ready} is UP. */
    private static double awaitReady(long restart) {
        awaitTrue(Duration.ofMinutes(5), "/observe/health/ready UP",
                () -> "UP".equals(app.management("/observe/health/ready").path("status").asText()));
        return seconds(restart);
    }

    /** Waits for a RUNNING sync job other than {@code previousJobId}; returns seconds since {@code start}. */
    private static double awaitSyncJobRunning(String previousJobId, long start) {
        awaitTrue(Duration.ofMinutes(5), "the sync job RUNNING", () -> {
            JsonNode sync = app.api("/api/sync");
            if ("FAILED".equals(sync.path("state").asText())) {
                throw new AssertionError("the sync job FAILED: " + sync);
            }
            return "RUNNING".equals(sync.path("state").asText())
                    && !sync.path("jobId").asText().equals(String.valueOf(previousJobId));
        });
        return seconds(start);
    }

    /**
     * Seconds from {@code restart} until some table has a snapshot past the ones on disk at the kill, or null when
     * none has by {@code deadline} (a {@link System#nanoTime()}).
     */
    private static Double awaitNewSnapshot(Map<String, Long> atKill, long restart, long deadline) throws Exception {
        while (true) {
            if (!app.isAlive()) {
                throw new AssertionError("the process died while waiting for a new snapshot");
            }
            try {
                JsonNode tables = app.api("/api/sync").path("tables");
                for (String table : LakeModel.TABLES) {
                    JsonNode snapshot = tables.path(LakeCheck.DATABASE + "." + table).path("snapshot");
                    if (snapshot.isNumber() && snapshot.asLong() > atKill.getOrDefault(table, 0L)) {
                        return seconds(restart);
                    }
                }
            } catch (IOException e) {
                // a slow answer under load: ask again
            }
            if (System.nanoTime() >= deadline) {
                return null;
            }
            Thread.sleep(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
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
