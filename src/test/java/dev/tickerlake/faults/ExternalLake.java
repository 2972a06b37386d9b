package dev.tickerlake.faults;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.testing.KafkaTestClient;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.testing.S3TestClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.table.FileStoreTable;

/**
 * tickerlake in external mode for the server faults: an S3 server and a Kafka broker the test runs (and can stop and
 * start again on the same port and data directory), optionally an {@link S3FaultProxy} between tickerlake and S3, and
 * tickerlake in this JVM replaying a workload file with the sync job on short checkpoints.
 */
final class ExternalLake implements AutoCloseable {

    static final String WAREHOUSE = "s3://paimon/warehouse";
    static final String ACCESS_KEY = "faults-access";
    static final String SECRET_KEY = "faults-secret-not-logged";
    private static final ObjectMapper JSON = new ObjectMapper();

    final EmbeddedS3 s3;
    final EmbeddedKafka kafka;
    final S3FaultProxy proxy;
    RunningTickerlake app;
    private Catalog checkCatalog;

    private ExternalLake(EmbeddedS3 s3, EmbeddedKafka kafka, S3FaultProxy proxy) {
        this.s3 = s3;
        this.kafka = kafka;
        this.proxy = proxy;
    }

    /**
     * Starts the servers under {@code dir}, then tickerlake replaying {@code workload} at {@code speed} times the
     * frames' own pace; with {@code viaProxy}, tickerlake reaches S3 only through a fault proxy.
     */
    static ExternalLake start(Path dir, FaultWorkload workload, double speed, boolean viaProxy,
                              Map<String, String> extra) throws Exception {
        EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", EmbeddedKafka.freePort(), dir.resolve("s3"), ACCESS_KEY, SECRET_KEY);
        EmbeddedKafka kafka = new EmbeddedKafka("127.0.0.1", EmbeddedKafka.freePort(), dir.resolve("kafka"));
        ExternalLake lake = null;
        try {
            s3.start();
            kafka.start();
            // An external S3 server has its buckets before tickerlake comes (the buckets route then finds them).
            try (S3TestClient client = new S3TestClient(s3.endpoint(), ACCESS_KEY, SECRET_KEY)) {
                for (String bucket : List.of("paimon", "checkpoints", "warehouse")) {
                    client.createBucket(bucket);
                }
            }
            S3FaultProxy proxy = viaProxy ? new S3FaultProxy(port(s3.endpoint())) : null;
            lake = new ExternalLake(s3, kafka, proxy);
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("tickerlake.s3.endpoint", proxy != null ? proxy.endpoint() : s3.endpoint());
            settings.put("tickerlake.s3.access-key", ACCESS_KEY);
            settings.put("tickerlake.s3.secret-key", SECRET_KEY);
            settings.put("tickerlake.kafka.bootstrap-servers", kafka.bootstrapServers());
            settings.put("tickerlake.source", "replay");
            settings.put("tickerlake.replay.file", workload.file().toString());
            settings.put("tickerlake.replay.speed", String.valueOf(speed));
            settings.put("tickerlake.paimon.enabled", "true");
            settings.put("tickerlake.flink.checkpoint-interval", "2s");
            // Health says the tables stopped being updated after 3 missed checkpoints (default 60 s, for 10 s ones).
            settings.put("tickerlake.flink.checkpoint-stall", "6s");
            settings.put("tickerlake.admin.users", "faults:faults-password");
            settings.putAll(extra);
            lake.app = RunningTickerlake.start(dir.resolve("app"), settings);
            return lake;
        } catch (Exception | Error e) {
            if (lake != null) {
                lake.close();
            } else {
                kafka.close();
                s3.close();
            }
            throw e;
        }
    }

    /** A fresh catalog straight on the S3 server (never through the proxy). */
    Catalog catalog() {
        return LakeCheck.s3Catalog(s3.endpoint(), ACCESS_KEY, SECRET_KEY, WAREHOUSE);
    }

    /** A fresh catalog for {@link LakeCheck#awaitMatch}, which asks for one per attempt; the previous one is closed. */
    synchronized Catalog checkCatalog() {
        closeCheckCatalog();
        checkCatalog = catalog();
        return checkCatalog;
    }

    private synchronized void closeCheckCatalog() {
        if (checkCatalog != null) {
            try {
                checkCatalog.close();
            } catch (Exception e) {
                // only a reader
            }
            checkCatalog = null;
        }
    }

    /** The newest snapshot over the three tables, if any table has one. */
    Optional<Snapshot> latestSnapshot() {
        Snapshot newest = null;
        try (Catalog catalog = catalog()) {
            for (String table : LakeModel.TABLES) {
                try {
                    FileStoreTable t = (FileStoreTable) catalog.getTable(Identifier.create(LakeCheck.DATABASE, table));
                    Snapshot latest = t.snapshotManager().latestSnapshot();
                    if (latest != null && (newest == null || latest.timeMillis() > newest.timeMillis())) {
                        newest = latest;
                    }
                } catch (Catalog.TableNotExistException e) {
                    // not created yet
                }
            }
        } catch (Exception e) {
            return Optional.empty();
        }
        return Optional.ofNullable(newest);
    }

    /** An attribute of the sync job's MBean ({@code dev.tickerlake:type=SyncJob,name=paimon-sync}). */
    Object syncJobAttribute(String name) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return server.getAttribute(new ObjectName("dev.tickerlake:type=SyncJob,name=paimon-sync"), name);
    }

    /** Frames the replay has sent so far (the feed's {@code FramesIn}). */
    long framesSent() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return ((Number) server.getAttribute(new ObjectName("dev.tickerlake:type=Source,name=replay"), "FramesIn"))
                .longValue();
    }

    /**
     * Writes the last {@code count} frames of {@code workload} again into their raw topics (keyed by market, as the
     * feed writes them), so the sync job has rows to write even when the replay has ended. They are frames the model
     * already holds, like the workload's own duplicates: the keyed tables absorb them. Returns how many were sent.
     */
    int resendLastFrames(FaultWorkload workload, int count) throws Exception {
        List<String> lines = Files.readAllLines(workload.file(), StandardCharsets.UTF_8);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (String line : lines.subList(Math.max(0, lines.size() - count), lines.size())) {
            JsonNode frame = JSON.readTree(line);
            records.add(new ProducerRecord<>("upbit-" + frame.path("type").asText(), frame.path("code").asText(),
                    line.getBytes(StandardCharsets.UTF_8)));
        }
        new KafkaTestClient(kafka.bootstrapServers()).sendAll(records);
        return records.size();
    }

    /** {@code GET /api/sync} as JSON. */
    JsonNode apiSync() throws Exception {
        return JSON.readTree(app.api("/api/sync").body());
    }

    /** {@code GET /observe/health?data=true} as JSON. */
    JsonNode health() throws Exception {
        return JSON.readTree(app.management("/observe/health?data=true").body());
    }

    /** The value of a Prometheus sample at {@code /observe/metrics}, e.g. {@code tickerlake_sync_job_restarts}. */
    Optional<Double> metric(String sample) throws Exception {
        for (String line : app.management("/observe/metrics").body().split("\n")) {
            if (line.startsWith(sample + " ") || line.startsWith(sample + "{")) {
                return Optional.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until the sync job runs (Flink says RUNNING too) and a snapshot newer than {@code after} is committed;
     * returns when that happened.
     */
    Instant awaitRunningWithSnapshotAfter(Instant after, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Snapshot> latest = latestSnapshot();
            if (latest.isPresent() && latest.get().timeMillis() > after.toEpochMilli()
                    && "RUNNING".equals(syncJobAttribute("State")) && "RUNNING".equals(syncJobAttribute("FlinkStatus"))) {
                return Instant.now();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no snapshot after " + after + " with the sync job RUNNING within " + timeout
                + "; sync job: " + apiSync());
    }

    @Override
    public void close() throws Exception {
        closeCheckCatalog();
        Exception first = null;
        for (AutoCloseable resource : new AutoCloseable[] {app, kafka, s3, proxy}) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
