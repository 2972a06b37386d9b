package dev.tickerlake.kafka;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates tickerlake's Kafka topics when they are missing, with the configured partitions and replication factor, so
 * nothing depends on the broker's auto-creation.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private final String bootstrapServers;
    private final List<String> names;
    private final int partitions;
    private final short replicationFactor;
    private volatile boolean ready;

    public Topics(String bootstrapServers, String names, int partitions, int replicationFactor) {
        this.bootstrapServers = bootstrapServers;
        this.names = Arrays.stream(names.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        this.partitions = partitions;
        this.replicationFactor = (short) replicationFactor;
    }

    /** Creates the missing topics; throws while Kafka is unreachable so the calling route retries. */
    public void ensure() throws Exception {
        if (ready) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.CLIENT_ID_CONFIG, "tickerlake-topics"))) {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            for (String name : names) {
                if (existing.contains(name)) {
                    LOG.info("Topic {} found", name);
                    continue;
                }
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor)))
                            .all().get(10, TimeUnit.SECONDS);
                    LOG.info("Topic {} created ({} partitions, replication factor {})", name, partitions,
                            replicationFactor);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    LOG.info("Topic {} found", name);
                }
            }
            awaitLeaders(admin);
        }
        ready = true;
    }

    /**
     * Waits until every partition has a leader: producing to a partition created a moment ago can otherwise answer
     * NOT_LEADER, and an idempotent producer then loops on OUT_OF_ORDER_SEQUENCE_NUMBER.
     */
    private void awaitLeaders(Admin admin) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            boolean led;
            try {
                Map<String, TopicDescription> topics =
                        admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                led = topics.values().stream().allMatch(
                        t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            } catch (ExecutionException e) {
                // A topic created a moment ago may not be in the metadata yet.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                led = false;
            }
            if (led) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("Kafka topics have partitions without a leader: " + names);
            }
            Thread.sleep(100);
        }
    }

    public boolean isReady() {
        return ready;
    }

    public List<String> names() {
        return names;
    }
}
