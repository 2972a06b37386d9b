package dev.tickerlake.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.tickerlake.support.S3Settings;
import dev.tickerlake.sync.SyncJobState.Checkpoint;
import dev.tickerlake.sync.SyncJobState.Cluster;
import dev.tickerlake.sync.SyncJobState.Failure;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.ClusterClientJobClientAdapter;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.messages.FlinkJobNotFoundException;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobExceptionsHeaders;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobExceptionsMessageParameters;
import org.apache.flink.runtime.rest.messages.job.metrics.JobMetricsHeaders;
import org.apache.flink.runtime.rest.messages.job.metrics.JobMetricsMessageParameters;
import org.apache.flink.runtime.rest.messages.job.metrics.Metric;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink session cluster reached through its JobManager's REST API (Flink's own client, {@code flink-clients}): jobs
 * are submitted with the job jar shipped alongside, and found, watched, stopped and cancelled over REST. The cluster
 * outlives tickerlake, so a job it already runs can be adopted; closing only closes the client.
 */
final class RemoteFlinkCluster implements FlinkCluster {

    /** The file the build makes next to tickerlake's jar (target/ in a build, /opt/tickerlake in the image). */
    static final String JOB_JAR_NAME = "tickerlake-flink-job.jar";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteFlinkCluster.class);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
    /** How often a job's result is asked for again after the cluster stopped answering. */
    private static final Duration RESULT_RETRY = Duration.ofSeconds(5);
    private static final Pattern CAUSED_BY = Pattern.compile("(?m)^Caused by: ([\\w.$]+)(?::\\s*(.*))?$");

    private final String host;
    private final int port;
    private final S3Settings s3;
    private final Path localDir;
    private final Path jobJar;
    private RestClusterClient<StandaloneClusterId> client;
    private volatile boolean closed;

    RemoteFlinkCluster(SyncJobSettings settings) {
        String[] hostPort = settings.jobManager().split(":");
        this.host = hostPort[0];
        this.port = Integer.parseInt(hostPort[1]);
        this.s3 = settings.s3();
        this.localDir = settings.localDir();
        this.jobJar = settings.jobJar() != null ? settings.jobJar().toAbsolutePath().normalize() : defaultJobJar();
    }

    /**
     * Connects: the job jar must exist (a setup error, not retried), the cluster must answer (else
     * {@link FlinkClusterUnreachableException}, retried by the route).
     */
    @Override
    public synchronized void start() throws Exception {
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalStateException("the job jar " + jobJar + " is missing (tickerlake.flink.job-jar; the build "
                    + "makes target/" + JOB_JAR_NAME + ")");
        }
        if (client == null) {
            // The restore point (a savepoint's or retained checkpoint's _metadata on s3://) is found from this JVM.
            FlinkS3Plugin.initialize(s3, localDir);
            client = new RestClusterClient<>(clientConfiguration(), StandaloneClusterId.getInstance());
        }
        try {
            client.listJobs().get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new FlinkClusterUnreachableException("the Flink cluster at " + address() + " does not answer ("
                    + SyncJob.rootCause(e) + ")", e);
        }
    }

    /** A remote environment on this cluster that ships the job jar with the job. */
    @Override
    public StreamExecutionEnvironment environment(Configuration jobConf) {
        Configuration conf = new Configuration(jobConf);
        conf.addAll(clientConfiguration());
        return StreamExecutionEnvironment.createRemoteEnvironment(host, port, conf, jobJar.toString());
    }

    @Override
    public List<RunningJob> runningJobs(String name) throws Exception {
        return requireClient().listJobs().get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(job -> name.equals(job.getJobName()) && !job.getJobState().isGloballyTerminalState())
                .map(job -> new RunningJob(job.getJobId(), Instant.ofEpochMilli(job.getStartTime())))
                .sorted(Comparator.comparing(RunningJob::startedAt))
                .toList();
    }

    /** Each call of the adapter opens (and closes) a client of its own. */
    @Override
    public JobClient client(JobID jobId) {
        return new ClusterClientJobClientAdapter<>(() -> {
            try {
                return new RestClusterClient<>(clientConfiguration(), StandaloneClusterId.getInstance());
            } catch (Exception e) {
                throw new IllegalStateException("cannot create a client for the Flink cluster at " + address(), e);
            }
        }, jobId, RemoteFlinkCluster.class.getClassLoader());
    }

    /**
     * The job's result; while the cluster does not answer, asked again every few seconds (the job runs on without
     * tickerlake). Fails when the cluster answers that it does not know the job.
     */
    @Override
    public CompletableFuture<JobResult> jobResult(JobID jobId) {
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        awaitResult(jobId, result, false);
        return result;
    }

    private void awaitResult(JobID jobId, CompletableFuture<JobResult> result, boolean retrying) {
        if (closed) {
            result.completeExceptionally(new IllegalStateException("tickerlake stopped watching the job"));
            return;
        }
        requireClient().requestJobResult(jobId).whenComplete((answer, error) -> {
            if (error == null) {
                result.complete(answer);
            } else if (closed || ExceptionUtils.findThrowable(error, FlinkJobNotFoundException.class).isPresent()) {
                result.completeExceptionally(error);
            } else {
                if (!retrying) {
                    LOG.warn("Sync job {}: the Flink cluster at {} does not answer ({}); asking again every {} s",
                            jobId, address(), SyncJob.rootCause(error), RESULT_RETRY.toSeconds());
                }
                CompletableFuture.delayedExecutor(RESULT_RETRY.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> awaitResult(jobId, result, true));
            }
        });
    }

    @Override
    public Optional<JobStatus> status(JobID jobId) {
        return FlinkCluster.ask(() -> requireClient().getJobStatus(jobId)
                .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public Optional<Checkpoint> latestCompletedCheckpoint(JobID jobId) {
        return FlinkCluster.ask(() -> {
            CheckpointingStatisticsHeaders headers = CheckpointingStatisticsHeaders.getInstance();
            var parameters = headers.getUnresolvedMessageParameters();
            parameters.jobPathParameter.resolve(jobId);
            CheckpointingStatistics.LatestCheckpoints latest = requireClient()
                    .sendRequest(headers, parameters, EmptyRequestBody.getInstance())
                    .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getLatestCheckpoints();
            return latest == null ? null
                    : Stream.of(latest.getCompletedCheckpointStatistics(), latest.getSavepointStatistics())
                            .filter(Objects::nonNull)
                            .max(Comparator.comparingLong(CheckpointStatistics::getId))
                            .map(newest -> new Checkpoint(newest.getId(),
                                    Instant.ofEpochMilli(newest.getLatestAckTimestamp())))
                            .orElse(null);
        });
    }

    /** Flink's own {@code numRestarts} job metric (the JobManager refreshes what REST reports every few seconds). */
    @Override
    public int restarts(JobID jobId) {
        return FlinkCluster.ask(() -> {
            JobMetricsMessageParameters parameters = new JobMetricsMessageParameters();
            parameters.jobPathParameter.resolve(jobId);
            parameters.metricsFilterParameter.resolve(List.of("numRestarts"));
            return requireClient()
                    .sendRequest(JobMetricsHeaders.getInstance(), parameters, EmptyRequestBody.getInstance())
                    .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .getMetrics().stream()
                    .map(Metric::getValue)
                    .filter(value -> value != null && !value.isBlank())
                    .map(value -> (int) Double.parseDouble(value))
                    .findFirst().orElse(null);
        }).orElse(0);
    }

    /** The newest entry of the job's exception history, as Flink's web UI shows it. */
    @Override
    public Optional<Failure> lastFailure(JobID jobId) {
        return FlinkCluster.ask(() -> {
            JobExceptionsMessageParameters parameters = new JobExceptionsMessageParameters();
            parameters.jobPathParameter.resolve(jobId);
            return requireClient()
                    .sendRequest(JobExceptionsHeaders.getInstance(), parameters, EmptyRequestBody.getInstance())
                    .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .getExceptionHistory().getEntries().stream()
                    .max(Comparator.comparingLong(JobExceptionsInfoWithHistory.ExceptionInfo::getTimestamp))
                    .map(entry -> new Failure(describeStackTrace(entry.getExceptionName(), entry.getStacktrace()),
                            Instant.ofEpochMilli(entry.getTimestamp())))
                    .orElse(null);
        });
    }

    @Override
    public Cluster describe(JobID jobId) {
        String address = "http://" + address();
        return new Cluster("remote", address,
                jobId == null ? address + "/#/overview" : address + "/#/job/running/" + jobId + "/overview");
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** {@code host:port} of the JobManager's REST API. */
    String address() {
        return host + ":" + port;
    }

    Path jobJar() {
        return jobJar;
    }

    /**
     * The same one-line form as {@link SyncJob#describe} ({@code RootType: message (top message)}) from the text Flink
     * keeps: the last {@code Caused by:} is the root cause, the first line the failure itself.
     */
    static String describeStackTrace(String exceptionName, String stackTrace) {
        if (stackTrace == null || stackTrace.isBlank()) {
            return exceptionName;
        }
        String firstLine = stackTrace.lines().findFirst().orElse(exceptionName);
        String rootType = null;
        String rootMessage = null;
        Matcher causedBy = CAUSED_BY.matcher(stackTrace);
        while (causedBy.find()) {
            rootType = causedBy.group(1);
            rootMessage = causedBy.group(2);
        }
        if (rootType == null) {
            int colon = firstLine.indexOf(':');
            rootType = colon < 0 ? firstLine.trim() : firstLine.substring(0, colon).trim();
            rootMessage = colon < 0 ? null : firstLine.substring(colon + 1).trim();
            return simpleName(rootType) + ": " + rootMessage;
        }
        String text = simpleName(rootType) + ": " + rootMessage;
        int colon = firstLine.indexOf(':');
        String topMessage = colon < 0 ? null : firstLine.substring(colon + 1).trim();
        if (topMessage != null && !topMessage.isEmpty() && !topMessage.equals(rootMessage)) {
            text += " (" + topMessage + ")";
        }
        return text;
    }

    private static String simpleName(String typeName) {
        return typeName.substring(typeName.lastIndexOf('.') + 1);
    }

    private synchronized RestClusterClient<StandaloneClusterId> requireClient() {
        if (client == null) {
            throw new IllegalStateException("not connected to the Flink cluster at " + address());
        }
        return client;
    }

    /**
     * Flink's client retries a refused call 20 times 3 s apart by default: a minute before an unreachable cluster is
     * reported. Two tries a second apart make the start's answer (and its back-off) the route's to decide.
     */
    private Configuration clientConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, host);
        conf.set(RestOptions.PORT, port);
        conf.set(RestOptions.RETRY_MAX_ATTEMPTS, 2);
        conf.set(RestOptions.RETRY_DELAY, Duration.ofSeconds(1));
        conf.set(RestOptions.CONNECTION_TIMEOUT, Duration.ofSeconds(5));
        return conf;
    }

    /** {@value #JOB_JAR_NAME} beside the jar (or classes directory) tickerlake runs from. */
    private static Path defaultJobJar() {
        try {
            Path code = Path.of(RemoteFlinkCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve(JOB_JAR_NAME);
        } catch (Exception e) {
            return Path.of(JOB_JAR_NAME).toAbsolutePath();
        }
    }
}
