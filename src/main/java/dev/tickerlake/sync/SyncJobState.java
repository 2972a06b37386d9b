package dev.tickerlake.sync;

import java.time.Instant;

/**
 * What the sync job is doing, for health checks, JMX and the admin API.
 *
 * @param status         CREATED (never started), WAITING (remote mode: the Flink cluster is unreachable, the start is
 *                       retried), RUNNING (submitted or adopted, including restarts), FAILED, STOPPED
 * @param jobId          Flink job id of the current or last job, or {@code null}
 * @param flinkStatus    Flink's own job status (e.g. RESTARTING), or {@code null} when Flink does not know the job
 * @param startedAt      when the current or last job was submitted, or {@code null}
 * @param resumedFrom    what the job restored: a savepoint or checkpoint path, or a fresh start position; when the
 *                       restore point was gone, {@code missing savepoint <path>: started from committed offsets}
 * @param missingRestorePoint the savepoint or checkpoint the job should have resumed from but was gone, or {@code null}
 * @param lastCheckpoint the job's last completed checkpoint, or {@code null}
 * @param lastSavepoint  the savepoint the job stopped with, or {@code null}
 * @param failureCause   why the job failed (root cause first), or {@code null}
 * @param restarts       restarts of the current or last job after failures (0 when it never failed)
 * @param lastFailure    the current or last job's latest failure, whether Flink restarted the job after it or not, or
 *                       {@code null} when it never failed
 * @param cluster        where the job runs: the mode, the cluster's REST address and a link to its web UI
 */
public record SyncJobState(
        Status status,
        String jobId,
        String flinkStatus,
        Instant startedAt,
        String resumedFrom,
        String missingRestorePoint,
        Checkpoint lastCheckpoint,
        String lastSavepoint,
        String failureCause,
        int restarts,
        Failure lastFailure,
        Cluster cluster) {

    public enum Status { CREATED, WAITING, RUNNING, FAILED, STOPPED }

    /** A completed Flink checkpoint; Paimon commits its snapshots when one completes. */
    public record Checkpoint(long id, Instant completedAt) {
    }

    /** A failure of a task or of the whole job (root cause first) and when it happened. */
    public record Failure(String cause, Instant at) {
    }

    /**
     * Where the job runs.
     *
     * @param mode    {@code embedded} or {@code remote}
     * @param address the cluster's REST address ({@code http://host:port}), or {@code null} while it is not known
     * @param ui      Flink's web UI for the job (or the cluster, before a job), or {@code null} where there is none
     *                (the embedded MiniCluster serves the REST API only)
     */
    public record Cluster(String mode, String address, String ui) {
    }

    static SyncJobState created(Cluster cluster) {
        return new SyncJobState(Status.CREATED, null, null, null, null, null, null, null, null, 0, null, cluster);
    }

    /**
     * Whether the job has failed since its last completed checkpoint: it is restarting or restoring, and what it read
     * since that checkpoint is not in the tables yet.
     */
    public boolean failedSinceLastCheckpoint() {
        return lastFailure != null && (lastCheckpoint == null || lastFailure.at().isAfter(lastCheckpoint.completedAt()));
    }

    public boolean isRunning() {
        return status == Status.RUNNING;
    }
}
