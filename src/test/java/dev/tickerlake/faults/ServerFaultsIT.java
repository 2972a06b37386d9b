package dev.tickerlake.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The servers under tickerlake fail while a replay streams through it, each test on servers and data of its own: the
 * S3 server goes away and comes back (2), the Kafka broker restarts (3), S3 refuses the sync job's data-file writes
 * so its writer task fails (4). After each, the tables must equal the model of the workload, and an operator must have
 * seen the fault and the recovery without doing anything.
 */
class ServerFaultsIT {

    private static final FaultScale SCALE = FaultScale.current();
    /**
     * Distinct frames of the shared workload; their message times span 10 minutes, replayed {@link #SPEED} times faster
     * (system property {@code tickerlake.faults.speed} on a slow machine, so the faults still hit mid-stream): 25 s of
     * stream in the short run, which leaves over 10 s of it after the sync job's first snapshot on a quiet machine.
     */
    private static final int FRAMES = SCALE.pick(15_000, 20_000);
    private static final double SPEED = Double.parseDouble(System.getProperty("tickerlake.faults.speed",
            String.valueOf(SCALE.pick(24.0, 6.0))));
    private static final Duration OUTAGE = SCALE.pick(Duration.ofSeconds(10), Duration.ofSeconds(30));
    private static final int KAFKA_RESTARTS = SCALE.pick(1, 3);
    private static final int JOB_FAILURES = SCALE.pick(1, 3);
    private static final Duration STARTED = Duration.ofMinutes(5);
    private static final Duration RECOVERED = Duration.ofMinutes(4);
    private static final Duration MATCHED = Duration.ofMinutes(3);
    /**
     * From the denied data-file writes to the job's restart: the next checkpoint's flush, then Flink's restart delay,
     * seconds in all; 60 s leaves room for S3A's own retries (7, 0.5 s doubling) should a 403 reach it as something else.
     */
    private static final Duration FAILED = Duration.ofSeconds(60);
    /** Scenario 4's checkpoint timeout: well above a checkpoint's time under load, well below {@link #FAILED}. */
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(20);
    /** Frames of the workload sent again while the data-file writes are denied (4). */
    private static final int RESENT = 300;

    @TempDir
    static Path shared;
    static FaultWorkload workload;
    static LakeModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeWorkload() {
        workload = FaultWorkload.builder(shared.resolve("servers.jsonl")).frames(FRAMES).write();
        model = LakeModel.of(workload);
        System.out.println("[faults] server faults: " + SCALE.label() + " scale, workload " + workload + ", "
                + model.expectedRows() + " rows expected, replayed at " + SPEED + "x");
    }

    @Test
    void anS3OutageMidStreamIsSeenInHealthAndRecoversWithoutAnOperatorOrALostRow() throws Exception {
        String scenario = "2 S3 outage";
        try (ExternalLake lake = ExternalLake.start(dir, workload, SPEED, false, Map.of());
             SyncWatch watch = new SyncWatch(lake, scenario)) {
            lake.awaitRunningWithSnapshotAfter(Instant.EPOCH, STARTED);

            String streamAtFault = lake.framesSent() + " of " + workload.frames() + " frames sent";
            Instant faultStart = Instant.now();
            lake.s3.close();
            System.out.println("[faults] " + scenario + ": S3 server stopped for " + OUTAGE.toSeconds() + " s ("
                    + streamAtFault + ")");
            Thread.sleep(OUTAGE.toMillis());
            lake.s3.start();
            Instant faultEnd = Instant.now();
            System.out.println("[faults] " + scenario + ": S3 server back on " + lake.s3.endpoint() + ", same data");

            Instant recovered = lake.awaitRunningWithSnapshotAfter(faultEnd, RECOVERED);
            double recoverySeconds = seconds(faultEnd, recovered);
            System.out.println("[faults] " + scenario + ": sync job RUNNING with a new snapshot " + recoverySeconds
                    + " s after S3 came back");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(lake.health().path("status").asText()).isEqualTo("UP"));
            Discrepancies d = LakeCheck.awaitMatch(model, lake::checkCatalog, MATCHED);
            System.out.println("[faults] " + scenario + ": " + d);

            List<SyncWatch.Sighting> seen = watch.since(faultStart);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("seed", workload.seed());
            details.put("outageSeconds", OUTAGE.toSeconds());
            details.put("streamAtFault", streamAtFault);
            details.put("restarts", lake.syncJobAttribute("Restarts"));
            details.put("healthSeen", seen.stream().map(SyncWatch.Sighting::describe).distinct().toList());
            FaultReport.record(ScenarioResult.of(scenario, 1, workload.frames(), d, recoverySeconds, details));

            assertThat(d.none()).as(d.toString()).isTrue();
            assertThat(seen).as("health during the outage").anyMatch(s -> s.health().startsWith("DOWN")
                    && s.syncCheck().equals("DOWN") && s.syncMessage() != null);
            assertThat(watch.since(recovered)).as("health after recovery")
                    .anyMatch(s -> s.health().equals("UP") && s.syncCheck().equals("UP"));
        }
    }

    @Test
    void aKafkaBrokerRestartMidStreamLosesAndRepeatsNoRow() throws Exception {
        String scenario = "3 Kafka restart";
        try (ExternalLake lake = ExternalLake.start(dir, workload, SPEED, false, Map.of());
             SyncWatch watch = new SyncWatch(lake, scenario)) {
            lake.awaitRunningWithSnapshotAfter(Instant.EPOCH, STARTED);
            List<Double> recoveries = new ArrayList<>();
            List<String> streamAtFaults = new ArrayList<>();
            for (int i = 1; i <= KAFKA_RESTARTS; i++) {
                streamAtFaults.add(lake.framesSent() + " of " + workload.frames());
                lake.kafka.close();
                System.out.println("[faults] " + scenario + ": broker stopped (" + i + "/" + KAFKA_RESTARTS + ")");
                lake.kafka.start();
                Instant faultEnd = Instant.now();
                System.out.println("[faults] " + scenario + ": broker back on " + lake.kafka.bootstrapServers()
                        + ", same data");
                Instant recovered = lake.awaitRunningWithSnapshotAfter(faultEnd, RECOVERED);
                recoveries.add(seconds(faultEnd, recovered));
                System.out.println("[faults] " + scenario + ": new snapshot " + seconds(faultEnd, recovered)
                        + " s after the broker came back");
            }
            Discrepancies d = LakeCheck.awaitMatch(model, lake::checkCatalog, MATCHED);
            System.out.println("[faults] " + scenario + ": " + d);

            Map<String, Object> details = new LinkedHashMap<>();
            details.put("seed", workload.seed());
            details.put("recoverySeconds", recoveries);
            details.put("framesSentAtFaults", streamAtFaults);
            details.put("syncJobRestarts", lake.syncJobAttribute("Restarts"));
            FaultReport.record(ScenarioResult.of(scenario, KAFKA_RESTARTS, workload.frames(), d,
                    recoveries.stream().mapToDouble(Double::doubleValue).max().orElse(0), details));
            assertThat(d.none()).as(d.toString()).isTrue();
        }
    }

    @Test
    void aSyncJobTaskFailureMidStreamRestartsFromItsCheckpointAndShowsInApiJmxAndMetrics() throws Exception {
        String scenario = "4 sync job failure";
        // The refused write fails the writer at once when S3A takes the 403 as final; when its client sees the
        // refusal as a connection error, S3A retries it with back-off for about a minute (seen twice on 2026-12-07):
        // then the checkpoint timeout fails the job instead. Either way the job fails and restarts within seconds.
        try (ExternalLake lake = ExternalLake.start(dir, workload, SPEED, true,
                Map.of("tickerlake.flink.checkpoint-timeout", CHECKPOINT_TIMEOUT.toSeconds() + "s"));
             SyncWatch watch = new SyncWatch(lake, scenario)) {
            lake.awaitRunningWithSnapshotAfter(Instant.EPOCH, STARTED);
            List<Double> recoveries = new ArrayList<>();
            List<Double> failedAfter = new ArrayList<>();
            Instant firstFault = Instant.now();
            List<String> streamAtFaults = new ArrayList<>();
            List<String> causesSeen = new ArrayList<>();
            for (int i = 1; i <= JOB_FAILURES; i++) {
                long sent = lake.framesSent();
                streamAtFaults.add(sent + " of " + workload.frames());
                int restartsBefore = ((Number) lake.syncJobAttribute("Restarts")).intValue();
                long deniedBefore = lake.proxy.denied();
                // Only the data files: the writer writes them when it flushes at the next checkpoint (every 2 s here)
                // and fails at once on the 403. Denying every write under the warehouse also refused Paimon's table,
                // manifest and snapshot writes, whose failures Paimon retries or only logs: on a quiet machine (CI,
                // 2026-12-07) that stalled the checkpoints for over a minute without failing a task.
                // The writer needs rows to flush: frames of the workload sent again (the model holds them already)
                // give it some even when the replay has ended, as it may have on a loaded machine.
                Instant faultStart = Instant.now();
                lake.proxy.denyDataFileWritesUnder("/paimon/warehouse");
                int resent = lake.resendLastFrames(workload, RESENT);
                System.out.println("[faults] " + scenario + ": S3 answers 403 AccessDenied to data-file writes under "
                        + "the warehouse (" + i + "/" + JOB_FAILURES + ", " + sent + " of " + workload.frames()
                        + " frames sent; " + resent + " of them sent again)");
                try {
                    // The injected failure itself, not Paimon's deliberate one after the previous fault's restore.
                    await().atMost(FAILED).pollInterval(Duration.ofMillis(100)).until(() -> {
                        JsonNode failure = lake.apiSync().path("lastFailure");
                        return injected(failure.path("cause").asText())
                                && !Instant.parse(failure.path("at").asText("1970-01-01T00:00:00Z")).isBefore(faultStart);
                    });
                    causesSeen.add("api: " + lake.apiSync().path("lastFailure").path("cause").asText());
                    // The MBean reuses the job's state for a moment (ManagedSyncJob), so it may show the failure later.
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                            .until(() -> injected(String.valueOf(lake.syncJobAttribute("LastFailureCause"))));
                    causesSeen.add("jmx: " + lake.syncJobAttribute("LastFailureCause"));
                    await().atMost(FAILED).pollInterval(Duration.ofMillis(100))
                            .until(() -> ((Number) lake.syncJobAttribute("Restarts")).intValue() > restartsBefore);
                } catch (ConditionTimeoutException e) {
                    throw new AssertionError("no job restart within " + FAILED.toSeconds() + " s of the denial; denied "
                            + lake.proxy.denials() + ", " + lake.framesSent() + " frames sent, sync job "
                            + lake.apiSync(), e);
                }
                lake.proxy.allowAll();
                Instant faultEnd = Instant.now();
                failedAfter.add(seconds(faultStart, faultEnd));
                System.out.println("[faults] " + scenario + ": job restarted " + seconds(faultStart, faultEnd)
                        + " s after the denial began (" + (lake.proxy.denied() - deniedBefore) + " denied, e.g. "
                        + lake.proxy.denials().stream().reduce((a, b) -> b).orElse("none")
                        + "); writes allowed again; job restarts "
                        + lake.syncJobAttribute("Restarts"));
                Instant recovered = lake.awaitRunningWithSnapshotAfter(faultEnd, RECOVERED);
                recoveries.add(seconds(faultEnd, recovered));
                System.out.println("[faults] " + scenario + ": RUNNING with a new snapshot "
                        + seconds(faultEnd, recovered) + " s after the restart");
            }
            Discrepancies d = LakeCheck.awaitMatch(model, lake::checkCatalog, MATCHED);
            System.out.println("[faults] " + scenario + ": " + d);

            JsonNode sync = lake.apiSync();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("seed", workload.seed());
            details.put("restartSecondsAfterDenial", failedAfter);
            details.put("recoverySeconds", recoveries);
            details.put("framesSentAtFaults", streamAtFaults);
            details.put("denied", lake.proxy.denied());
            details.put("deniedRequests", lake.proxy.denials().stream().limit(5).toList());
            details.put("causesSeen", causesSeen.stream().map(c -> c.length() > 160 ? c.substring(0, 160) : c).toList());
            details.put("apiSync", sync.toString());
            details.put("jmxRestarts", lake.syncJobAttribute("Restarts"));
            details.put("metricRestarts", lake.metric("tickerlake_sync_job_restarts").orElse(null));
            FaultReport.record(ScenarioResult.of(scenario, JOB_FAILURES, workload.frames(), d,
                    recoveries.stream().mapToDouble(Double::doubleValue).max().orElse(0), details));
            assertThat(d.none()).as(d.toString()).isTrue();
            assertThat(watch.since(firstFault)).as("health while the job restarted").anyMatch(s ->
                    s.syncCheck().equals("DOWN") && s.syncMessage().contains("restarting after a failure"));
            assertThat(sync.path("state").asText()).as(sync.toString()).isEqualTo("RUNNING");
            assertThat(sync.path("restarts").asInt()).as(sync.toString()).isGreaterThanOrEqualTo(JOB_FAILURES);
            // The latest failure may be Paimon's own, deliberate one after restoring a checkpoint; the injected one was
            // the latest right after its restart.
            assertThat(sync.path("lastFailure").path("cause").asText()).as(sync.toString()).isNotBlank();
            assertThat(causesSeen).filteredOn(c -> c.startsWith("api: ")).hasSize(JOB_FAILURES)
                    .allMatch(ServerFaultsIT::injected);
            assertThat(causesSeen).filteredOn(c -> c.startsWith("jmx: ")).anyMatch(ServerFaultsIT::injected);
            assertThat(((Number) lake.syncJobAttribute("Restarts")).intValue()).isGreaterThanOrEqualTo(JOB_FAILURES);
            assertThat(lake.metric("tickerlake_sync_job_restarts")).hasValueSatisfying(v ->
                    assertThat(v).isGreaterThanOrEqualTo(JOB_FAILURES));
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Math.round(Duration.between(from, to).toMillis() / 100.0) / 10.0;
    }

    /** A job failure the refused writes caused: S3's AccessDenied, or the checkpoint they held past its timeout. */
    static boolean injected(String cause) {
        return cause.contains("AccessDenied") || cause.contains("Checkpoint expired");
    }
}
