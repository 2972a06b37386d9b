package dev.tickerlake.paimon;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Measures the sync job, it does not judge it: submit to first snapshot, rows per second for a burst of trades, heap.
 * Runs only with {@code -Dtickerlake.measure=true}; {@code -Dtickerlake.measure.rows=N} (default 100000) and
 * {@code -Dtickerlake.measure.table-options=k=v;k=v} (over the contract's options) vary it.
 */
@EnabledIfSystemProperty(named = "tickerlake.measure", matches = "true")
class SyncJobThroughputIT extends SyncJobITSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SyncJobThroughputIT.class);

    @Test
    void measureABurstOfTrades() throws Exception {
        int rows = Integer.getInteger("tickerlake.measure.rows", 100_000);
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        SyncJobSettings.Builder builder = settings("bench");
        for (String option : System.getProperty("tickerlake.measure.table-options", "").split(";")) {
            if (option.contains("=")) {
                int eq = option.indexOf('=');
                builder.tableOption(option.substring(0, eq), option.substring(eq + 1));
            }
        }
        SyncJobSettings settings = builder
                .checkpointInterval(Duration.ofSeconds(Long.getLong("tickerlake.measure.checkpoint-seconds", 2)))
                .parallelism(Integer.getInteger("tickerlake.measure.parallelism", 1))
                .build();
        createTopic(settings.topic(), 3);
        LOG.info("MEASURE JVM start -> servers up: {} ms; table options {}", System.currentTimeMillis() - jvmStart,
                settings.tableOptions());

        try (SyncJob job = new SyncJob(settings)) {
            long submit = System.nanoTime();
            job.start();
            LOG.info("MEASURE start() returned (cluster up, job built and submitted): {} ms", millisSince(submit));
            send(settings.topic(), List.of(UpbitRows.ticker("KRW-WARMUP", 1714521600005L, 1714521600000L, 1)), null);
            await().atMost(VISIBLE).ignoreExceptions().until(() -> !tables.snapshots("bench", "ticker").isEmpty());
            LOG.info("MEASURE submit -> first snapshot: {} ms (JVM start -> first snapshot: {} ms)",
                    millisSince(submit), System.currentTimeMillis() - jvmStart);

            List<CanalRow> trades = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                trades.add(UpbitRows.trade("KRW-M" + (i % 50), 1_000_000L + i, 1714521600000L + i, 100.0 + i % 7, 0.5));
            }
            long firstSend = System.nanoTime();
            send(settings.topic(), trades, null);
            long sent = millisSince(firstSend);
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> tables.appendedRecords("bench", "trade") >= rows);
            long visible = millisSince(firstSend);
            LOG.info("MEASURE {} trade envelopes: produced in {} ms, all visible {} ms after the first send: {} rows/s",
                    rows, sent, visible, rows * 1000L / Math.max(1, visible));
            assertThat(tables.rows("bench", "trade")).hasSize(rows);

            System.gc();
            Runtime rt = Runtime.getRuntime();
            long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getPeakUsage)
                    .mapToLong(u -> u.getUsed()).sum();
            LOG.info("MEASURE heap after GC: {} MB used of {} MB committed; peak per-pool sum {} MB; {}",
                    (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20, peakHeap >> 20, rss());
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static String rss() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return "RSS unknown";
        }
        return String.join(", ", Files.readAllLines(status).stream()
                .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
                .map(l -> l.replaceAll("\\s+", " "))
                .toList());
    }
}
