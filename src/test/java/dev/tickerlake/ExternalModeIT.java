package dev.tickerlake;

import static dev.tickerlake.EmbeddedModeIT.awaitReady;
import static dev.tickerlake.EmbeddedModeIT.listening;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.cdc.CdcMapper;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.kafka.Topics;
import dev.tickerlake.testing.KafkaTestClient;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.testing.S3TestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints configured: tickerlake starts nothing embedded and uses the servers it is given. */
class ExternalModeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path serversDir;

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new EmbeddedKafka("127.0.0.1", EmbeddedKafka.freePort(), serversDir.resolve("kafka"));
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void usesConfiguredServersAsTheyAreAndOpensNoEmbeddedPorts(@TempDir Path dataDir) throws Exception {
        int s3Port = EmbeddedKafka.freePort();
        int unusedS3Port = EmbeddedKafka.freePort();
        int unusedKafkaPort = EmbeddedKafka.freePort();
        // The cluster's operators keep dead letters forever; tickerlake must not change that by default.
        ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, "upbit-dlq");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains("upbit-dlq")) {
                admin.createTopics(List.of(new NewTopic("upbit-dlq", 1, (short) 1))).all().get();
            }
            admin.incrementalAlterConfigs(Map.of(dlq, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.bytes", "-1"), AlterConfigOp.OpType.SET))))
                    .all().get();
        }
        try (EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", s3Port, serversDir.resolve("s3-a"), "extkey", "extsecret123")) {
            s3.start();
            try (RunningTickerlake app = RunningTickerlake.start(dataDir, external(s3.endpoint(), Map.of(
                    "tickerlake.embedded.s3-port", String.valueOf(unusedS3Port),
                    "tickerlake.embedded.kafka-port", String.valueOf(unusedKafkaPort))))) {
                awaitReady(app);
                try (S3TestClient client = new S3TestClient(s3.endpoint(), "extkey", "extsecret123")) {
                    assertThat(client.buckets()).containsExactlyInAnyOrder("paimon", "checkpoints", "warehouse");
                }
                assertThat(listening("127.0.0.1:" + unusedS3Port)).as("embedded S3 port").isFalse();
                assertThat(listening("127.0.0.1:" + unusedKafkaPort)).as("embedded Kafka port").isFalse();
                assertThat(dataDir.resolve("s3")).doesNotExist();
                assertThat(dataDir.resolve("kafka")).doesNotExist();

                Topics topics = app.context().getRegistry().lookupByNameAndType("topics", Topics.class);
                await().atMost(Duration.ofSeconds(30)).until(topics::isReady);
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                    ConfigResource trade = new ConfigResource(ConfigResource.Type.TOPIC, "upbit-trade");
                    Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(dlq, trade)).all().get();
                    assertThat(configs.get(dlq).get("retention.ms").value()).isEqualTo("-1");
                    assertThat(configs.get(dlq).get("retention.bytes").value()).isEqualTo("-1");
                    // Created by tickerlake (here or in another test of this class): the shipped limits.
                    assertThat(configs.get(trade).get("retention.ms").value()).isEqualTo("86400000");
                    assertThat(configs.get(trade).get("retention.bytes").value()).isEqualTo(String.valueOf(128L << 20));
                }
            }
        }
    }

    @Test
    void waitsForUnreachableS3AndCreatesBucketsOnceItAppears(@TempDir Path dataDir) throws Exception {
        int s3Port = EmbeddedKafka.freePort();
        String endpoint = "http://127.0.0.1:" + s3Port;
        try (RunningTickerlake app = RunningTickerlake.start(dataDir, external(endpoint,
                Map.of("tickerlake.s3.retry-max-delay", "1000")))) {
            // Kafka answers, S3 does not: readiness is DOWN because of the buckets, and stays so.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(app.management("/observe/health/ready").body()).contains("buckets"));
            assertThat(app.healthStatus("/observe/health/ready")).isEqualTo("DOWN");
            Thread.sleep(3000);
            assertThat(app.healthStatus("/observe/health/ready")).isEqualTo("DOWN");
            // The admin API says what it knows: the sync job's state without the tables, and a 503 (not a 500) for
            // reads of the tables, with the reason and when to try again.
            HttpResponse<String> sync = app.api("/api/sync");
            assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
            assertThat(JSON.readTree(sync.body()).path("tables").size()).isZero();
            assertThat(JSON.readTree(sync.body()).path("tablesUnavailable").asText()).contains("S3");
            HttpResponse<String> tables = app.api("/api/tables");
            assertThat(tables.statusCode()).as(tables.body()).isEqualTo(503);
            assertThat(tables.headers().firstValue("Retry-After")).isPresent();
            assertThat(JSON.readTree(tables.body()).path("error").asText()).isEqualTo("warehouse_unavailable");

            try (EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", s3Port, serversDir.resolve("s3-b"), "extkey", "extsecret123")) {
                s3.start();
                awaitReady(app);
                try (S3TestClient client = new S3TestClient(endpoint, "extkey", "extsecret123")) {
                    assertThat(client.buckets()).containsExactlyInAnyOrder("paimon", "checkpoints", "warehouse");
                }
            }
        }
    }

    /**
     * Kafka goes away while the CDC route holds a batch, for longer than the consumer's poll interval, then comes back
     * on the same port and log directory: the route resumes by itself, every frame sent becomes its envelope (a frame
     * of the interrupted batch may become it twice: envelopes upsert) and the group commits up to the end.
     */
    @Test
    void cdcRouteResumesByItselfAfterKafkaWasDownLongerThanThePollInterval(@TempDir Path dataDir) throws Exception {
        List<byte[]> frames;
        try (InputStream in = ExternalModeIT.class.getResourceAsStream("/frames/ticker.jsonl")) {
            frames = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        }
        CdcMapper mapper = new CdcMapper();
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
        Map<String, String> settings = new HashMap<>();
        settings.put("tickerlake.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("tickerlake.cdc.group-id", "cdc-outage");
        settings.put("tickerlake.cdc.max-poll-interval", "2000");
        settings.put("tickerlake.cdc.retry-attempts", "0");
        settings.put("tickerlake.cdc.send-timeout", "2000");
        settings.put("camel.component.kafka.request-timeout-ms", "1000");
        // One envelope per frame: the test looks for each frame's own envelope.
        settings.put("tickerlake.cdc.envelope-max-rows", "1");
        try (RunningTickerlake app = RunningTickerlake.start(dataDir, settings)) {
            client.send("upbit-ticker", "KRW-BTC", frames.get(0));
            await().atMost(Duration.ofSeconds(30)).until(() -> envelopes(client, mapper, frames.subList(0, 1)));

            // The route fetches this frame and maps it on its next poll, by which time Kafka is gone.
            client.send("upbit-ticker", "KRW-BTC", frames.get(1));
            kafka.close();
            Thread.sleep(6000);
            kafka.start();

            client.send("upbit-ticker", "KRW-BTC", frames.get(2));
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                    .until(() -> envelopes(client, mapper, frames.subList(0, 3)));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("cdc-outage")
                            .partitionsToOffsetAndMetadata().get();
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
                    long ends = admin.listOffsets(latest).all().get().values().stream()
                            .mapToLong(info -> info.offset()).sum();
                    assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
                            .isEqualTo(ends).isEqualTo(3);
                });
            }
        } finally {
            kafka.start();
        }
    }

    /** True when upbit-cdc holds the envelope of every one of {@code frames}. */
    private static boolean envelopes(KafkaTestClient client, CdcMapper mapper, List<byte[]> frames) {
        List<String> values = client.read("upbit-cdc", frames.size(), Duration.ofSeconds(2)).stream()
                .map(ConsumerRecord::value).map(v -> new String(v, StandardCharsets.UTF_8)).toList();
        return frames.stream().allMatch(frame -> values.contains(mapper.map(frame).valueAsString()));
    }

    private static Map<String, String> external(String s3Endpoint, Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.put("tickerlake.s3.endpoint", s3Endpoint);
        settings.put("tickerlake.s3.access-key", "extkey");
        settings.put("tickerlake.s3.secret-key", "extsecret123");
        settings.put("tickerlake.kafka.bootstrap-servers", kafka.bootstrapServers());
        return settings;
    }
}
