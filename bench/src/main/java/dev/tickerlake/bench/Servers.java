package dev.tickerlake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.kafka.RetentionSettings;
import dev.tickerlake.kafka.Topics;
import dev.tickerlake.support.S3Settings;
import dev.tickerlake.testing.S3TestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The embedded S3 server and Kafka broker of one measurement, on free ports under a fresh directory, with
 * tickerlake's topics created; closing stops both and deletes the directory. Every measurement that starts
 * tickerlake gets its own, so topics and consumer groups start empty.
 */
final class Servers implements AutoCloseable {

    static final List<String> RAW_TOPICS = List.of("upbit-ticker", "upbit-trade", "upbit-orderbook");
    static final String CDC_TOPIC = "upbit-cdc";
    static final String DLQ_TOPIC = "upbit-dlq";
    static final String KEY = "minioadmin";

    private final Path dir;
    private final EmbeddedS3 s3;
    private final EmbeddedKafka kafka;
    private final Admin admin;

    private Servers(Path dir, EmbeddedS3 s3, EmbeddedKafka kafka) {
        this.dir = dir;
        this.s3 = s3;
        this.kafka = kafka;
        this.admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    static Servers start(Path parent, String name) throws Exception {
        return start(parent, name, EmbeddedKafka.freePort());
    }

    /**
     * The same on a given S3 port: the remote run's Flink session cluster, configured once with the S3 endpoint of its
     * checkpoints, meets every run's fresh S3 server at the same address.
     */
    static Servers start(Path parent, String name, int s3Port) throws Exception {
        Path dir = parent.resolve(name);
        deleteTree(dir, true);
        Files.createDirectories(dir);
        EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", s3Port, dir.resolve("s3"), KEY, KEY);
        EmbeddedKafka kafka = new EmbeddedKafka("127.0.0.1", EmbeddedKafka.freePort(), dir.resolve("kafka"));
        s3.start();
        kafka.start();
        Servers servers = new Servers(dir, s3, kafka);
        // tickerlake makes sure of its buckets too, but asynchronously; the harness reads the warehouse at once.
        try (S3TestClient client = new S3TestClient(s3.endpoint(), KEY, KEY)) {
            for (String bucket : Config.application("tickerlake.s3.buckets").split(",")) {
                if (!client.buckets().contains(bucket.trim())) {
                    client.createBucket(bucket.trim());
                }
            }
        }
        String topics = String.join(",", RAW_TOPICS) + "," + CDC_TOPIC + "," + DLQ_TOPIC;
        new Topics(kafka.bootstrapServers(), topics, Integer.parseInt(Config.application("tickerlake.kafka.partitions")),
                1, RetentionSettings.fromSettings(key -> Config.application(key), true)).ensure();
        return servers;
    }

    Path dir() {
        return dir;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String s3Endpoint() {
        return s3.endpoint();
    }

    S3Settings s3Settings() {
        return S3Settings.pathStyle(s3.endpoint(), KEY, KEY);
    }

    /** Paimon catalog options for a warehouse on this S3 server. */
    Map<String, String> catalogOptions(String warehouse) {
        return dev.tickerlake.lake.TimeTravelService.catalogOptions(warehouse, s3.endpoint(), KEY, KEY);
    }

    /** Settings that point a tickerlake at these servers (external mode), with its data under {@code dataDir}. */
    Map<String, String> tickerlakeSettings(String dataDirName) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("tickerlake.data-dir", dir.resolve(dataDirName).toString());
        settings.put("tickerlake.s3.endpoint", s3.endpoint());
        settings.put("tickerlake.s3.access-key", KEY);
        settings.put("tickerlake.s3.secret-key", KEY);
        settings.put("tickerlake.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("tickerlake.admin.users", "bench:bench");
        return settings;
    }

    /** Records on the topics so far (sum of end offsets). */
    long endOffsets(List<String> topics) throws Exception {
        return offsets(topics).values().stream().mapToLong(Long::longValue).sum();
    }

    Map<TopicPartition, Long> offsets(List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Offsets a consumer group committed on the topics' partitions (0 where none). */
    long committed(String group, List<String> topics) throws Exception {
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return committed.entrySet().stream().filter(e -> topics.contains(e.getKey().topic()))
                .filter(e -> e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close();
            kafka.close();
            s3.close();
        } finally {
            deleteTree(dir);
        }
    }

    /** Deletes a directory tree, except Flink's S3 plugin jar: a Hadoop shutdown hook still reads it at exit. */
    static void deleteTree(Path dir) throws IOException {
        deleteTree(dir, false);
    }

    static void deleteTree(Path dir, boolean plugins) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .filter(p -> plugins || !p.toString().contains("flink-plugins"))
                    .forEach(p -> p.toFile().delete());
        }
    }
}
