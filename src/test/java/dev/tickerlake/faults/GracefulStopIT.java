package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to {@code java -jar target/tickerlake.jar} while its sync job writes: the job stops with a completed
 * savepoint (not a cancel after a failed one), the process exits as the JVM does on SIGTERM (143), the next start
 * resumes from that savepoint, and once the replay (sent again from line 1 by the second start) completes the tables
 * equal the model: nothing lost or duplicated across the stop.
 */
class GracefulStopIT {

    private static final int SIGTERM_STATUS = 128 + 15;
    private static final String SYNC_JOB = "dev.tickerlake:type=SyncJob,name=paimon-sync";
    private static final String SOURCE = "dev.tickerlake:type=Source,name=replay";

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
    void sigtermStopsTheSyncJobWithASavepointTheNextStartResumesFromAndTheTablesEqualTheModel() throws Exception {
        FaultWorkload workload = FaultWorkload.builder(dir.resolve("workload.jsonl")).frames(20_000).write();
        LakeModel model = LakeModel.of(workload);
        app = new TickerlakeProcess(Path.of("target", "tickerlake.jar"), dir.resolve("data"),
                dir.resolve("tickerlake.log"), Map.of(
                        "tickerlake.source", "replay",
                        "tickerlake.replay.file", workload.file().toAbsolutePath().toString(),
                        "tickerlake.replay.speed", "0",
                        "tickerlake.paimon.enabled", "true",
                        "tickerlake.flink.checkpoint-interval", "2s"));
        app.start();
        awaitTrue(Duration.ofMinutes(3), "a first checkpoint of the sync job",
                () -> "RUNNING".equals(app.mbean(SYNC_JOB, "State").asText())
                        && app.mbean(SYNC_JOB, "LastCheckpointId").asLong(-1) >= 1);

        long stopping = System.nanoTime();
        int status = app.stop(Duration.ofSeconds(60));
        progress("SIGTERM: exit %d after %.1f s", status, (System.nanoTime() - stopping) / 1e9);
        assertThat(status).as("exit status on SIGTERM").isEqualTo(SIGTERM_STATUS);
        assertThat(app.logLines(".*Sync job \\S+ stopped with savepoint .*")).as("the stop's savepoint; log %s",
                app.log()).hasSize(1);
        assertThat(app.logLines(".*(savepoint failed|no savepoint within|cancelled).*")).isEmpty();

        app.start();
        awaitTrue(Duration.ofMinutes(3), "the sync job running again",
                () -> "RUNNING".equals(app.mbean(SYNC_JOB, "State").asText()));
        assertThat(app.mbean(SYNC_JOB, "ResumedFrom").asText()).startsWith("s3://checkpoints/paimon-sync/savepoints/");
        awaitTrue(Duration.ofMinutes(5), "the replay completes",
                () -> "COMPLETED".equals(app.mbean(SOURCE, "State").asText()));
        try (Catalog catalog = LakeCheck.s3Catalog(app.s3Endpoint(), TickerlakeProcess.S3_CREDENTIAL,
                TickerlakeProcess.S3_CREDENTIAL, "s3://paimon/warehouse")) {
            Discrepancies result = LakeCheck.awaitMatch(model, () -> catalog, Duration.ofMinutes(3));
            progress("check: %s", result.summary());
            assertThat(result.none()).as("%s; log %s", result, app.log()).isTrue();
        }
        assertThat(app.stop(Duration.ofSeconds(60))).isEqualTo(SIGTERM_STATUS);
        assertThat(app.logLines(".*Sync job \\S+ stopped with savepoint .*")).hasSize(2);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Duration timeout, String what, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!app.isAlive()) {
                throw new AssertionError("tickerlake exited while waiting for " + what + ":\n" + app.logTail(60));
            }
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // The management server is not up yet.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + ":\n" + app.logTail(60));
            }
            Thread.sleep(200);
        }
    }

    private static void progress(String format, Object... args) {
        System.out.println("[faults] " + String.format(Locale.ROOT, format, args));
    }
}
