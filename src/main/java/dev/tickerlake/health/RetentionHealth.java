package dev.tickerlake.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Overall health of what Kafka's retention may delete before it is read: for each watched consumer group (the CDC
 * route's on the raw topics, the sync job's on {@code upbit-cdc}) and each of its topics, how much of the topic's
 * retention window ({@code retention.ms}, {@code retention.bytes}, as the broker has them) the group's unread records
 * take. DOWN, naming group, topic and share, once a share reaches the warning fraction; readiness is not affected.
 */
public final class RetentionHealth extends OverallHealthCheck implements AutoCloseable {

    private static final int TIMEOUT_SECONDS = 3;

    private final String bootstrapServers;
    private final Map<String, List<String>> topicsByGroup;
    private final double warnAt;
    private Admin admin;
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param topicsByGroup consumer group → the topics it reads
     * @param warnAt        the share of a retention window (0 to 1) at which the check turns DOWN
     */
    public RetentionHealth(String bootstrapServers, Map<String, List<String>> topicsByGroup, double warnAt) {
        super("kafka-retention");
        this.bootstrapServers = bootstrapServers;
        this.topicsByGroup = Map.copyOf(topicsByGroup);
        this.warnAt = warnAt;
    }

    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("warning-at", Math.round(warnAt * 100) + "% of retention");
        Map<String, UnreadShare> shares;
        try {
            shares = shares();
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof UnknownTopicOrPartitionException) {
                builder.message("topics not created yet").up();
            } else {
                // Kafka itself is readiness's business (check "kafka"); nothing is known about retention meanwhile.
                builder.message("not checked: Kafka does not answer (" + cause.getClass().getSimpleName() + ")").up();
            }
            return;
        }
        List<String> near = new ArrayList<>();
        shares.forEach((groupAndTopic, share) -> {
            builder.detail(groupAndTopic, share.describe());
            if (share.nearLimit(warnAt)) {
                near.add(groupAndTopic.replace("/", " on ") + " at " + Math.round(share.worst() * 100) + "%");
            }
        });
        if (near.isEmpty()) {
            builder.up();
        } else {
            builder.message("Kafka retention will delete records before they are read: " + String.join(", ", near)
                    + " of the retention window").down();
        }
    }

    /** {@code group/topic} → the worst share over the topic's partitions. */
    private Map<String, UnreadShare> shares() throws Exception {
        Admin admin = admin();
        Set<String> topics = new LinkedHashSet<>();
        topicsByGroup.values().forEach(topics::addAll);
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, long[]> limits = limits(admin, topics);

        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        descriptions.values().forEach(topic -> topic.partitions().forEach(p -> {
            TopicPartition partition = new TopicPartition(topic.name(), p.partition());
            earliest.put(partition, OffsetSpec.earliest());
            latest.put(partition, OffsetSpec.latest());
        }));
        Map<TopicPartition, ListOffsetsResultInfo> starts =
                admin.listOffsets(earliest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> sizes = sizes(admin);

        Map<String, UnreadShare> shares = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> watched : topicsByGroup.entrySet()) {
            String group = watched.getKey();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // A group that has not committed for a partition starts at its earliest offset (auto.offset.reset).
            Map<TopicPartition, Long> firstUnread = new HashMap<>();
            for (String topic : watched.getValue()) {
                for (TopicPartition partition : earliest.keySet()) {
                    if (!partition.topic().equals(topic)) {
                        continue;
                    }
                    long start = starts.get(partition).offset();
                    OffsetAndMetadata offset = committed.get(partition);
                    long next = offset == null ? start : Math.max(start, offset.offset());
                    if (next < ends.get(partition).offset()) {
                        firstUnread.put(partition, next);
                    }
                }
            }
            Map<TopicPartition, Long> timestamps = timestamps(firstUnread);
            long now = System.currentTimeMillis();
            for (String topic : watched.getValue()) {
                long[] limit = limits.get(topic);
                UnreadShare worst = new UnreadShare(0, 0, limit[0], 0, limit[1], 0);
                for (TopicPartition partition : earliest.keySet()) {
                    if (!partition.topic().equals(topic)) {
                        continue;
                    }
                    long start = starts.get(partition).offset();
                    long end = ends.get(partition).offset();
                    OffsetAndMetadata offset = committed.get(partition);
                    long deleted = offset != null && offset.offset() < start ? start - offset.offset() : 0;
                    Long next = firstUnread.get(partition);
                    long unread = next == null ? 0 : end - next;
                    Long timestamp = next == null ? null : timestamps.get(partition);
                    long age = timestamp == null ? 0 : now - timestamp;
                    Long size = sizes.get(partition);
                    long unreadBytes = size == null ? -1 : end > start ? size * unread / (end - start) : 0;
                    worst = worst.max(new UnreadShare(unread, age, limit[0], unreadBytes, limit[1], deleted));
                }
                shares.put(group + "/" + topic, worst);
            }
        }
        return shares;
    }

    /** topic → {retention.ms, retention.bytes} as the broker applies them (topic setting or broker default). */
    private static Map<String, long[]> limits(Admin admin, Set<String> topics) throws Exception {
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, long[]> limits = new HashMap<>();
        configs.forEach((resource, config) -> limits.put(resource.name(),
                new long[] {value(config, "retention.ms"), value(config, "retention.bytes")}));
        return limits;
    }

    private static long value(Config config, String key) {
        ConfigEntry entry = config.get(key);
        return entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
    }

    /** Bytes on disk per partition (the largest replica); empty when the cluster does not tell (e.g. no ACL). */
    private static Map<TopicPartition, Long> sizes(Admin admin) {
        Map<TopicPartition, Long> sizes = new HashMap<>();
        try {
            List<Integer> brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .map(Node::id).toList();
            admin.describeLogDirs(brokers).allDescriptions().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .values().forEach(dirs -> dirs.values().forEach(dir -> dir.replicaInfos().forEach(
                            (partition, replica) -> sizes.merge(partition, replica.size(), Math::max))));
        } catch (Exception e) {
            sizes.clear();
        }
        return sizes;
    }

    /** The timestamp of the first record at or after each given offset, read without joining any group. */
    private Map<TopicPartition, Long> timestamps(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> timestamps = new HashMap<>();
        if (offsets.isEmpty()) {
            return timestamps;
        }
        KafkaConsumer<byte[], byte[]> consumer = consumer();
        try {
            consumer.assign(offsets.keySet());
            offsets.forEach(consumer::seek);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (timestamps.size() < offsets.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    timestamps.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.timestamp());
                }
                consumer.pause(timestamps.keySet());
            }
        } finally {
            consumer.unsubscribe();
        }
        return timestamps;
    }

    private Admin admin() {
        if (admin == null) {
            admin = HealthAdmin.create(bootstrapServers, "tickerlake-retention");
        }
        return admin;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tickerlake-retention");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            // One record per partition is all it needs.
            props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 65536);
            props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
            consumer = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
