package dev.tickerlake.paimon;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The sync job in overall health: DOWN with its cause when the job FAILED. Neither readiness nor liveness, so the admin
 * API stays reachable to fix it and the process is not restarted over it.
 */
public final class SyncJobHealth extends AbstractHealthCheck {

    private final SyncJob job;

    public SyncJobHealth(SyncJob job) {
        super("tickerlake", "paimon-sync");
        this.job = job;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    public boolean isLiveness() {
        return false;
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
