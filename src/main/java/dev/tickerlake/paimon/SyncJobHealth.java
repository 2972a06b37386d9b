package dev.tickerlake.paimon;

import java.util.Map;

import dev.tickerlake.health.OverallHealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The sync job in overall health: DOWN with its cause when the job FAILED (the admin API stays reachable to fix it);
 * what it resumed from, and a {@code warning} when the savepoint or checkpoint it should have resumed from was gone.
 */
public final class SyncJobHealth extends OverallHealthCheck {

    private final SyncJob job;

    public SyncJobHealth(SyncJob job) {
        super("paimon-sync");
        this.job = job;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        SyncJobState state = job.state();
        builder.detail("state", state.status().name());
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
        if (state.status() == SyncJobState.Status.FAILED) {
            builder.detail("cause", String.valueOf(state.failureCause()));
            builder.message("Paimon sync job failed: " + state.failureCause()).down();
        } else {
            builder.up();
        }
    }
}
