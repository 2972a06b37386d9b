package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.kafka.Topics;
import dev.tickerlake.testing.ListeningSockets;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.testing.S3TestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar} with nothing configured: embedded S3 and Kafka start, buckets appear, readiness turns UP. */
public class EmbeddedModeIT {

    @TempDir
    Path dataDir;

    @Test
    void startsEmbeddedServersCreatesBucketsAndKeepsDataAcrossRestart() throws Exception {
        String s3Endpoint;
        try (RunningTickerlake app = RunningTickerlake.start(dataDir, Map.of())) {
            s3Endpoint = app.property("tickerlake.s3.endpoint");
            awaitReady(app);
            assertThat(app.management("/observe/health/live").statusCode()).isEqualTo(200);
            try (S3TestClient s3 = new S3TestClient(s3Endpoint, "minioadmin", "minioadmin")) {
                assertThat(s3.buckets()).contains("paimon", "checkpoints", "warehouse");
                s3.put("warehouse", "before-restart.txt", "kept");
            }
            assertThat(listening(app.property("tickerlake.kafka.bootstrap-servers"))).isTrue();
            // No users configured: admin/admin opens the admin API, so it listens on loopback only, although
            // application.properties says camel.server.host=0.0.0.0.
            assertThat(ListeningSockets.addresses(Integer.parseInt(app.property("camel.server.port"))))
                    .as("addresses the admin API listens on with the dev mode's default user").containsExactly("127.0.0.1");
        }
        assertThat(listening(s3Endpoint.substring("http://".length()))).as("embedded S3 stopped").isFalse();

        try (RunningTickerlake app = RunningTickerlake.start(dataDir,
                Map.of("tickerlake.embedded.s3-port", s3Endpoint.substring(s3Endpoint.lastIndexOf(':') + 1)))) {
            awaitReady(app);
            try (S3TestClient s3 = new S3TestClient(s3Endpoint, "minioadmin", "minioadmin")) {
                assertThat(s3.buckets()).containsExactlyInAnyOrder("paimon", "checkpoints", "warehouse");
                assertThat(s3.get("warehouse", "before-restart.txt")).isEqualTo("kept");
            }
        }
    }

    @Test
    void boundsEveryTopicAlignsAnOlderDataDirAndWarnsBeforeUnreadRecordsAgeOut() throws Exception {
        // The data directory of an older tickerlake: a broker that kept everything, and upbit-cdc saying so itself.
        try (EmbeddedKafka older = new EmbeddedKafka("127.0.0.1", EmbeddedKafka.freePort(), dataDir.resolve("kafka"),
                Map.of("log.retention.hours", "-1"))) {
            older.start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", older.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("upbit-cdc", 4, (short) 1)
                        .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")))).all().get();
            }
        }

        try (RunningTickerlake app = RunningTickerlake.start(dataDir, Map.of(
                "tickerlake.kafka.raw-retention", "1h",
                "tickerlake.kafka.raw-retention-size", "64MiB",
                "tickerlake.kafka.cdc-retention", "2h",
                "tickerlake.kafka.cdc-retention-size", "128MiB",
                "tickerlake.kafka.retention-warning", "0.5"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", app.property("tickerlake.kafka.bootstrap-servers")))) {
            awaitReady(app);
            Topics topics = app.context().getRegistry().lookupByNameAndType("topics", Topics.class);
            await().atMost(Duration.ofSeconds(30)).until(topics::isReady);

            // Created bounded (raw, dlq), aligned (cdc), and the broker's own default bounded too.
            Map<String, Config> configs = admin.describeConfigs(List.of(
                    topic("upbit-ticker"), topic("upbit-trade"), topic("upbit-orderbook"), topic("upbit-cdc"),
                    topic("upbit-dlq"), new ConfigResource(ConfigResource.Type.BROKER, "1"))).all().get()
                    .entrySet().stream().collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
            for (String raw : List.of("upbit-ticker", "upbit-trade", "upbit-orderbook")) {
                assertThat(configs.get(raw).get("retention.ms").value()).as(raw).isEqualTo("3600000");
                assertThat(configs.get(raw).get("retention.bytes").value()).as(raw).isEqualTo(String.valueOf(16L << 20));
            }
            assertThat(configs.get("upbit-cdc").get("retention.ms").value()).isEqualTo("7200000");
            assertThat(configs.get("upbit-cdc").get("retention.bytes").value()).isEqualTo(String.valueOf(32L << 20));
            assertThat(Long.parseLong(configs.get("upbit-dlq").get("retention.ms").value())).isPositive();
            assertThat(Long.parseLong(configs.get("upbit-dlq").get("retention.bytes").value())).isPositive();
            assertThat(configs.get("1").get("log.retention.ms").value()).isEqualTo("3600000");
            assertThat(configs.get("1").get("log.retention.bytes").value()).isEqualTo(String.valueOf(16L << 20));

            // The CDC route stops reading; a raw record 40 minutes old waits: 2/3 of the 1 h window.
            app.context().getRouteController().stopRoute("ticker-cdc");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers", app.property("tickerlake.kafka.bootstrap-servers")),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("upbit-trade", null,
                        System.currentTimeMillis() - Duration.ofMinutes(40).toMillis(),
                        "KRW-BTC".getBytes(StandardCharsets.UTF_8), "not a frame".getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode check = retentionCheck(app);
                assertThat(check.path("status").asText()).isEqualTo("DOWN");
                assertThat(check.toString()).contains("tickerlake-cdc on upbit-trade at 6");
                assertThat(check.path("data").path("tickerlake-cdc/upbit-trade").asText())
                        .matches("6\\d% of retention: 1 records unread, the oldest 4\\d\\.\\d min old \\(retention 1\\.0 h\\).*");
            });
            assertThat(app.healthStatus("/observe/health")).isEqualTo("DOWN");
            // Not a readiness check (the stopped route itself is: Camel's route checks count in readiness).
            assertThat(app.management("/observe/health/ready?data=true").body()).doesNotContain("kafka-retention");

            // Read again: nothing unread, nothing to warn about.
            app.context().getRouteController().startRoute("ticker-cdc");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(retentionCheck(app).path("status").asText()).isEqualTo("UP"));
            assertThat(app.healthStatus("/observe/health/ready")).isEqualTo("UP");
        }
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static JsonNode retentionCheck(RunningTickerlake app) throws Exception {
        JsonNode health = new ObjectMapper().readTree(app.management("/observe/health?data=true").body());
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("kafka-retention")) {
                return check;
            }
        }
        throw new AssertionError("no kafka-retention check in " + health);
    }

    public static void awaitReady(RunningTickerlake app) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(app.healthStatus("/observe/health/ready")).isEqualTo("UP"));
    }

    static boolean listening(String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        try (Socket socket = new Socket(host, port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
