package dev.tickerlake.sync;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.tickerlake.sync.SyncJobState.Checkpoint;
import dev.tickerlake.sync.SyncJobState.Cluster;
import dev.tickerlake.sync.SyncJobState.Failure;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where the sync job runs: a MiniCluster in this JVM ({@link LocalFlinkCluster}) or a Flink session cluster reached
 * through its REST API ({@link RemoteFlinkCluster}). {@link SyncJob} keeps the same lifecycle on both.
 */
interface FlinkCluster extends AutoCloseable {

    /**
     * Starts the MiniCluster, or connects to the session cluster.
     *
     * @throws FlinkClusterUnreachableException when the session cluster does not answer (worth retrying)
     */
    void start() throws Exception;

    /** A streaming environment whose {@code executeAsync} submits to this cluster, with the job's settings. */
    StreamExecutionEnvironment environment(Configuration jobConf) throws Exception;

    /** The jobs of this name the cluster runs (not ended), oldest first: a job a previous tickerlake left running. */
    List<RunningJob> runningJobs(String name) throws Exception;

    /** A client for a job this tickerlake did not submit itself (adopted). */
    JobClient client(JobID jobId);

    /** The job's final result, once it reaches a terminal state (finished, cancelled, failed). */
    CompletableFuture<JobResult> jobResult(JobID jobId);

    /** The job's current Flink status, if the cluster knows the job and answers. */
    Optional<JobStatus> status(JobID jobId);

    /** The job's latest completed checkpoint (savepoints included), if any completed. */
    Optional<Checkpoint> latestCompletedCheckpoint(JobID jobId);

    /** How often the job was restarted after a failure. */
    int restarts(JobID jobId);

    /** The job's latest failure (root cause first), kept after the job restarted, replaced by the next failure. */
    Optional<Failure> lastFailure(JobID jobId);

    /** The mode, REST address and web UI link, for the job when {@code jobId} is not null. */
    Cluster describe(JobID jobId);

    /** A job running on the cluster and when it was submitted. */
    record RunningJob(JobID id, Instant startedAt) {
    }

    /**
     * What {@code query} answers, or empty when the cluster does not (not started, unreachable, the job unknown): the
     * state then shows what was known before.
     */
    static <T> Optional<T> ask(Query<T> query) {
        try {
            return Optional.ofNullable(query.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** A question to the cluster. */
    @FunctionalInterface
    interface Query<T> {
        T get() throws Exception;
    }
}
