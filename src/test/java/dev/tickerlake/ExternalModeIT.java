package dev.tickerlake;

import static dev.tickerlake.EmbeddedModeIT.awaitReady;
import static dev.tickerlake.EmbeddedModeIT.listening;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.testing.S3TestClient;
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
    void usesConfiguredServersAndOpensNoEmbeddedPorts(@TempDir Path dataDir) throws Exception {
        int s3Port = EmbeddedKafka.freePort();
        int unusedS3Port = EmbeddedKafka.freePort();
        int unusedKafkaPort = EmbeddedKafka.freePort();
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
