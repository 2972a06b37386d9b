package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.testing.FlinkSessionCluster;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario "remote flink": {@code java -jar target/tickerlake.jar} in remote mode (tickerlake.flink.mode=remote) on a
 * local Flink session cluster (JobManager and TaskManager as child JVMs, the one {@code mvn -Pflink-cluster} starts),
 * the cluster's TaskManagers writing the tables on tickerlake's embedded S3 from its embedded Kafka. In order:
 * <ol>
 * <li>the cluster is not there when tickerlake starts: the job is WAITING (health DOWN with why), the start retried
 * with back-off; the cluster appears: the job is submitted, once, under tickerlake's name;</li>
 * <li>(full run only, {@code -Dtickerlake.faults=full} as {@code mvn -Pfaults} sets it: the first start then replays
 * at the frames' pace, 2 minutes) the TaskManager is killed with SIGKILL mid-stream (the launcher starts it again):
 * Flink restarts the job from its checkpoint and tickerlake reports the restart;</li>
 * <li>tickerlake is killed with SIGKILL while the job runs, and started again: it adopts the job, still one job;</li>
 * <li>the replay completes: the tables equal the model of what was sent;</li>
 * <li>{@code POST /api/sync/stop}: the job stops with a savepoint; SIGTERM; tickerlake starts again and resumes from
 * that savepoint (the replay sends every frame again): the tables still equal the model, no loss, no duplicates.</li>
 * </ol>
 */
class RemoteFlinkIT {

    static final String SCENARIO = "remote flink";
    private static final String USER = "remote";
    private static final String PASSWORD = "remote-password";
    private static final String SOURCE = "dev.tickerlake:type=Source,name=replay";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path dir;
    private static TickerlakeProcess app;
    private static FlinkSessionCluster cluster;

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void theJobRunsOnTheSessionClusterSurvivesKillsAndIsAdoptedResumedAndNeverDoubled() throws Exception {
        FaultScale scale = FaultScale.current();
        FaultWorkload workload = FaultWorkload.builder(dir.resolve("workload.jsonl")).frames(6_000).markets(30)
                .span(Duration.ofMinutes(2)).write();
        LakeModel model = LakeModel.of(workload);
        cluster = FlinkSessionCluster.onFreePort(dir.resolve("flink"));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("tickerlake.source", "replay");
        settings.put("tickerlake.replay.file", workload.file().toAbsolutePath().toString());
        // Full run: the first start replays at the frames' pace (2 minutes), so that the job is mid-stream when the
        // TaskManager is killed; the later starts (and every start of the short run) replay everything at full speed.
        settings.put("tickerlake.replay.speed", scale.pick("0", "1"));
        settings.put("tickerlake.flink.mode", "remote");
        settings.put("tickerlake.flink.jobmanager", cluster.jobManagerAddress());
        settings.put("tickerlake.flink.checkpoint-interval", "2s");
        settings.put("tickerlake.monitoring.table-refresh", "1000");
        settings.put("tickerlake.admin.users", USER + ":" + PASSWORD);
        // A savepoint on the cluster's S3 goes through its REST API and JobManager: more than the embedded default.
        settings.put("tickerlake.flink.savepoint-timeout", "60s");
        app = new TickerlakeProcess(Path.of("target", "tickerlake.jar"), dir.resolve("data"), dir.resolve("tickerlake.log"),
                settings);
        cluster.s3(app.s3Endpoint(), TickerlakeProcess.S3_CREDENTIAL, TickerlakeProcess.S3_CREDENTIAL);
        Map<String, Object> details = new LinkedHashMap<>();
        Discrepancies result = null;
        long framesSent = 0;
        try {
            // 1. No cluster yet: WAITING, retried; then the cluster appears and the job is submitted once.
            app.start();
            progress("tickerlake started (pid %d, log %s); the Flink cluster at %s is not started yet", app.pid(),
                    app.log(), cluster.jobManagerAddress());
            JsonNode waiting = await(Duration.ofMinutes(2), "the sync job WAITING for its cluster",
                    () -> sync().path("state").asText().equals("WAITING") ? sync() : null);
            assertThat(waiting.path("failureCause").asText()).contains(cluster.jobManagerAddress())
                    .contains("does not answer");
            assertThat(waiting.path("cluster").path("mode").asText()).isEqualTo("remote");
            JsonNode health = await(Duration.ofSeconds(30), "health DOWN with the reason", () -> {
                for (JsonNode check : app.management("/observe/health").path("checks")) {
                    if (check.path("name").asText().equals("paimon-sync")
                            && check.path("status").asText().equals("DOWN")
                            && check.path("message").asText().contains("does not answer")) {
                        return check;
                    }
                }
                return null;
            });
            progress("waiting: /api/sync %s; health %s", waiting.path("failureCause").asText(), health);
            await(Duration.ofSeconds(30), "a second start attempt", () ->
                    app.logLines("On delivery attempt: [2-9]").isEmpty() ? null : true);
            long clusterStart = System.nanoTime();
            cluster.start();
            progress("Flink cluster started at %s (%.1f s)", cluster.restUrl(), seconds(clusterStart));
            JsonNode submitted = await(Duration.ofMinutes(3), "the job submitted once the cluster answers", () -> {
                JsonNode sync = sync();
                return sync.path("state").asText().equals("RUNNING") ? sync : null;
            });
            String jobId = submitted.path("jobId").asText();
            double submitSeconds = seconds(clusterStart);
            progress("job %s RUNNING %.1f s after the cluster started; cluster %s", jobId, submitSeconds,
                    submitted.path("cluster"));
            assertThat(submitted.path("cluster").path("address").asText()).isEqualTo(cluster.restUrl());
            assertThat(submitted.path("cluster").path("ui").asText()).isEqualTo(cluster.restUrl() + "/#/job/running/"
                    + jobId + "/overview");
            assertThat(runningJobs()).as("the cluster's jobs under tickerlake's name").containsExactly(jobId);
            assertThat(jobName(jobId)).startsWith("tickerlake").contains("s3://paimon/warehouse").contains("upbit");
            // The S3 keys travel inside the job (Paimon's catalog options), never in what the cluster shows of it.
            for (String shown : List.of("/config", "/plan", "")) {
                assertThat(cluster.get("/jobs/" + jobId + shown).toString()).as("GET /jobs/<id>%s", shown)
                        .doesNotContain(TickerlakeProcess.S3_CREDENTIAL);
            }
            assertThat(app.mbean("dev.tickerlake:type=SyncJob,name=paimon-sync", "FlinkCluster").asText())
                    .isEqualTo(cluster.restUrl());

            // 2. The TaskManager killed mid-stream: Flink restarts the job from its checkpoint (full run).
            if (scale == FaultScale.FULL) {
                JsonNode checkpointed = await(Duration.ofMinutes(2), "a first checkpoint", () -> {
                    JsonNode sync = sync();
                    return sync.path("lastCheckpoint").isObject() ? sync : null;
                });
                String replayState = text(SOURCE, "State");
                long killedTm = cluster.killTaskManager();
                long tmKilledAt = System.nanoTime();
                long checkpointAtKill = checkpointed.path("lastCheckpoint").path("id").asLong();
                progress("TaskManager pid %d killed (SIGKILL) after checkpoint %d, replay %s (%d frames sent)", killedTm,
                        checkpointAtKill, replayState, number(SOURCE, "FramesIn"));
                cluster.awaitTaskManagers(1, Duration.ofMinutes(1));
                JsonNode recovered = await(Duration.ofMinutes(3), "the restart reported and a checkpoint after it", () -> {
                    JsonNode sync = sync();
                    // Flink's numRestarts and its exception history are updated apart: wait for both.
                    return sync.path("restarts").asInt() >= 1 && sync.path("lastFailure").isObject()
                            && sync.path("flinkStatus").asText().equals("RUNNING")
                            && sync.path("lastCheckpoint").path("id").asLong() > checkpointAtKill ? sync : null;
                });
                double tmRecovery = seconds(tmKilledAt);
                progress("job restarted by Flink: restarts %d, last failure %s, checkpoint %d, %.1f s after the kill",
                        recovered.path("restarts").asInt(), recovered.path("lastFailure").path("cause").asText(),
                        recovered.path("lastCheckpoint").path("id").asLong(), tmRecovery);
                assertThat(recovered.path("jobId").asText()).isEqualTo(jobId);
                details.put("taskManagerKillRecoverySeconds", round(tmRecovery));
                details.put("restartsAfterTaskManagerKill", recovered.path("restarts").asInt());
            }

            // 3. tickerlake killed while the job runs, started again: it adopts the job.
            framesSent += number(SOURCE, "FramesIn");
            int status = app.kill();
            app.set("tickerlake.replay.speed", "0");
            progress("tickerlake killed (SIGKILL, exit %d); the job runs on: %s", status, runningJobs());
            app.start();
            JsonNode adopted = await(Duration.ofMinutes(3), "the running job adopted", () -> {
                JsonNode sync = sync();
                return sync.path("state").asText().equals("RUNNING") ? sync : null;
            });
            progress("after the restart: job %s, %s", adopted.path("jobId").asText(),
                    adopted.path("resumedFrom").asText());
            assertThat(adopted.path("jobId").asText()).as("the same job, adopted").isEqualTo(jobId);
            assertThat(adopted.path("resumedFrom").asText()).startsWith("adopted");
            assertThat(runningJobs()).as("still one job").containsExactly(jobId);

            // 4. The replay completes: the tables equal the model.
            await(Duration.ofMinutes(3), "the replay completes", () -> "COMPLETED".equals(text(SOURCE, "State")) ? true : null);
            framesSent += number(SOURCE, "FramesIn");
            result = check(model);
            progress("check after adoption: %s", result.summary());
            assertThat(result.none()).as("%s", result).isTrue();

            // 5. Stop with a savepoint over the API, stop tickerlake, start it again: resumed, no loss, no duplicates.
            long stopAsked = System.nanoTime();
            HttpResponse<String> stop = post("/api/sync/stop");
            double stopSeconds = seconds(stopAsked);
            JsonNode stopped = JSON.readTree(stop.body());
            progress("POST /api/sync/stop: %d in %.1f s: %s, savepoint %s", stop.statusCode(), stopSeconds,
                    stopped.path("state").asText(), app.logLines("stopped with savepoint"));
            assertThat(stop.statusCode()).isEqualTo(200);
            assertThat(stopped.path("state").asText()).isEqualTo("STOPPED");
            assertThat(runningJobs()).as("no job left running").isEmpty();
            String savepoint = lastSavepoint();
            progress("SIGTERM: exit %d", app.stop(Duration.ofSeconds(60)));
            app.start();
            JsonNode resumed = await(Duration.ofMinutes(3), "the job resumed from the savepoint", () -> {
                JsonNode sync = sync();
                return sync.path("state").asText().equals("RUNNING") ? sync : null;
            });
            progress("resumed: job %s from %s", resumed.path("jobId").asText(), resumed.path("resumedFrom").asText());
            assertThat(resumed.path("resumedFrom").asText()).isEqualTo(savepoint);
            assertThat(runningJobs()).containsExactly(resumed.path("jobId").asText());
            await(Duration.ofMinutes(3), "the replay completes again",
                    () -> "COMPLETED".equals(text(SOURCE, "State")) ? true : null);
            framesSent += number(SOURCE, "FramesIn");
            await(Duration.ofMinutes(1), "a checkpoint of the resumed job", () ->
                    sync().path("lastCheckpoint").isObject() ? true : null);
            result = check(model);
            progress("check after the resume: %s", result.summary());

            details.put("submitSecondsAfterClusterStart", round(submitSeconds));
            details.put("stopWithSavepointSeconds", round(stopSeconds));
        } catch (Throwable e) {
            Path kept = Path.of("target", "faults", "remote-flink.log");
            Files.createDirectories(kept.getParent());
            Files.copy(app.log(), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            progress("FAILED: %s; tickerlake's log kept as %s; its last lines:%n%s%ncluster: %s", e, kept,
                    app.logTail(60), cluster.diagnostics());
            throw e;
        } finally {
            details.put("workloadLines", workload.frames());
            details.put("faults", scale.pick(List.of("cluster absent at start", "tickerlake SIGKILL",
                    "stop with savepoint and restart"), List.of("cluster absent at start", "TaskManager SIGKILL",
                    "tickerlake SIGKILL", "stop with savepoint and restart")));
            Discrepancies recorded = result != null ? result : new Discrepancies(model.expectedRows(),
                    model.expectedRows(), 0, 0, 0, List.of("no check: the scenario failed before the tables were read"));
            Object recovery = details.getOrDefault("taskManagerKillRecoverySeconds", 0.0);
            FaultReport.record(ScenarioResult.of(SCENARIO, scale.pick(3, 4), framesSent, recorded, (Double) recovery,
                    details));
        }
        assertThat(result.none()).as("%s", result).isTrue();
    }

    private static Discrepancies check(LakeModel model) {
        try (Catalog catalog = LakeCheck.s3Catalog(app.s3Endpoint(), TickerlakeProcess.S3_CREDENTIAL,
                TickerlakeProcess.S3_CREDENTIAL, "s3://paimon/warehouse")) {
            return LakeCheck.awaitMatch(model, () -> catalog, Duration.ofMinutes(2));
        } catch (Exception e) {
            throw new AssertionError("the tables could not be read", e);
        }
    }

    /** The ids of the cluster's jobs that have not ended, from its own {@code GET /jobs/overview}. */
    private static List<String> runningJobs() throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
            String state = job.path("state").asText();
            if (!List.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
                ids.add(job.path("jid").asText());
            }
        }
        return ids;
    }

    private static String jobName(String jobId) throws Exception {
        for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
            if (job.path("jid").asText().equals(jobId)) {
                return job.path("name").asText();
            }
        }
        throw new AssertionError("job " + jobId + " is not in the cluster's /jobs/overview");
    }

    /** The savepoint the last stop took, from the log line. */
    private static String lastSavepoint() throws IOException {
        List<String> lines = app.logLines("stopped with savepoint ");
        assertThat(lines).as("a stop-with-savepoint line").isNotEmpty();
        String line = lines.get(lines.size() - 1);
        // "... stopped with savepoint <path> in <n> ms": the path is the word after the phrase.
        return line.substring(line.indexOf("stopped with savepoint ") + "stopped with savepoint ".length()).trim()
                .split("\\s+")[0];
    }

    private static JsonNode sync() throws Exception {
        return app.api("/api/sync");
    }

    private static HttpResponse<String> post(String path) throws Exception {
        String token = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(app.apiUrl() + path))
                        .header("Authorization", "Basic " + token)
                        .timeout(Duration.ofSeconds(90)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String text(String mbean, String attribute) throws Exception {
        return app.mbean(mbean, attribute).asText();
    }

    private static long number(String mbean, String attribute) throws Exception {
        return app.mbean(mbean, attribute).asLong();
    }

    /** Polls every 250 ms until {@code probe} answers non-null; fails at once if tickerlake died. */
    private static <T> T await(Duration timeout, String what, Probe<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new AssertionError("tickerlake died while waiting for " + what);
            }
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
                last = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            } catch (Exception e) {
                last = e; // not listening yet
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        throw new AssertionError("no " + what + " within " + timeout + (last == null ? "" : "; last error: " + last));
    }

    @FunctionalInterface
    private interface Probe<T> {
        T get() throws Exception;
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
