package dev.tickerlake.sync;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.tickerlake.support.Errors;
import dev.tickerlake.sync.FlinkCluster.RunningJob;
import dev.tickerlake.sync.SyncJobState.Checkpoint;
import dev.tickerlake.sync.SyncJobState.Failure;
import dev.tickerlake.sync.SyncJobState.Status;
import dev.tickerlake.sync.kryo.CdcMultiplexRecordSerializer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RestoreMode;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.clusterframework.ApplicationStatus;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.paimon.factories.FactoryUtil;
import org.apache.paimon.flink.action.Action;
import org.apache.paimon.flink.action.ActionBase;
import org.apache.paimon.flink.action.ActionFactory;
import org.apache.paimon.flink.action.MultipleParameterToolAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paimon's {@code kafka_sync_database} action as a long-running job, on a Flink MiniCluster in this JVM or on a Flink
 * session cluster (tickerlake.flink.mode): reads the canal-json CDC topic and keeps one Paimon primary-key table per
 * envelope table, committing a snapshot per checkpoint. Stops with a savepoint, resumes from the savepoint or from the
 * last retained checkpoint, and can start fresh (ignoring both) after a rollback. On a session cluster, a job of the
 * same name that is still running (its tickerlake died) is adopted rather than submitted again.
 */
public final class SyncJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncJob.class);
    private static final String ACTION = "kafka_sync_database";
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);

    private final SyncJobSettings settings;
    private final FlinkCluster cluster;
    private final boolean ownsCluster;
    private final java.nio.file.Path pointerFile;
    private volatile Run run;

    /**
     * A sync job on its own MiniCluster, or (remote mode) on the session cluster of the settings, started with the
     * first {@link #start()}.
     */
    public SyncJob(SyncJobSettings settings) {
        this(settings, settings.flinkMode() == SyncJobSettings.FlinkMode.REMOTE
                ? new RemoteFlinkCluster(settings) : LocalFlinkCluster.forJob(settings), true);
    }

    /** A sync job on a cluster shared with other jobs; {@link #close()} leaves the cluster running. */
    public SyncJob(SyncJobSettings settings, LocalFlinkCluster sharedCluster) {
        this(settings, sharedCluster, false);
    }

    private SyncJob(SyncJobSettings settings, FlinkCluster cluster, boolean ownsCluster) {
        this.settings = settings;
        this.cluster = cluster;
        this.ownsCluster = ownsCluster;
        String fileName = "restore-" + settings.jobName().replaceAll("[^A-Za-z0-9_.-]", "_") + ".properties";
        this.pointerFile = settings.localDir().resolve(fileName);
    }

    public SyncJobSettings settings() {
        return settings;
    }

    /**
     * Submits the job and returns without waiting for it: restored from the savepoint the last job stopped with,
     * else from the last job's latest retained checkpoint, else from what the last job itself restored, else fresh
     * from the consumer group's committed offsets. A savepoint or checkpoint the restore pointer names but that is
     * gone is a WARN and shows in {@link SyncJobState#resumedFrom()} and {@link SyncJobState#missingRestorePoint()}.
     * Does nothing while a job is running; adopts the job of this name a session cluster still runs. A job that
     * cannot be submitted ends FAILED with its cause.
     *
     * @throws FlinkClusterUnreachableException when the session cluster does not answer; the state is WAITING
     */
    public synchronized SyncJobState start() {
        if (isRunning()) {
            LOG.info("Sync job {} is already running", run.jobId);
            return state();
        }
        try {
            cluster.start();
            Optional<RunningJob> left = oldestRunning();
            if (left.isPresent()) {
                return adopt(left.get());
            }
            ResumePoint resume = resumePoint(RestorePointer.load(pointerFile));
            StartPosition committed = StartPosition.committed();
            if (resume.missing() == null) {
                String resumedFrom = resume.path() != null ? resume.path() : "fresh from " + committed;
                return launch(resume.path(), committed, resumedFrom, null);
            }
            String resumedFrom = "missing " + resume.missing() + ": "
                    + (resume.path() != null ? "resumed from " + resume.path() : "started from " + committed);
            // Nothing is lost: what the lost point covered beyond the last offset commit is read again (the keyed
            // tables take it as the same upserts), but an operator should know.
            LOG.warn("Sync job: the restore point names a {} that is gone; {}", resume.missing(), resume.path() != null
                    ? "resuming from " + resume.path() + " instead"
                    : "starting fresh from the committed offsets of consumer group " + settings.consumerGroup()
                            + " (records after them are read again)");
            return launch(resume.path(), committed, resumedFrom, resume.missing());
        } catch (FlinkClusterUnreachableException e) {
            throw waiting(e);
        } catch (Exception e) {
            return launchFailed(e);
        }
    }

    /**
     * Submits the job without restoring any savepoint or checkpoint (after a rollback, whose removed files an old
     * savepoint may still name), reading the topic from {@code from}. Does nothing while a job is running (one a
     * session cluster still runs is adopted instead).
     *
     * @throws FlinkClusterUnreachableException when the session cluster does not answer; the state is WAITING
     */
    public synchronized SyncJobState startFresh(StartPosition from) {
        if (isRunning()) {
            LOG.info("Sync job {} is already running; stop it before starting fresh", run.jobId);
            return state();
        }
        try {
            cluster.start();
            Optional<RunningJob> left = oldestRunning();
            if (left.isPresent()) {
                LOG.info("Sync job {} still runs on the Flink cluster; adopted instead of starting fresh: stop it "
                        + "first", left.get().id());
                return adopt(left.get());
            }
            return launch(null, from, "fresh from " + from, null);
        } catch (FlinkClusterUnreachableException e) {
            throw waiting(e);
        } catch (Exception e) {
            return launchFailed(e);
        }
    }

    /**
     * The paimon-sync route's start, retried while the cluster does not answer: {@link #start()}, unless a stop was
     * asked for while it waited (then the job stays STOPPED until {@link #start()} is called).
     */
    public synchronized SyncJobState startUnlessStopped() {
        Run current = run;
        if (current != null && current.status == Status.STOPPED && current.jobId == null) {
            LOG.info("Sync job not started: it was stopped while waiting for the Flink cluster; POST /api/sync/start "
                    + "starts it");
            return state();
        }
        return start();
    }

    /** {@link #startFresh(StartPosition)} with the admin API's {@code from}: blank, {@code earliest} or epoch ms. */
    public SyncJobState startFresh(String from) {
        return startFresh(StartPosition.parse(from));
    }

    /** {@link #stopWithSavepoint(Duration)} with the configured savepoint timeout. */
    public SyncJobState stopWithSavepoint() {
        return stopWithSavepoint(settings.savepointTimeout());
    }

    /**
     * Stops the job with a savepoint that the next {@link #start()} resumes from. When the savepoint does not
     * complete within {@code timeout}, cancels the job instead; the next start then resumes from its last retained
     * checkpoint. Returns once the job has ended.
     */
    public synchronized SyncJobState stopWithSavepoint(Duration timeout) {
        Run current = run;
        if (!isRunning()) {
            return stopWaiting();
        }
        long stopping = System.nanoTime();
        try {
            String savepoint = current.client
                    .stopWithSavepoint(false, settings.savepointDir(), SavepointFormatType.CANONICAL)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            current.savepoint = savepoint;
            RestorePointer.load(pointerFile).recordSavepoint(current.jobId.toString(), savepoint);
            awaitEnd(current, CANCEL_TIMEOUT);
            LOG.info("Sync job {} stopped with savepoint {} in {} ms", current.jobId, savepoint,
                    (System.nanoTime() - stopping) / 1_000_000);
            return state();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the sync job", e);
        } catch (TimeoutException e) {
            LOG.warn("Sync job {}: no savepoint within {}; cancelling, the next start resumes from its last "
                    + "retained checkpoint", current.jobId, timeout);
        } catch (Exception e) {
            LOG.warn("Sync job {}: savepoint failed ({}); cancelling, the next start resumes from its last retained "
                    + "checkpoint", current.jobId, rootCause(e));
        }
        return cancel();
    }

    /** Cancels the job without a savepoint; the next {@link #start()} resumes from its last retained checkpoint. */
    public synchronized SyncJobState cancel() {
        Run current = run;
        if (!isRunning()) {
            return stopWaiting();
        }
        try {
            current.client.cancel().get(CANCEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitEnd(current, CANCEL_TIMEOUT);
            LOG.info("Sync job {} cancelled", current.jobId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while cancelling the sync job", e);
        } catch (Exception e) {
            // The job may have ended on its own meanwhile; its state says how.
            LOG.warn("Sync job {}: cancel did not complete ({})", current.jobId, rootCause(e));
        }
        return state();
    }

    /** The current or last job's state, with its last completed checkpoint. */
    public SyncJobState state() {
        Run current = run;
        if (current == null) {
            return SyncJobState.created(cluster.describe(null));
        }
        String flinkStatus = null;
        if (current.jobId != null) {
            if (current.status == Status.RUNNING) {
                cluster.latestCompletedCheckpoint(current.jobId).ifPresent(checkpoint -> current.lastCheckpoint =
                        checkpoint);
            }
            flinkStatus = cluster.status(current.jobId).map(Enum::name).orElse(null);
            if (current.status == Status.RUNNING) {
                current.restarts = cluster.restarts(current.jobId);
                cluster.lastFailure(current.jobId).ifPresent(failure -> current.lastFailure = failure);
            }
        }
        return new SyncJobState(current.status, current.jobId == null ? null : current.jobId.toString(), flinkStatus,
                current.startedAt, current.resumedFrom, current.missingRestorePoint, current.lastCheckpoint,
                current.savepoint, current.failureCause, current.restarts, current.lastFailure,
                cluster.describe(current.jobId));
    }

    public boolean isRunning() {
        Run current = run;
        return current != null && current.status == Status.RUNNING;
    }

    /**
     * Runs {@code work} holding the job's lock, the one {@link #start()}, {@link #stopWithSavepoint()} and
     * {@link #cancel()} take: none of them runs meanwhile (a start waits, then sees what {@code work} left). For a table
     * rollback, which must check that the job is stopped, forget the restore point and change the table as one step.
     */
    public synchronized <T> T exclusively(Supplier<T> work) {
        return work.get();
    }

    /**
     * Forgets the savepoint and checkpoint to resume from, so the next {@link #start()} is a fresh job from the
     * committed offsets. Called before a table rollback (inside {@link #exclusively}): the old savepoint may name
     * files the rollback removes, and a crash between the two must not leave it to be resumed.
     */
    public synchronized void forgetRestorePoint() {
        if (isRunning()) {
            throw new IllegalStateException("the sync job is running");
        }
        try {
            java.nio.file.Files.deleteIfExists(pointerFile);
            LOG.info("Sync job restore point forgotten: the next start is a fresh job from the committed offsets");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Stops a running job with a savepoint (bounded), then stops the MiniCluster if this job owns it (of a session
     * cluster, only the client is closed).
     */
    @Override
    public synchronized void close() throws Exception {
        if (isRunning()) {
            stopWithSavepoint(settings.savepointTimeout());
        }
        if (ownsCluster) {
            cluster.close();
        }
    }

    /**
     * Submits the job; {@code resumedFrom} says what it restored (or why nothing), {@code missingRestorePoint} names a
     * restore point that was gone, or is null.
     */
    private SyncJobState launch(String restorePath, StartPosition from, String resumedFrom, String missingRestorePoint)
            throws Exception {
        StreamExecutionEnvironment env = cluster.environment(jobConfiguration(restorePath));
        Action action = createAction(from);
        ((ActionBase) action).withStreamExecutionEnvironment(env);
        action.build();
        JobClient client = env.executeAsync(settings.flinkJobName());
        Run started = new Run(client, resumedFrom, Instant.now());
        started.missingRestorePoint = missingRestorePoint;
        run = started;
        try {
            RestorePointer.load(pointerFile).recordLaunch(started.jobId.toString(), restorePath);
        } catch (IOException e) {
            LOG.warn("Sync job {} runs, but its restore pointer {} could not be written ({}); a later start may "
                    + "resume from an older point", started.jobId, pointerFile, e.getMessage());
        }
        // Async: the callback queries the cluster, which must not happen on one of Flink's own threads.
        cluster.jobResult(started.jobId).whenCompleteAsync((result, error) -> onJobEnded(started, result, error));
        LOG.info("Sync job {} submitted to {}: {} -> {}/{} ({})", started.jobId, where(), settings.topic(),
                settings.warehouse(), settings.database(), restorePath != null && missingRestorePoint == null
                        ? "resuming from " + restorePath : resumedFrom);
        return keepOldestOfName(started);
    }

    /**
     * Two tickerlakes starting at once could both find no job and submit one each: the later one sees two, cancels
     * its own and adopts the older, so one job writes the tables.
     */
    private SyncJobState keepOldestOfName(Run started) throws Exception {
        Optional<RunningJob> oldest;
        try {
            oldest = oldestRunning();
        } catch (Exception e) {
            // The job was submitted and runs: a failed look must not report it FAILED.
            LOG.warn("Sync job {}: could not list the cluster's jobs after the submission ({})", started.jobId,
                    rootCause(e));
            return state();
        }
        if (oldest.isEmpty() || oldest.get().id().equals(started.jobId)) {
            return state();
        }
        LOG.warn("Sync job {}: job {} of the same name was submitted first (another tickerlake?); cancelling this one "
                + "and adopting that one", started.jobId, oldest.get().id());
        cancel();
        return adopt(oldest.get());
    }

    /** The oldest job of this job's name the cluster runs, left by a tickerlake that died without stopping it. */
    private Optional<RunningJob> oldestRunning() throws Exception {
        return cluster.runningJobs(settings.flinkJobName()).stream().findFirst();
    }

    /** Takes over a job the cluster runs: watched, stopped and cancelled as if this tickerlake had submitted it. */
    private SyncJobState adopt(RunningJob job) throws IOException {
        Run adopted = new Run(cluster.client(job.id()), "adopted: already running on " + where(), job.startedAt());
        run = adopted;
        RestorePointer pointer = RestorePointer.load(pointerFile);
        if (!job.id().toString().equals(pointer.lastJobId())) {
            pointer.recordLaunch(job.id().toString(), null);
        }
        cluster.jobResult(adopted.jobId).whenCompleteAsync((result, error) -> onJobEnded(adopted, result, error));
        LOG.info("Sync job {} adopted: it has been running on {} since {}", adopted.jobId, where(), job.startedAt());
        return state();
    }

    /** The state WAITING with why, logged once when it begins; returns {@code unreachable} for the caller to throw. */
    private FlinkClusterUnreachableException waiting(FlinkClusterUnreachableException unreachable) {
        Run previous = run;
        if (previous == null || previous.status != Status.WAITING) {
            LOG.warn("Sync job waiting: {}; the start is retried", unreachable.getMessage());
        }
        Run waiting = new Run(null, null, null);
        waiting.status = Status.WAITING;
        waiting.failureCause = unreachable.getMessage();
        run = waiting;
        return unreachable;
    }

    /** A stop while WAITING: nothing to stop yet, but the route's retries must not start the job afterwards. */
    private SyncJobState stopWaiting() {
        Run current = run;
        if (current != null && current.status == Status.WAITING) {
            current.status = Status.STOPPED;
            LOG.info("Sync job stopped while waiting for the Flink cluster: it is not submitted when the cluster "
                    + "answers; POST /api/sync/start starts it");
        }
        return state();
    }

    /** For log lines: the MiniCluster, or the session cluster's address. */
    private String where() {
        SyncJobState.Cluster where = cluster.describe(null);
        return "embedded".equals(where.mode()) ? "the embedded MiniCluster" : "the Flink cluster at " + where.address();
    }

    private SyncJobState launchFailed(Exception e) {
        Run failed = new Run(null, null, null);
        failed.status = Status.FAILED;
        failed.failureCause = describe(e);
        run = failed;
        LOG.error("Sync job could not be submitted: {}", failed.failureCause);
        return state();
    }

    private void onJobEnded(Run ended, JobResult result, Throwable error) {
        cluster.latestCompletedCheckpoint(ended.jobId).ifPresent(checkpoint -> ended.lastCheckpoint = checkpoint);
        if (error != null) {
            ended.failureCause = describe(error);
            ended.status = Status.FAILED;
        } else if (result.getApplicationStatus() == ApplicationStatus.FAILED
                || result.getApplicationStatus() == ApplicationStatus.UNKNOWN) {
            ended.failureCause = result.getSerializedThrowable()
                    .map(t -> describe(t.deserializeError(SyncJob.class.getClassLoader())))
                    .orElse("the job ended " + result.getApplicationStatus());
            ended.status = Status.FAILED;
        } else {
            ended.status = Status.STOPPED;
        }
        if (ended.status == Status.FAILED) {
            ended.lastFailure = new Failure(ended.failureCause, Instant.now());
            LOG.error("Sync job {} FAILED: {}", ended.jobId, ended.failureCause);
        }
        ended.ended.complete(null);
    }

    private static void awaitEnd(Run current, Duration timeout) throws Exception {
        current.ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Savepoint of the last job, else its latest retained checkpoint, else what it restored itself, else none; with
     * the savepoint (or, when no savepoint was recorded, the restored point) the pointer names but that is gone.
     */
    private ResumePoint resumePoint(RestorePointer pointer) throws IOException {
        String lastJob = pointer.lastJobId();
        if (lastJob == null) {
            return new ResumePoint(null, null);
        }
        String missing = null;
        String savepoint = pointer.lastJobSavepoint();
        if (savepoint != null) {
            if (hasMetadata(savepoint)) {
                return new ResumePoint(savepoint, null);
            }
            missing = "savepoint " + savepoint;
        }
        Optional<String> checkpoint = latestRetainedCheckpoint(lastJob);
        if (checkpoint.isPresent()) {
            return new ResumePoint(checkpoint.get(), missing);
        }
        String restored = pointer.lastJobRestoredFrom();
        if (restored != null) {
            if (hasMetadata(restored)) {
                return new ResumePoint(restored, missing);
            }
            missing = missing != null ? missing : "savepoint or checkpoint " + restored;
        }
        return new ResumePoint(null, missing);
    }

    /** Where a start resumes ({@code path}, null for none) and what the pointer named that is gone (or null). */
    private record ResumePoint(String path, String missing) {
    }

    private Optional<String> latestRetainedCheckpoint(String jobId) throws IOException {
        Path jobDir = new Path(settings.checkpointDir() + "/" + jobId);
        FileSystem fs = jobDir.getFileSystem();
        FileStatus[] entries;
        try {
            entries = fs.listStatus(jobDir);
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
        if (entries == null) {
            return Optional.empty();
        }
        return Arrays.stream(entries)
                .map(FileStatus::getPath)
                .filter(p -> p.getName().matches("chk-\\d+"))
                .sorted((a, b) -> Long.compare(checkpointNumber(b), checkpointNumber(a)))
                .map(Path::toString)
                .filter(SyncJob::hasMetadata)
                .findFirst();
    }

    private static long checkpointNumber(Path path) {
        return Long.parseLong(path.getName().substring("chk-".length()));
    }

    /** Whether a savepoint or checkpoint is complete; an unreachable S3 fails the start rather than skip it. */
    private static boolean hasMetadata(String snapshotDir) {
        try {
            Path metadata = new Path(snapshotDir, "_metadata");
            return metadata.getFileSystem().exists(metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + snapshotDir, e);
        }
    }

    /** Whether Flink's own class loader, the parent of a job's user-code class loader, can load {@code type}. */
    private static boolean flinkSees(Class<?> type) {
        try {
            return Class.forName(type.getName(), false, PipelineOptions.class.getClassLoader()) == type;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private Configuration jobConfiguration(String restorePath) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.NAME, settings.jobName());
        conf.set(CoreOptions.DEFAULT_PARALLELISM, settings.parallelism());
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        // Flink's default (10 minutes) lets one stuck S3 write hold every commit that long; failing the checkpoint
        // fails the job (no tolerated checkpoint failures), which restarts from its last checkpoint.
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, settings.checkpointTimeout());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (settings.objectReuse()) {
            conf.set(PipelineOptions.OBJECT_REUSE, true);
        }
        if (settings.compactCdcSerializer()) {
            if (flinkSees(CdcMultiplexRecordSerializer.class)) {
                conf.set(PipelineOptions.SERIALIZATION_CONFIG, CdcMultiplexRecordSerializer.SERIALIZATION_CONFIG);
            } else {
                // Under `camel run` tickerlake's classes live in a class loader Flink's does not delegate to: the
                // JobMaster would fail with ClassNotFoundException, so the job keeps Kryo's own serializer there.
                LOG.info("Flink's class loader does not see {}: the sync job serializes Paimon's records with Kryo's "
                        + "default serializer", CdcMultiplexRecordSerializer.class.getSimpleName());
            }
        }
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, settings.checkpointDir());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, settings.savepointDir());
        // Never fixed delay: its attempts count over the job's whole life, and Paimon's committer deliberately fails
        // the job once after every restore from a checkpoint (to commit what it restored), so a long-running job would
        // use them up. Exponential delay (Flink's default with checkpointing) rides out an outage of S3 or Kafka of a few
        // minutes and counts only failures in a row; a job that keeps failing (a record it cannot parse) still ends
        // FAILED, with its cause, after restartAttempts. Failure rate ends it FAILED sooner, within one interval.
        switch (settings.restartStrategy()) {
            case EXPONENTIAL_DELAY -> {
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                        settings.restartDelay());
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                        settings.restartMaxDelay());
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                        settings.restartResetAfter());
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                        settings.restartAttempts());
            }
            case FAILURE_RATE -> {
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL,
                        settings.restartAttempts());
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL,
                        settings.restartInterval());
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, settings.restartDelay());
            }
        }
        if (restorePath != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restorePath);
            // The new job owns what it restored: Flink deletes it once a newer checkpoint subsumes it.
            conf.set(StateRecoveryOptions.RESTORE_MODE, RestoreMode.CLAIM);
        }
        return conf;
    }

    /**
     * The action's arguments, as for Paimon's command line. Built through the factory directly rather than
     * {@code ActionFactory.createAction(args)}, which logs every argument, secret key included.
     */
    private Action createAction(StartPosition from) {
        List<String> args = new ArrayList<>(
                List.of("--warehouse", settings.warehouse(), "--database", settings.database()));
        if (!settings.partitionKeys().isEmpty()) {
            args.addAll(List.of("--partition_keys", String.join(",", settings.partitionKeys())));
        }
        if (!settings.typeMapping().isEmpty()) {
            args.addAll(List.of("--type_mapping", String.join(",", settings.typeMapping())));
        }
        kafkaOptions(from).forEach((k, v) -> args.addAll(List.of("--kafka_conf", k + "=" + v)));
        // Paimon's S3 file IO reads these from the catalog options; they are never written into a table.
        settings.s3().options().forEach((k, v) -> args.addAll(List.of("--catalog_conf", k + "=" + v)));
        if (settings.keepDirectoryMarkers()) {
            // Paimon's S3 file IO hands s3.* to Hadoop's S3A as fs.s3a.*
            args.addAll(List.of("--catalog_conf", "s3.directory.marker.retention=keep"));
        }
        settings.tableOptions().forEach((k, v) -> args.addAll(List.of("--table_conf", k + "=" + v)));
        ActionFactory factory =
                FactoryUtil.discoverFactory(ActionFactory.class.getClassLoader(), ActionFactory.class, ACTION);
        return factory.create(new MultipleParameterToolAdapter(args.toArray(String[]::new)))
                .orElseThrow(() -> new IllegalStateException(ACTION + " created no action"));
    }

    private Map<String, String> kafkaOptions(StartPosition from) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("properties.bootstrap.servers", settings.bootstrapServers());
        options.put("topic", settings.topic());
        options.put("properties.group.id", settings.consumerGroup());
        options.put("value.format", "canal-json");
        switch (from.kind()) {
            case COMMITTED -> {
                options.put("scan.startup.mode", "group-offsets");
                options.put("properties.auto.offset.reset", "earliest");
            }
            case EARLIEST -> options.put("scan.startup.mode", "earliest-offset");
            case TIMESTAMP -> {
                options.put("scan.startup.mode", "timestamp");
                options.put("scan.startup.timestamp-millis", String.valueOf(from.timestampMillis()));
            }
        }
        return options;
    }

    /** One line for a log, a health detail and a JSON field: the root cause first (its original type across Flink). */
    static String describe(Throwable error) {
        return Errors.describeRootFirst(error, SyncJob::typeName);
    }

    /** The root cause alone ({@code Type: message}), for a line where the wrappers add nothing. */
    static String rootCause(Throwable error) {
        return Errors.rootCause(error, SyncJob::typeName);
    }

    private static String typeName(Throwable error) {
        return error instanceof org.apache.flink.util.SerializedThrowable serialized
                ? serialized.getOriginalErrorClassName() : error.getClass().getName();
    }

    /** One submitted job (or one failed submission) and what is known about it. */
    private static final class Run {
        final JobClient client;
        final JobID jobId;
        final Instant startedAt;
        final String resumedFrom;
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        volatile Status status = Status.RUNNING;
        volatile Checkpoint lastCheckpoint;
        volatile String missingRestorePoint;
        volatile String savepoint;
        volatile String failureCause;
        volatile int restarts;
        volatile Failure lastFailure;

        Run(JobClient client, String resumedFrom, Instant startedAt) {
            this.client = client;
            this.jobId = client == null ? null : client.getJobID();
            this.resumedFrom = resumedFrom;
            this.startedAt = startedAt;
        }
    }
}
