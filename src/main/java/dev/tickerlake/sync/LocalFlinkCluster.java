package dev.tickerlake.sync;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.tickerlake.support.S3Settings;
import dev.tickerlake.sync.SyncJobState.Checkpoint;
import dev.tickerlake.sync.SyncJobState.Cluster;
import dev.tickerlake.sync.SyncJobState.Failure;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink MiniCluster in this JVM that runs tickerlake's streaming jobs, with Flink's S3 filesystem loaded as a
 * plugin so checkpoints and savepoints can live on {@code s3://}. Jobs are submitted through
 * {@link #environment(Configuration)}: {@code executeAsync} on that environment lands on this cluster, which outlives
 * the jobs, so a job can be stopped and started again without restarting Flink.
 */
public final class LocalFlinkCluster implements FlinkCluster {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);
    private static final String EXECUTOR_NAME = "tickerlake-minicluster";
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final S3Settings s3;
    private final Path localDir;
    private final int slots;
    private final Integer restPort;
    private MiniCluster miniCluster;
    /** Known once started, read without the lock a start holds. */
    private volatile String restAddress;

    /**
     * @param s3       S3 server for Flink's {@code s3://} filesystem (checkpoints, savepoints)
     * @param localDir where the S3 plugin is unpacked and Flink keeps temporary files
     * @param slots    task slots; a job needs as many as its parallelism
     * @param restPort port of Flink's REST API on 127.0.0.1, or {@code null} for a random one
     */
    public LocalFlinkCluster(S3Settings s3, Path localDir, int slots, Integer restPort) {
        this.s3 = s3;
        this.localDir = localDir.toAbsolutePath().normalize();
        this.slots = slots;
        this.restPort = restPort;
    }

    /** A cluster sized for one sync job. */
    public static LocalFlinkCluster forJob(SyncJobSettings settings) {
        return new LocalFlinkCluster(settings.s3(), settings.localDir(), settings.parallelism(), settings.restPort());
    }

    @Override
    public synchronized void start() throws Exception {
        if (miniCluster != null) {
            return;
        }
        FlinkS3Plugin.initialize(s3, localDir);
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        // Every listener on the loopback interface only.
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.BIND_PORT, restPort == null ? "0" : String.valueOf(restPort));
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        Path tmp = Files.createDirectories(localDir.resolve("flink-tmp"));
        conf.set(CoreOptions.TMP_DIRS, tmp.toString());
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .setCommonBindAddress(LOOPBACK)
                .build());
        cluster.start();
        miniCluster = cluster;
        restAddress = cluster.getRestAddress().get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).toString();
        LOG.info("Flink MiniCluster started ({} slots, REST API on {})", slots, restAddress);
    }

    /**
     * A streaming environment whose jobs run on this cluster. {@code jobConf} carries the job's settings
     * (checkpointing, restarts, {@code execution.savepoint.path} to restore from, ...).
     */
    @Override
    public StreamExecutionEnvironment environment(Configuration jobConf) {
        MiniCluster cluster = requireStarted();
        Configuration conf = new Configuration(jobConf);
        conf.set(DeploymentOptions.TARGET, EXECUTOR_NAME);
        conf.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(new SubmitToCluster(cluster), conf,
                Thread.currentThread().getContextClassLoader());
    }

    @Override
    public CompletableFuture<JobResult> jobResult(JobID jobId) {
        return requireStarted().requestJobResult(jobId);
    }

    @Override
    public Optional<JobStatus> status(JobID jobId) {
        return FlinkCluster.ask(() -> requireStarted().getJobStatus(jobId)
                .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public Optional<Checkpoint> latestCompletedCheckpoint(JobID jobId) {
        return FlinkCluster.ask(() -> {
            CheckpointStatsSnapshot stats = executionGraph(jobId).getCheckpointStatsSnapshot();
            CompletedCheckpointStats latest = stats == null ? null : stats.getHistory().getLatestCompletedCheckpoint();
            return latest == null ? null
                    : new Checkpoint(latest.getCheckpointId(), Instant.ofEpochMilli(latest.getLatestAckTimestamp()));
        });
    }

    /**
     * How often the job was restarted after a failure: every restart of a task runs a new execution attempt, so the
     * highest attempt number of any task counts the restarts (Flink keeps no such counter outside its metrics).
     */
    @Override
    public int restarts(JobID jobId) {
        return FlinkCluster.ask(() -> {
            int restarts = 0;
            for (AccessExecutionVertex vertex : executionGraph(jobId).getAllExecutionVertices()) {
                restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
            }
            return restarts;
        }).orElse(0);
    }

    /**
     * The job's latest failure as Flink's web UI shows it ("root exception"): kept after the job restarted, replaced
     * by the next failure.
     */
    @Override
    public Optional<Failure> lastFailure(JobID jobId) {
        return FlinkCluster.ask(() -> {
            ErrorInfo info = executionGraph(jobId).getFailureInfo();
            return info == null ? null
                    : new Failure(SyncJob.describe(info.getException()), Instant.ofEpochMilli(info.getTimestamp()));
        });
    }

    private AccessExecutionGraph executionGraph(JobID jobId) throws Exception {
        return requireStarted().getExecutionGraph(jobId).get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where Flink's REST API answers, e.g. {@code http://127.0.0.1:8081}. */
    public URI restAddress() throws Exception {
        return requireStarted().getRestAddress().get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** None: a MiniCluster ends with the JVM that ran it, so no job of an earlier tickerlake can still run on it. */
    @Override
    public List<RunningJob> runningJobs(String name) {
        return List.of();
    }

    @Override
    public JobClient client(JobID jobId) {
        throw new UnsupportedOperationException("a MiniCluster's jobs are always submitted by this tickerlake");
    }

    /** The REST address once started; no web UI (flink-runtime-web is not on tickerlake's classpath). */
    @Override
    public Cluster describe(JobID jobId) {
        return new Cluster("embedded", restAddress, null);
    }

    @Override
    public synchronized void close() throws Exception {
        if (miniCluster == null) {
            return;
        }
        long stopping = System.nanoTime();
        miniCluster.close();
        miniCluster = null;
        restAddress = null;
        LOG.info("Flink MiniCluster stopped in {} ms", (System.nanoTime() - stopping) / 1_000_000);
    }

    private synchronized MiniCluster requireStarted() {
        if (miniCluster == null) {
            throw new IllegalStateException("the Flink cluster is not started");
        }
        return miniCluster;
    }

    /** Hands {@code executeAsync} pipelines to this MiniCluster instead of starting a cluster per job. */
    private record SubmitToCluster(MiniCluster cluster)
            implements PipelineExecutorServiceLoader, PipelineExecutorFactory, PipelineExecutor {

        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return this;
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(EXECUTOR_NAME);
        }

        @Override
        public String getName() {
            return EXECUTOR_NAME;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return EXECUTOR_NAME.equals(configuration.get(DeploymentOptions.TARGET));
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            return this;
        }

        @Override
        public CompletableFuture<JobClient> execute(org.apache.flink.api.dag.Pipeline pipeline,
                Configuration configuration, ClassLoader userCodeClassloader) throws Exception {
            var jobGraph = PipelineExecutorUtils.getJobGraph(pipeline, configuration, userCodeClassloader);
            return cluster.submitJob(jobGraph).thenApply(submitted -> new MiniClusterJobClient(submitted.getJobID(),
                    cluster, userCodeClassloader, MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
        }
    }
}
