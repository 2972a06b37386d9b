package dev.tickerlake.sync;

import java.time.Instant;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;

/**
 * The sync job for JMX ({@code dev.tickerlake:type=SyncJob}) and {@code /observe/metrics}: its state, job id, last
 * checkpoint, restarts and latest failure, and stop-with-savepoint / start, the same as {@code POST /api/sync/stop|start}.
 */
@ManagedResource(description = "The Paimon sync job (kafka_sync_database on the embedded Flink MiniCluster or a "
        + "Flink session cluster)")
public final class ManagedSyncJob implements MeterBinder {

    /** Each read asks the MiniCluster; a burst of reads (Jolokia reads every attribute) shares one answer. */
    private static final long STATE_REUSE_MILLIS = 500;

    private final SyncJob job;
    private volatile SyncJobState state;
    private volatile long stateReadAt;

    public ManagedSyncJob(SyncJob job) {
        this.job = job;
    }

    @ManagedAttribute(description = "CREATED, WAITING (the Flink cluster does not answer), RUNNING (restarts included), "
            + "FAILED or STOPPED")
    public String getState() {
        return state().status().name();
    }

    @ManagedAttribute(description = "Flink's own job status (e.g. RESTARTING), when Flink knows the job")
    public String getFlinkStatus() {
        return state().flinkStatus();
    }

    @ManagedAttribute(description = "Flink job id of the current or last job")
    public String getJobId() {
        return state().jobId();
    }

    @ManagedAttribute(description = "When the current or last job was submitted (ISO-8601)")
    public String getStartedAt() {
        Instant startedAt = state().startedAt();
        return startedAt == null ? null : startedAt.toString();
    }

    @ManagedAttribute(description = "Id of the last completed checkpoint (each one commits Paimon snapshots), -1 if none")
    public long getLastCheckpointId() {
        SyncJobState.Checkpoint checkpoint = state().lastCheckpoint();
        return checkpoint == null ? -1 : checkpoint.id();
    }

    @ManagedAttribute(description = "When the last checkpoint completed (ISO-8601)")
    public String getLastCheckpointTime() {
        SyncJobState.Checkpoint checkpoint = state().lastCheckpoint();
        return checkpoint == null ? null : checkpoint.completedAt().toString();
    }

    @ManagedAttribute(description = "Restarts of the current job after failures")
    public int getRestarts() {
        return state().restarts();
    }

    @ManagedAttribute(description = "What the job restored: a savepoint or checkpoint, or a fresh start position")
    public String getResumedFrom() {
        return state().resumedFrom();
    }

    @ManagedAttribute(description = "The job's latest failure (root cause first), also one Flink restarted it after")
    public String getLastFailureCause() {
        SyncJobState.Failure failure = state().lastFailure();
        return failure == null ? null : failure.cause();
    }

    @ManagedAttribute(description = "When the job's latest failure happened (ISO-8601)")
    public String getLastFailureTime() {
        SyncJobState.Failure failure = state().lastFailure();
        return failure == null ? null : failure.at().toString();
    }

    @ManagedAttribute(description = "Where the job runs: embedded (a MiniCluster in this JVM) or remote (a session cluster)")
    public String getFlinkMode() {
        return state().cluster().mode();
    }

    @ManagedAttribute(description = "The Flink cluster's REST address")
    public String getFlinkCluster() {
        return state().cluster().address();
    }

    @ManagedAttribute(description = "Flink's web UI for the job (remote mode; the MiniCluster has none)")
    public String getFlinkUi() {
        return state().cluster().ui();
    }

    @ManagedAttribute(description = "Why the job failed (or, WAITING, why it cannot start yet)")
    public String getFailureCause() {
        return state().failureCause();
    }

    @ManagedOperation(description = "Stops the job with a savepoint the next start resumes from; returns the state")
    public String stopWithSavepoint() {
        state = job.stopWithSavepoint();
        return getState();
    }

    @ManagedOperation(description = "Starts the job, resuming from its savepoint or last checkpoint; returns the state")
    public String start() {
        state = job.start();
        return getState();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (SyncJobState.Status status : SyncJobState.Status.values()) {
            Gauge.builder("tickerlake.sync.job.state", this, self -> self.state().status() == status ? 1 : 0)
                    .description("1 for the sync job's current state, 0 for the others")
                    .tag("state", status.name()).register(registry);
        }
        SyncJobState.Cluster cluster = job.state().cluster();
        Gauge.builder("tickerlake.sync.job.cluster", () -> 1)
                .description("Where the sync job runs (mode, and the session cluster's REST address in remote mode)")
                .tag("mode", cluster.mode())
                .tag("address", "remote".equals(cluster.mode()) ? cluster.address() : "")
                .register(registry);
        Gauge.builder("tickerlake.sync.job.restarts", this, ManagedSyncJob::getRestarts)
                .description("Restarts of the current sync job after failures").register(registry);
        Gauge.builder("tickerlake.sync.job.last.failure.timestamp", this, self -> {
            SyncJobState.Failure failure = self.state().lastFailure();
            return failure == null ? Double.NaN : failure.at().toEpochMilli() / 1000.0;
        }).baseUnit("seconds").description("When the sync job's latest failure happened (epoch)").register(registry);
        Gauge.builder("tickerlake.sync.job.last.checkpoint.id", this, ManagedSyncJob::getLastCheckpointId)
                .description("Id of the sync job's last completed checkpoint").register(registry);
        Gauge.builder("tickerlake.sync.job.last.checkpoint.timestamp", this, self -> {
            SyncJobState.Checkpoint checkpoint = self.state().lastCheckpoint();
            return checkpoint == null ? Double.NaN : checkpoint.completedAt().toEpochMilli() / 1000.0;
        }).baseUnit("seconds").description("When the sync job's last checkpoint completed (epoch)").register(registry);
    }

    private SyncJobState state() {
        long now = System.currentTimeMillis();
        SyncJobState current = state;
        if (current == null || now - stateReadAt > STATE_REUSE_MILLIS) {
            current = job.state();
            state = current;
            stateReadAt = now;
        }
        return current;
    }
}
