package dev.tickerlake.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import dev.tickerlake.health.OverallHealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The sync job in overall health: DOWN with its cause when the job FAILED (the admin API stays reachable to fix it),
 * while it restarts after a failure until a checkpoint completes again, and when no checkpoint has completed for longer
 * than {@link SyncJobSettings#checkpointStall()} (the tables are not being updated, e.g. S3 is unreachable); what it
 * resumed from, and a {@code warning} when the savepoint or checkpoint it should have resumed from was gone.
 */
public final class SyncJobHealth extends OverallHealthCheck {

    /** Flink's job states in which it is failing over or about to restart the job. */
    private static final Set<String> RECOVERING = Set.of("RESTARTING", "FAILING");

    private final SyncJob job;
    private final Duration stallLimit;

    public SyncJobHealth(SyncJob job) {
        super("paimon-sync");
        this.job = job;
        this.stallLimit = job.settings().checkpointStall();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        report(builder, job.state(), Instant.now(), stallLimit);
    }

    /** The health of a job in {@code state} at {@code now}, DOWN after {@code stallLimit} without a checkpoint. */
    static void report(HealthCheckResultBuilder builder, SyncJobState state, Instant now, Duration stallLimit) {
        builder.detail("state", state.status().name());
        builder.detail("flinkMode", state.cluster().mode());
        if (state.cluster().address() != null) {
            builder.detail("flinkCluster", state.cluster().address());
        }
        if (state.jobId() != null) {
            builder.detail("jobId", state.jobId());
        }
        if (state.startedAt() != null) {
            builder.detail("startedAt", state.startedAt().toString());
        }
        if (state.resumedFrom() != null) {
            builder.detail("resumedFrom", state.resumedFrom());
        }
        if (state.missingRestorePoint() != null) {
            // UP (the job runs), but an operator should know the restore point was lost.
            builder.detail("warning", state.resumedFrom());
        }
        if (state.lastCheckpoint() != null) {
            builder.detail("lastCheckpoint", state.lastCheckpoint().id());
            builder.detail("lastCheckpointAt", state.lastCheckpoint().completedAt().toString());
        }
        if (state.restarts() > 0) {
            builder.detail("restarts", state.restarts());
        }
        if (state.lastFailure() != null) {
            builder.detail("lastFailure", state.lastFailure().cause());
            builder.detail("lastFailureAt", state.lastFailure().at().toString());
        }
        Instant stalledSince = state.isRunning() ? stalledSince(state, now, stallLimit) : null;
        if (state.status() == SyncJobState.Status.WAITING) {
            builder.detail("cause", String.valueOf(state.failureCause()));
            builder.message("Paimon sync job waiting: " + state.failureCause()).down();
        } else if (state.status() == SyncJobState.Status.FAILED) {
            builder.detail("cause", String.valueOf(state.failureCause()));
            builder.message("Paimon sync job failed: " + state.failureCause()).down();
        } else if (state.isRunning() && (state.flinkStatus() != null && RECOVERING.contains(state.flinkStatus())
                || state.failedSinceLastCheckpoint())) {
            // Flink restarts it by itself (tickerlake.flink.restart-*); the tables catch up once a checkpoint completes.
            builder.message("Paimon sync job restarting after a failure (restart " + state.restarts() + "): "
                    + (state.lastFailure() == null ? "cause unknown" : state.lastFailure().cause())).down();
        } else if (stalledSince != null) {
            builder.detail("stalledSince", stalledSince.toString());
            builder.message("Paimon sync job: no checkpoint completed for "
                    + Duration.between(stalledSince, now).toSeconds()
                    + " s, so the tables are not being updated (S3 or Kafka unreachable, or the job overloaded)").down();
        } else {
            builder.up();
        }
    }

    /** When this job last completed a checkpoint (or started, before its first), if longer ago than the stall limit. */
    private static Instant stalledSince(SyncJobState state, Instant now, Duration stallLimit) {
        Instant since = state.lastCheckpoint() != null ? state.lastCheckpoint().completedAt() : state.startedAt();
        return since != null && Duration.between(since, now).compareTo(stallLimit) > 0 ? since : null;
    }
}
