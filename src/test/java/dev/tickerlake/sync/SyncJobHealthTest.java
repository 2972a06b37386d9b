package dev.tickerlake.sync;

import java.time.Duration;
import java.time.Instant;

import dev.tickerlake.support.S3Settings;
import dev.tickerlake.sync.SyncJobState.Checkpoint;
import dev.tickerlake.sync.SyncJobState.Cluster;
import dev.tickerlake.sync.SyncJobState.Failure;
import dev.tickerlake.sync.SyncJobState.Status;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sync job's overall health: UP while it checkpoints; DOWN, saying why, while Flink restarts it after a failure
 * (until a checkpoint completes again), when no checkpoint has completed for longer than the stall limit (S3 away),
 * and when it FAILED.
 */
class SyncJobHealthTest {

    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Instant STARTED = NOW.minusSeconds(600);

    @Test
    void aRunningJobThatCheckpointsIsUp() {
        HealthCheck.Result health = health(running("RUNNING", checkpointAt(NOW.minusSeconds(5)), 0, null));

        assertThat(health.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(health.getDetails()).doesNotContainKeys("lastFailure", "stalledSince");
    }

    @Test
    void aJobFlinkIsRestartingIsDownWithItsFailure() {
        Failure failure = new Failure("AccessDeniedException: 403 Forbidden", NOW.minusSeconds(2));
        HealthCheck.Result health = health(running("RESTARTING", checkpointAt(NOW.minusSeconds(5)), 1, failure));

        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValueSatisfying(m -> assertThat(m)
                .contains("restarting after a failure (restart 1)").contains("AccessDeniedException"));
        assertThat(health.getDetails()).containsEntry("restarts", 1)
                .containsEntry("lastFailure", failure.cause()).containsEntry("lastFailureAt", failure.at().toString());
    }

    @Test
    void aRestartedJobStaysDownUntilACheckpointCompletesAfterItsFailureThenIsUpWithTheFailureAsDetail() {
        Failure failure = new Failure("ConnectException: Connection refused", NOW.minusSeconds(10));

        assertThat(health(running("RUNNING", checkpointAt(NOW.minusSeconds(20)), 2, failure)).getState())
                .isEqualTo(HealthCheck.State.DOWN);
        HealthCheck.Result recovered = health(running("RUNNING", checkpointAt(NOW.minusSeconds(1)), 2, failure));
        assertThat(recovered.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(recovered.getDetails()).containsEntry("restarts", 2).containsEntry("lastFailure", failure.cause());
    }

    @Test
    void aJobWithoutACheckpointForLongerThanTheStallLimitIsDown() {
        Instant last = NOW.minusSeconds(61);
        HealthCheck.Result health = health(running("RUNNING", checkpointAt(last), 0, null));

        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValueSatisfying(m -> assertThat(m)
                .contains("no checkpoint completed for 61 s").contains("tables are not being updated"));
        assertThat(health.getDetails()).containsEntry("stalledSince", last.toString());
        assertThat(health(running("RUNNING", checkpointAt(NOW.minusSeconds(59)), 0, null)).getState())
                .isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void aFailedJobIsDownWithItsCause() {
        SyncJobState failed = new SyncJobState(Status.FAILED, "job", "FAILED", STARTED, null, null, null, null,
                "JsonParseException: not canal json", 10, new Failure("JsonParseException: not canal json", NOW), EMBEDDED);

        HealthCheck.Result health = health(failed);
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValue("Paimon sync job failed: JsonParseException: not canal json");
    }

    @Test
    void aJobWaitingForItsFlinkClusterIsDownWithWhyAndWhere() {
        Cluster remote = new Cluster("remote", "http://127.0.0.1:8081", "http://127.0.0.1:8081/#/overview");
        SyncJobState waiting = new SyncJobState(Status.WAITING, null, null, null, null, null, null, null,
                "the Flink cluster at 127.0.0.1:8081 does not answer (ConnectException: Connection refused)", 0, null,
                remote);

        HealthCheck.Result health = health(waiting);
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValue("Paimon sync job waiting: the Flink cluster at 127.0.0.1:8081 does "
                + "not answer (ConnectException: Connection refused)");
        assertThat(health.getDetails()).containsEntry("flinkMode", "remote")
                .containsEntry("flinkCluster", "http://127.0.0.1:8081");
    }

    private static SyncJobState running(String flinkStatus, Checkpoint checkpoint, int restarts, Failure failure) {
        return new SyncJobState(Status.RUNNING, "job", flinkStatus, STARTED, "fresh from committed offsets", null,
                checkpoint, null, null, restarts, failure, EMBEDDED);
    }

    private static final Cluster EMBEDDED = new Cluster("embedded", null, null);

    private static Checkpoint checkpointAt(Instant at) {
        return new Checkpoint(7, at);
    }

    private static HealthCheck.Result health(SyncJobState state) {
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(new SyncJobHealth(new SyncJob(
                SyncJobSettings.builder().s3(S3Settings.pathStyle("http://127.0.0.1:1", "k", "s"))
                        .bootstrapServers("127.0.0.1:1").build())));
        SyncJobHealth.report(builder, state, NOW, STALL);
        return builder.build();
    }
}
