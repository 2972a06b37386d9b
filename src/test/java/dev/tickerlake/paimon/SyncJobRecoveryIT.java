package dev.tickerlake.paimon;

import java.time.Duration;
import java.util.List;

import dev.tickerlake.paimon.SyncJobState.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sync job stops and resumes without losing or repeating a row, whether it stopped with a savepoint or was
 * cancelled, and a record it cannot parse ends it FAILED with its cause instead of restarting forever.
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

    private static void awaitSomeTradesVisible(String database) {
        await().atMost(VISIBLE).ignoreExceptions().until(() -> !tables.rows(database, "trade").isEmpty());
    }
}
