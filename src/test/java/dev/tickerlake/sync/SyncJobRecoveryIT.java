package dev.tickerlake.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.tickerlake.admin.TablesApi;
import dev.tickerlake.lake.Rollback;
import dev.tickerlake.admin.SyncControl;
import dev.tickerlake.lake.TableMonitor;
import dev.tickerlake.lake.TimeTravelService;
import dev.tickerlake.sync.SyncJobState.Status;
import dev.tickerlake.testing.CapturedLog;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The sync job stops and resumes without losing or repeating a row, whether it stopped with a savepoint, was
 * cancelled, or its savepoint is gone (then it says so); a rollback never lets it resume a pre-rollback savepoint; and a
 * record it cannot parse ends it FAILED with its cause instead of restarting forever.
 */
class SyncJobRecoveryIT extends SyncJobITSupport {

    private static final List<String> TRADE_KEY = List.of("market", "sequential_id", "dt");
    private static final List<String> TICKER_KEY = List.of("market", "dt");

    private static LocalFlinkCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalFlinkCluster(s3Settings, dir.resolve("flink"), 2, null);
        cluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void stoppedWithASavepointMidStreamThenStartedAgainLosesAndRepeatsNothing() throws Exception {
        SyncJobSettings settings = settings("savepoint").build();
        createTopic(settings.topic(), 3);
        ExpectedTables expected = new ExpectedTables();
        TradeStream stream = new TradeStream(settings.topic(), List.of("KRW-BTC", "KRW-ETH"), expected);
        try (SyncJob job = new SyncJob(settings, cluster)) {
            stream.start(50, 100);
            job.start();
            awaitSomeTradesVisible(settings.database());

            SyncJobState stopped = job.stopWithSavepoint(Duration.ofSeconds(60));
            assertThat(stopped.status()).isEqualTo(Status.STOPPED);
            assertThat(stopped.lastSavepoint()).startsWith(settings.savepointDir());
            assertThat(stream.isDone()).as("stopped mid-stream").isFalse();

            SyncJobState resumed = job.start();
            assertThat(resumed.status()).isEqualTo(Status.RUNNING);
            assertThat(resumed.resumedFrom()).isEqualTo(stopped.lastSavepoint());
            assertThat(resumed.jobId()).isNotEqualTo(stopped.jobId());

            stream.awaitMoreSent(1000);
            stream.stop();
            awaitTableEquals(settings.database(), "trade", TRADE_KEY, expected);
            awaitTableEquals(settings.database(), "ticker", TICKER_KEY, expected);
            assertThat(tables.appendedRecords(settings.database(), "trade")).isEqualTo(stream.tradesSent());
        }
        // Tables, checkpoints and savepoints all exist now, at rest; none may carry the S3 secret.
        assertNoObjectContains(s3.secretKey());
    }

    @Test
    void aSavepointOfFlinksDefaultSerializationResumesWithTickerlakesAndBackLosingAndRepeatingNothing()
            throws Exception {
        // An upgrade: a job stopped by a tickerlake with Flink's and S3A's defaults resumes with object reuse, the
        // compact CdcMultiplexRecord serializer and kept directory markers (and a downgrade the other way): no state
        // holds the record, and S3A reads either kind of directory.
        SyncJobSettings stock = settings("serializers").build();
        SyncJobSettings tuned = settings("serializers").objectReuse(true).compactCdcSerializer(true)
                .keepDirectoryMarkers(true).build();
        createTopic(stock.topic(), 3);
        ExpectedTables expected = new ExpectedTables();
        TradeStream stream = new TradeStream(stock.topic(), List.of("KRW-BTC", "KRW-ETH"), expected);
        stream.start(50, 100);
        String savepoint;
        try (SyncJob job = new SyncJob(stock, cluster)) {
            job.start();
            awaitSomeTradesVisible(stock.database());
            savepoint = job.stopWithSavepoint(Duration.ofSeconds(60)).lastSavepoint();
            assertThat(savepoint).startsWith(stock.savepointDir());
        }
        try (SyncJob job = new SyncJob(tuned, cluster)) {
            SyncJobState resumed = job.start();
            assertThat(resumed.status()).isEqualTo(Status.RUNNING);
            assertThat(resumed.resumedFrom()).isEqualTo(savepoint);
            stream.awaitMoreSent(500);
            savepoint = job.stopWithSavepoint(Duration.ofSeconds(60)).lastSavepoint();
            assertThat(savepoint).startsWith(tuned.savepointDir());
        }
        try (SyncJob job = new SyncJob(stock, cluster)) {
            assertThat(job.start().resumedFrom()).isEqualTo(savepoint);
            stream.awaitMoreSent(500);
            stream.stop();
            awaitTableEquals(stock.database(), "trade", TRADE_KEY, expected);
            awaitTableEquals(stock.database(), "ticker", TICKER_KEY, expected);
            assertThat(tables.appendedRecords(stock.database(), "trade")).isEqualTo(stream.tradesSent());
        }
    }

    @Test
    void cancelledWithoutSavepointThenStartedByANewProcessResumesFromTheRetainedCheckpoint() throws Exception {
        SyncJobSettings settings = settings("cancel").build();
        createTopic(settings.topic(), 3);
        ExpectedTables expected = new ExpectedTables();
        TradeStream stream = new TradeStream(settings.topic(), List.of("KRW-XRP", "KRW-SOL", "KRW-ADA"), expected);
        SyncJobState cancelled;
        try (SyncJob job = new SyncJob(settings, cluster)) {
            stream.start(50, 100);
            job.start();
            awaitSomeTradesVisible(settings.database());
            await().atMost(VISIBLE).until(() -> job.state().lastCheckpoint() != null);

            cancelled = job.cancel();
            assertThat(cancelled.status()).isEqualTo(Status.STOPPED);
            assertThat(cancelled.lastSavepoint()).isNull();
            assertThat(stream.isDone()).as("cancelled mid-stream").isFalse();
        }

        try (SyncJob restarted = new SyncJob(settings, cluster)) {
            SyncJobState resumed = restarted.start();
            assertThat(resumed.status()).isEqualTo(Status.RUNNING);
            assertThat(resumed.resumedFrom()).startsWith(settings.checkpointDir() + "/" + cancelled.jobId() + "/chk-");

            stream.awaitMoreSent(1000);
            stream.stop();
            awaitTableEquals(settings.database(), "trade", TRADE_KEY, expected);
            awaitTableEquals(settings.database(), "ticker", TICKER_KEY, expected);
            assertThat(tables.appendedRecords(settings.database(), "trade")).isEqualTo(stream.tradesSent());
            // Paimon fails a job restored from a checkpoint once on purpose; the restart strategy absorbs it.
            assertThat(restarted.state().status()).isEqualTo(Status.RUNNING);
        }
    }

    @Test
    void aRecordThatIsNotCanalJsonFailsTheJobWithItsCauseAfterBoundedRestarts() throws Exception {
        SyncJobSettings settings = settings("poison").restartAttempts(2).build();
        createTopic(settings.topic(), 1);
        ExpectedTables expected = new ExpectedTables();
        try (SyncJob job = new SyncJob(settings, cluster)) {
            send(settings.topic(), List.of(UpbitRows.ticker("KRW-BTC", 1714521600005L, 1714521600000L, 1.0)), expected);
            sendRaw(settings.topic(), "ticker|KRW-BTC|2024-05-01", "this is not canal json");
            job.start();

            await().atMost(VISIBLE).until(() -> job.state().status() == Status.FAILED);
            SyncJobState failed = job.state();
            assertThat(failed.failureCause()).contains("JsonParseException").contains("this");
            assertThat(failed.flinkStatus()).isEqualTo("FAILED");

            // The process is fine: a fresh job that starts past the poison record runs and writes.
            long afterPoison = System.currentTimeMillis();
            SyncJobState fresh = job.startFresh(StartPosition.timestamp(afterPoison));
            assertThat(fresh.status()).isEqualTo(Status.RUNNING);
            send(settings.topic(), List.of(UpbitRows.ticker("KRW-ETH", 1714521600009L, 1714521600000L, 2.0)), expected);
            await().atMost(VISIBLE).ignoreExceptions().untilAsserted(() ->
                    assertThat(tables.rows(settings.database(), "ticker"))
                            .extracting(row -> row.get("market")).containsExactly("KRW-ETH"));
            assertThat(job.state().status()).isEqualTo(Status.RUNNING);
        }
    }

    @Test
    void aSavepointThatIsGoneIsAWarningInStateHealthApiAndJmxAndTheFreshStartLosesAndRepeatsNothing() throws Exception {
        SyncJobSettings settings = settings("lost").build();
        createTopic(settings.topic(), 3);
        ExpectedTables expected = new ExpectedTables();
        TradeStream stream = new TradeStream(settings.topic(), List.of("KRW-DOT", "KRW-LINK"), expected);
        try (SyncJob job = new SyncJob(settings, cluster);
             TimeTravelService lake = new TimeTravelService(catalogOptions());
             CapturedLog log = CapturedLog.of(SyncJob.class)) {
            stream.start(50, 100);
            job.start();
            awaitSomeTradesVisible(settings.database());
            SyncJobState stopped = job.stopWithSavepoint(Duration.ofSeconds(60));
            assertThat(stopped.lastSavepoint()).startsWith(settings.savepointDir());
            // Gone, as after a bucket lifecycle rule or a cleanup: the restore pointer still names it.
            deleteObjectsUnder(stopped.lastSavepoint());

            SyncJobState resumed = job.start();
            String what = "missing savepoint " + stopped.lastSavepoint() + ": started from committed offsets";
            assertThat(resumed.status()).isEqualTo(Status.RUNNING);
            assertThat(resumed.resumedFrom()).isEqualTo(what);
            assertThat(resumed.missingRestorePoint()).isEqualTo("savepoint " + stopped.lastSavepoint());
            assertThat(log.lines()).anyMatch(line -> line.startsWith("WARN ")
                    && line.contains("savepoint " + stopped.lastSavepoint()) && line.contains("committed offsets"));
            HealthCheck.Result health = new SyncJobHealth(job).call();
            assertThat(health.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(health.getDetails()).containsEntry("resumedFrom", what).containsEntry("warning", what);
            assertThat(new SyncControl(job, new TablesApi(lake), new TableMonitor(lake, settings.database(), t -> { }))
                    .status()).containsEntry("resumedFrom", what);
            assertThat(new ManagedSyncJob(job).getResumedFrom()).isEqualTo(what);

            stream.awaitMoreSent(1000);
            stream.stop();
            awaitTableEquals(settings.database(), "trade", TRADE_KEY, expected);
            awaitTableEquals(settings.database(), "ticker", TICKER_KEY, expected);
            // Nothing is lost from the changelog either. It may repeat the records between the group's last offset
            // commit (asynchronous, after each checkpoint) and the lost savepoint: applied again with the same values.
            assertThat(tables.appendedRecords(settings.database(), "trade")).isGreaterThanOrEqualTo(stream.tradesSent());
        }
    }

    @Test
    void aRollbackHoldsTheJobsLockSoAStartMeanwhileWaitsAndStartsFreshAndACrashMidRollbackNeverResumesTheOldSavepoint()
            throws Exception {
        SyncJobSettings settings = settings("rollback").build();
        createTopic(settings.topic(), 1);
        send(settings.topic(), List.of(UpbitRows.trade("KRW-BTC", 1, 1714521600000L, 100.0, 0.5)), null);
        String rollbackToLatest = "{\"snapshot\": %d}";
        CountDownLatch rollbackRuns = new CountDownLatch(1);
        CountDownLatch finishRollback = new CountDownLatch(1);
        try (TimeTravelService lake = new TimeTravelService(catalogOptions())) {
            TablesApi slowRollback = new TablesApi(lake) {
                @Override
                public Rollback rollback(String database, String table, String snapshot, String tag, boolean dryRun,
                                         Runnable beforeChange) {
                    Rollback done = super.rollback(database, table, snapshot, tag, dryRun, beforeChange);
                    rollbackRuns.countDown();
                    awaitLatch(finishRollback);
                    return done;
                }
            };
            TablesApi crashAfterRollback = new TablesApi(lake) {
                @Override
                public Rollback rollback(String database, String table, String snapshot, String tag, boolean dryRun,
                                         Runnable beforeChange) {
                    super.rollback(database, table, snapshot, tag, dryRun, beforeChange);
                    throw new IllegalStateException("the process died here");
                }
            };
            SyncJobState beforeCrash;
            try (SyncJob job = new SyncJob(settings, cluster)) {
                job.start();
                await().atMost(VISIBLE).ignoreExceptions().until(() -> !tables.rows(settings.database(), "trade").isEmpty());
                SyncJobState stopped = stopAfterACheckpoint(job);

                // A start asked for while the rollback runs waits for the job's lock, then starts fresh.
                long latest = tables.require(settings.database(), "trade").snapshotManager().latestSnapshotId();
                SyncControl control = new SyncControl(job, slowRollback, null);
                CompletableFuture<Rollback> rollback = CompletableFuture.supplyAsync(() ->
                        control.rollback(settings.database(), "trade", rollbackToLatest.formatted(latest)));
                assertThat(rollbackRuns.await(60, TimeUnit.SECONDS)).isTrue();
                CompletableFuture<SyncJobState> start = new CompletableFuture<>();
                Thread starter = new Thread(() -> start.complete(job.start()), "concurrent-start");
                starter.start();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> starter.getState() == Thread.State.BLOCKED || start.isDone());
                assertThat(start).as("a start during the rollback waits for it").isNotDone();
                finishRollback.countDown();
                assertThat(rollback.get(60, TimeUnit.SECONDS).done()).isTrue();
                SyncJobState started = start.get(60, TimeUnit.SECONDS);
                assertThat(started.resumedFrom()).as("not " + stopped.lastSavepoint())
                        .isEqualTo("fresh from committed offsets");
                assertThat(started.status()).isEqualTo(Status.RUNNING);

                // The process dies between the rollback's steps; the next process starts fresh.
                beforeCrash = stopAfterACheckpoint(job);
                long now = tables.require(settings.database(), "trade").snapshotManager().latestSnapshotId();
                assertThatThrownBy(() -> new SyncControl(job, crashAfterRollback, null)
                        .rollback(settings.database(), "trade", rollbackToLatest.formatted(now)))
                        .hasMessage("the process died here");
            }
            try (SyncJob restarted = new SyncJob(settings, cluster)) {
                SyncJobState resumed = restarted.start();
                assertThat(resumed.resumedFrom()).as("not " + beforeCrash.lastSavepoint())
                        .isEqualTo("fresh from committed offsets");
            }
        }
    }

    /** Stops with a savepoint once the job runs (a savepoint needs running tasks; a checkpoint shows they are). */
    private static SyncJobState stopAfterACheckpoint(SyncJob job) {
        long after = job.state().lastCheckpoint() == null ? -1 : job.state().lastCheckpoint().id();
        await().atMost(VISIBLE).until(() -> job.state().lastCheckpoint() != null
                && job.state().lastCheckpoint().id() > after);
        SyncJobState stopped = job.stopWithSavepoint(Duration.ofSeconds(60));
        assertThat(stopped.status()).isEqualTo(Status.STOPPED);
        assertThat(stopped.lastSavepoint()).isNotNull();
        return stopped;
    }

    private static Map<String, String> catalogOptions() {
        return TimeTravelService.catalogOptions(WAREHOUSE, s3.endpoint(), s3.accessKey(), s3.secretKey());
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deletes what the S3 server holds under an {@code s3://bucket/key} prefix (its files on disk). */
    private static void deleteObjectsUnder(String s3Url) throws Exception {
        Path local = dir.resolve("s3").resolve(s3Url.substring("s3://".length()));
        assertThat(local).exists();
        try (Stream<Path> paths = Files.walk(local)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(local).doesNotExist();
    }

    private static void awaitSomeTradesVisible(String database) {
        await().atMost(VISIBLE).ignoreExceptions().until(() -> !tables.rows(database, "trade").isEmpty());
    }
}
