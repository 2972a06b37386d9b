package dev.tickerlake.sync;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.tickerlake.support.S3Settings;
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
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
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
public final class LocalFlinkCluster implements AutoCloseable {

    /** Where the build puts Flink's S3 plugin jar among the classpath resources (see the pom). */
    static final String S3_PLUGIN_RESOURCE = "flink-plugins/s3-fs-hadoop/flink-s3-fs-hadoop.jar";

    private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);
    private static final String EXECUTOR_NAME = "tickerlake-minicluster";
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final S3Settings s3;
    private final Path localDir;
    private final int slots;
    private final Integer restPort;
    private MiniCluster miniCluster;

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

    public synchronized void start() throws Exception {
        if (miniCluster != null) {
            return;
        }
        initializeFileSystems();
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
        LOG.info("Flink MiniCluster started ({} slots, REST API on {})", slots,
                cluster.getRestAddress().get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * A streaming environment whose jobs run on this cluster. {@code jobConf} carries the job's settings
     * (checkpointing, restarts, {@code execution.savepoint.path} to restore from, ...).
     */
    public StreamExecutionEnvironment environment(Configuration jobConf) {
        MiniCluster cluster = requireStarted();
        Configuration conf = new Configuration(jobConf);
        conf.set(DeploymentOptions.TARGET, EXECUTOR_NAME);
        conf.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(new SubmitToCluster(cluster), conf,
                Thread.currentThread().getContextClassLoader());
    }

    /** The job's final result, once it reaches a terminal state (finished, cancelled, failed). */
    public CompletableFuture<JobResult> jobResult(JobID jobId) {
        return requireStarted().requestJobResult(jobId);
    }

    /** The job's current Flink status, if the cluster still knows the job. */
    public Optional<JobStatus> status(JobID jobId) {
        try {
            return Optional.of(requireStarted().getJobStatus(jobId)
                    .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The job's latest completed checkpoint (savepoints included), if any completed. */
    public Optional<CompletedCheckpointStats> latestCompletedCheckpoint(JobID jobId) {
        try {
            AccessExecutionGraph graph = requireStarted().getExecutionGraph(jobId)
                    .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
            return stats == null
                    ? Optional.empty()
                    : Optional.ofNullable(stats.getHistory().getLatestCompletedCheckpoint());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * How often the job was restarted after a failure: every restart of a task runs a new execution attempt, so the
     * highest attempt number of any task counts the restarts (Flink keeps no such counter outside its metrics).
     */
    public int restarts(JobID jobId) {
        try {
            AccessExecutionGraph graph = requireStarted().getExecutionGraph(jobId)
                    .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            int restarts = 0;
            for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
                restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
            }
            return restarts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            return 0;
        }
    }

    /**
     * The job's latest failure as Flink's web UI shows it ("root exception"): kept after the job restarted, replaced
     * by the next failure.
     */
    public Optional<ErrorInfo> lastFailure(JobID jobId) {
        try {
            AccessExecutionGraph graph = requireStarted().getExecutionGraph(jobId)
                    .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.ofNullable(graph.getFailureInfo());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Where Flink's REST API answers, e.g. {@code http://127.0.0.1:8081}. */
    public URI restAddress() throws Exception {
        return requireStarted().getRestAddress().get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() throws Exception {
        if (miniCluster == null) {
            return;
        }
        miniCluster.close();
        miniCluster = null;
        LOG.info("Flink MiniCluster stopped");
    }

    private synchronized MiniCluster requireStarted() {
        if (miniCluster == null) {
            throw new IllegalStateException("the Flink cluster is not started");
        }
        return miniCluster;
    }

    /**
     * Flink's S3 filesystem must be a plugin (its own class loader): on the main classpath its unrelocated Jackson
     * breaks the Kafka broker. The jar ships as a classpath resource and is unpacked under the local directory.
     * Flink's file systems are JVM-wide, so the last cluster started decides the S3 settings of {@code s3://}.
     */
    private void initializeFileSystems() throws IOException {
        Path pluginsRoot = localDir.resolve("flink-plugins");
        Path pluginJar = pluginsRoot.resolve("s3-fs-hadoop").resolve("flink-s3-fs-hadoop.jar");
        unpackPlugin(pluginJar);
        // The plugin's AWS SDK v1 otherwise prints a multi-line deprecation notice with a stack trace to stderr.
        if (System.getProperty("aws.java.v1.disableDeprecationAnnouncement") == null) {
            System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        }
        Configuration conf = new Configuration();
        s3.options().forEach(conf::setString);
        // PluginUtils.createPluginManagerFromRootFolder reads the root only from the FLINK_PLUGINS_DIR environment
        // variable, which a running JVM cannot set; the same manager is built here from an explicit root.
        DefaultPluginManager plugins = new DefaultPluginManager(
                new DirectoryBasedPluginFinder(pluginsRoot).findPlugins(),
                CoreOptions.getPluginParentFirstLoaderPatterns(conf));
        FileSystem.initialize(conf, plugins);
    }

    private static void unpackPlugin(Path target) throws IOException {
        ClassLoader loader = LocalFlinkCluster.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(S3_PLUGIN_RESOURCE)) {
            if (in == null) {
                throw new IOException("Flink's S3 plugin is missing from the classpath (" + S3_PLUGIN_RESOURCE
                        + "); the build copies it there at process-resources");
            }
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            long size = Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            if (Files.exists(target) && Files.size(target) == size) {
                Files.delete(partial);
            } else {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
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
