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
import org.apache.kafka.common.errors.TopicExistsException;
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
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
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
        }
        ready = true;
    }

    public boolean isReady() {
        return ready;
    }

    public List<String> names() {
        return names;
    }
}
