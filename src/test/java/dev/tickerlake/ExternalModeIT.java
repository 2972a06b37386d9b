package dev.tickerlake;

import static dev.tickerlake.EmbeddedModeIT.awaitReady;
import static dev.tickerlake.EmbeddedModeIT.listening;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.kafka.Topics;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.testing.S3TestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints configured: tickerlake starts nothing embedded and uses the servers it is given. */
class ExternalModeIT {

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

            try (EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", s3Port, serversDir.resolve("s3-b"), "extkey", "extsecret123")) {
                s3.start();
                awaitReady(app);
                try (S3TestClient client = new S3TestClient(endpoint, "extkey", "extsecret123")) {
                    assertThat(client.buckets()).containsExactlyInAnyOrder("paimon", "checkpoints", "warehouse");
                }
            }
        }
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
