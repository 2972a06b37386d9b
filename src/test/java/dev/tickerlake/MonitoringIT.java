package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.testing.RunningTickerlake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring as an operator sees it, over plain HTTP on the management port of a running tickerlake (synthetic feed,
 * CDC route and the sync job on its MiniCluster, embedded S3 and Kafka): tickerlake's MBeans read through
 * {@code /observe/jolokia} move as frames flow, the sync job's JMX operations work, {@code jolokia-access.xml} refuses
 * what it must, and {@code /observe/metrics} carries the documented {@code tickerlake_*} metrics next to Camel's.
 */
class MonitoringIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE = "dev.tickerlake:type=Source,name=synthetic";
    private static final String CDC = "dev.tickerlake:type=Cdc,name=ticker-cdc";
    private static final String SYNC_JOB = "dev.tickerlake:type=SyncJob,name=paimon-sync";
    private static final String TICKER_TABLE = "dev.tickerlake:type=Table,name=upbit.ticker";
    /** Strict CORS: Jolokia answers only requests that name an allowed origin (a local page or tool). */
    private static final Map<String, String> LOCAL_ORIGIN = Map.of("Origin", "http://localhost:8090");

    @TempDir
    static Path dir;
    private static RunningTickerlake app;
    private static Instant started;

    @BeforeAll
    static void start() throws Exception {
        started = Instant.now();
        app = RunningTickerlake.start(dir.resolve("data"), Map.of(
                "tickerlake.source", "synthetic",
                "tickerlake.synthetic.markets", "5",
                "tickerlake.synthetic.rate", "100",
                "tickerlake.paimon.enabled", "true",
                "tickerlake.flink.checkpoint-interval", "2s",
                "tickerlake.monitoring.table-refresh", "1000"));
        EmbeddedModeIT.awaitReady(app);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void tickerlakeMBeansMoveAsFramesFlow() throws Exception {
        assertThat(read(SOURCE, "Connected").asBoolean()).isTrue();
        long framesBefore = read(SOURCE, "FramesIn").asLong();
        long envelopesBefore = read(CDC, "EnvelopesOut").asLong();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(read(SOURCE, "FramesIn").asLong()).isGreaterThan(framesBefore + 100);
            assertThat(read(SOURCE, "FramesPerSecond").asDouble()).isPositive();
            assertThat(read(CDC, "EnvelopesOut").asLong()).isGreaterThan(envelopesBefore + 100);
        });
        assertThat(read(CDC, "DeadLetters").asLong()).isZero();

        // The sync job commits a snapshot per checkpoint; the table's MBean follows within a refresh.
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(read(SYNC_JOB, "State").asText()).isEqualTo("RUNNING");
            assertThat(read(SYNC_JOB, "LastCheckpointId").asLong()).isPositive();
            assertThat(read(TICKER_TABLE, "SnapshotId").asLong()).isPositive();
            assertThat(read(TICKER_TABLE, "FreshnessMillis").asLong()).isGreaterThanOrEqualTo(0);
        });
        long snapshot = read(TICKER_TABLE, "SnapshotId").asLong();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(read(TICKER_TABLE, "SnapshotId").asLong()).isGreaterThan(snapshot));
        // Freshness is the data commit's time minus the newest exchange timestamp it committed; synthetic frames
        // carry the time they were made, so that timestamp lies between the app's start and the commit.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode table = read(TICKER_TABLE, "");
            Instant commit = Instant.parse(table.path("CommitTime").asText());
            Instant newestEvent = Instant.parse(table.path("NewestEventTime").asText());
            assertThat(newestEvent).isAfter(started).isBeforeOrEqualTo(commit);
            if (table.path("SnapshotId").asLong() == table.path("DataSnapshotId").asLong()) {
                assertThat(table.path("FreshnessMillis").asLong())
                        .isEqualTo(commit.toEpochMilli() - newestEvent.toEpochMilli());
            }
        });
        assertThat(read(SYNC_JOB, "Restarts").asInt()).isZero();

        // GET /api/sync reports the same freshness figure.
        HttpResponse<String> sync = app.api("/api/sync");
        assertThat(JSON.readTree(sync.body()).path("tables").path("upbit.ticker").path("freshnessMillis").isNumber())
                .as("GET /api/sync: %s %s", sync.statusCode(), sync.body()).isTrue();
    }

    @Test
    void syncJobOperationsStopAndStartItOverJolokia() throws Exception {
        await().atMost(Duration.ofSeconds(120)).until(() -> "RUNNING".equals(read(SYNC_JOB, "State").asText()));
        JsonNode stopped = exec(SYNC_JOB, "stopWithSavepoint()");
        assertThat(stopped.path("status").asInt()).isEqualTo(200);
        assertThat(stopped.path("value").asText()).isEqualTo("STOPPED");
        assertThat(read(SYNC_JOB, "ResumedFrom").isNull()).isFalse();

        JsonNode started = exec(SYNC_JOB, "start()");
        assertThat(started.path("value").asText()).isEqualTo("RUNNING");
        // From the savepoint, or from the last checkpoint when the savepoint took longer than its timeout.
        assertThat(read(SYNC_JOB, "ResumedFrom").asText()).startsWith("s3://checkpoints/paimon-sync/");
    }

    @Test
    void jolokiaAccessPolicyRefusesWhatItMust() throws Exception {
        // Reads are open everywhere, including the JVM's own MBeans.
        assertThat(read("java.lang:type=Runtime", "Uptime").asLong()).isPositive();
        // Operations only on Camel's and tickerlake's MBeans.
        assertThat(exec("org.apache.camel:context=tickerlake,type=context,name=\"tickerlake\"", "getUptimeMillis()")
                .path("status").asInt()).isEqualTo(200);
        assertThat(exec("java.lang:type=Memory", "gc()").path("status").asInt()).isEqualTo(403);
        assertThat(exec("com.sun.management:type=DiagnosticCommand", "vmFlags([Ljava.lang.String;)", new Object[] {
                new String[0]}).path("status").asInt()).isEqualTo(403);
        assertThat(exec("java.util.logging:type=Logging", "setLoggerLevel(java.lang.String,java.lang.String)", "", "OFF")
                .path("status").asInt()).isEqualTo(403);
        assertThat(read("jdk.management.jfr:type=FlightRecorder", "Recordings").path("status").asInt()).isEqualTo(403);
        // Attribute writes likewise: the JVM's refused, a Camel route's allowed.
        assertThat(post(Map.of("type", "write", "mbean", "java.lang:type=Memory", "attribute", "Verbose", "value", true))
                .path("status").asInt()).isEqualTo(403);
        assertThat(post(Map.of("type", "write", "mbean",
                "org.apache.camel:context=tickerlake,type=routes,name=\"table-freshness\"", "attribute", "Tracing",
                "value", false)).path("status").asInt()).isEqualTo(200);
        // Strict CORS: a page from another origin gets nothing, and neither does a request that names no origin.
        String path = "/observe/jolokia/read/" + SOURCE + "/FramesIn";
        for (Map<String, String> headers : java.util.List.of(Map.of("Origin", "http://evil.example"), Map.<String, String>of())) {
            HttpResponse<String> refused = app.management("GET", path, null, headers);
            assertThat(JSON.readTree(refused.body()).path("value").isMissingNode())
                    .as("refused without a local origin %s: %s", headers, refused.body()).isTrue();
            // Camel 4.18's Jolokia plugin reports Jolokia's SecurityException wrapped, as a 500.
            assertThat(JSON.readTree(refused.body()).path("error").asText()).isNotEmpty();
        }
    }

    @Test
    void metricsCarryTheDocumentedNames() throws Exception {
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            String metrics = app.management("/observe/metrics").body();
            assertThat(metrics)
                    .contains("tickerlake_source_frames_total{source=\"synthetic\"}")
                    .contains("tickerlake_source_frames_rate_per_second{source=\"synthetic\"}")
                    .contains("tickerlake_source_connected{source=\"synthetic\"} 1.0")
                    .contains("tickerlake_cdc_envelopes_total")
                    .contains("tickerlake_cdc_dead_letters_total 0.0")
                    .contains("tickerlake_sync_job_state{state=\"RUNNING\"} 1.0")
                    .contains("tickerlake_sync_job_restarts")
                    .contains("tickerlake_sync_job_last_checkpoint_id")
                    .contains("tickerlake_table_snapshot_id{table=\"upbit.ticker\"}")
                    .contains("tickerlake_table_freshness_seconds{table=\"upbit.ticker\"}")
                    .contains("tickerlake_table_commit_timestamp_seconds{table=\"upbit.trade\"}")
                    // Camel's own route metrics and the JVM's share the endpoint.
                    .contains("camel_exchanges_total")
                    .contains("jvm_memory_used_bytes");
            assertThat(value(metrics, "tickerlake_cdc_envelopes_total")).isPositive();
        });
    }

    @Test
    void managementAuthenticationGuardsJolokiaButNotProbes() throws Exception {
        Path users = Files.writeString(dir.resolve("management-users.properties"), "user.ops = s3cret\n");
        try (RunningTickerlake guarded = RunningTickerlake.start(dir.resolve("guarded"), Map.of(
                "camel.management.authentication-enabled", "true",
                "camel.management.basic-properties-file", users.toString()))) {
            String path = "/observe/jolokia/read/java.lang:type=Runtime/Uptime";
            assertThat(guarded.management("GET", path, null, LOCAL_ORIGIN).statusCode()).isEqualTo(401);
            assertThat(guarded.management("GET", path, null, Map.of("Origin", "http://localhost:8090",
                    "Authorization", basic("ops:wrong"))).statusCode()).isEqualTo(401);
            HttpResponse<String> allowed = guarded.management("GET", path, null, Map.of("Origin", "http://localhost:8090",
                    "Authorization", basic("ops:s3cret")));
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(allowed.body()).path("value").asLong()).isPositive();
            // Probes and scraping need no credentials.
            assertThat(guarded.management("/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(guarded.management("/observe/metrics").statusCode()).isEqualTo(200);
        }
    }

    private static JsonNode read(String mbean, String attribute) throws Exception {
        String path = "/observe/jolokia/read/" + mbean + (attribute.isEmpty() ? "" : "/" + attribute);
        HttpResponse<String> response = app.management("GET", path, null,
                LOCAL_ORIGIN);
        JsonNode answer = JSON.readTree(response.body());
        if (answer.path("status").asInt() != 200) {
            return answer;
        }
        return answer.path("value");
    }

    private static JsonNode exec(String mbean, String operation, Object... arguments) throws Exception {
        return post(Map.of("type", "exec", "mbean", mbean, "operation", operation, "arguments", arguments));
    }

    private static JsonNode post(Map<String, Object> request) throws Exception {
        HttpResponse<String> response = app.management("POST", "/observe/jolokia", JSON.writeValueAsString(request),
                Map.of("Content-Type", "application/json", "Origin", "http://localhost:8090"));
        return JSON.readTree(response.body());
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of an unlabelled sample in Prometheus text. */
    private static double value(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1).trim())).orElse(-1.0);
    }
}
