package dev.tickerlake.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.support.S3Settings;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Owns the servers of a sync-job integration test class: an S3 server with the {@code paimon} and {@code checkpoints}
 * buckets, a KRaft broker, a producer of envelopes, and a Paimon reader of the warehouse.
 */
abstract class SyncJobITSupport {

    static final String WAREHOUSE = "s3://paimon/warehouse";
    static final Duration VISIBLE = Duration.ofSeconds(120);

    static Path dir;
    static EmbeddedS3 s3;
    static EmbeddedKafka kafka;
    static S3Settings s3Settings;
    static KafkaProducer<byte[], byte[]> producer;
    static PaimonTestTables tables;

    @BeforeAll
    static void startServers() throws Exception {
        dir = Files.createTempDirectory("tickerlake-sync-it");
        Path buckets = dir.resolve("s3");
        Files.createDirectories(buckets.resolve("paimon"));
        Files.createDirectories(buckets.resolve("checkpoints"));
        s3 = new EmbeddedS3("127.0.0.1", EmbeddedKafka.freePort(), buckets, "it-access", "it-secret-do-not-log");
        kafka = new EmbeddedKafka("127.0.0.1", EmbeddedKafka.freePort(), dir.resolve("kafka"));
        s3.start();
        kafka.start();
        s3Settings = S3Settings.pathStyle(s3.endpoint(), s3.accessKey(), s3.secretKey());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer = new KafkaProducer<>(props);
        tables = new PaimonTestTables(WAREHOUSE, s3Settings);
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (tables != null) {
            tables.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Test settings: 1 s checkpoints, the contract's table options, everything named after {@code name}. */
    static SyncJobSettings.Builder settings(String name) {
        return SyncJobSettings.builder()
                .warehouse(WAREHOUSE)
                .s3(s3Settings)
                .bootstrapServers(kafka.bootstrapServers())
                .topic(name + "-cdc")
                .consumerGroup(name + "-sync")
                .database(name)
                .partitionKeys(List.of("dt"))
                .tableOption("bucket", "4")
                .tableOption("changelog-producer", "input")
                .tableOption("merge-engine", "deduplicate")
                .tableOption("sequence.field", "timestamp")
                .checkpointInterval(Duration.ofSeconds(1))
                .checkpointDir("s3://checkpoints/" + name)
                .localDir(dir.resolve("local").resolve(name))
                .restartDelay(Duration.ofMillis(500))
                .jobName(name + "-sync");
    }

    static void createTopic(String topic, int partitions) throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    static void send(String topic, List<CanalRow> rows, ExpectedTables expected) {
        for (CanalRow row : rows) {
            producer.send(new ProducerRecord<>(topic, row.keyBytes(), row.envelope()));
            if (expected != null) {
                expected.add(row);
            }
        }
        producer.flush();
    }

    static void sendRaw(String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(), value.getBytes()));
        producer.flush();
    }

    /** Waits until {@code table} holds exactly the expected rows among those {@code which} selects. */
    static void awaitTableEquals(String database, String table, List<String> pkNames, ExpectedTables expected,
            Predicate<CanalRow> which, Predicate<Map<String, Object>> whichActual) {
        await().atMost(VISIBLE).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            Set<String> columns = tables.columnTypes(database, table).keySet();
            assertThat(ExpectedTables.byPrimaryKey(tables.rows(database, table), pkNames, whichActual))
                    .isEqualTo(expected.rows(table, columns, which));
        });
    }

    /** Scans every object on the S3 server (tables, checkpoints, savepoints) for {@code text}. */
    static void assertNoObjectContains(String text) throws Exception {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir.resolve("s3"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                for (int i = 0; i + needle.length <= content.length; i++) {
                    if (java.util.Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                        throw new AssertionError(file + " contains the secret");
                    }
                }
            }
        }
    }

    static void awaitTableEquals(String database, String table, List<String> pkNames, ExpectedTables expected) {
        awaitTableEquals(database, table, pkNames, expected, row -> true, row -> true);
    }
}
