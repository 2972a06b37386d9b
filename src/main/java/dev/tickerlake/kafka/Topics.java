package dev.tickerlake.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates tickerlake's Kafka topics when they are missing, with the configured partitions, replication factor and
 * bounded retention, so nothing depends on the broker's auto-creation. Topics that exist with another retention are
 * aligned when {@link RetentionSettings#alignExisting()} says so, and otherwise left as they are (one log line each).
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private final String bootstrapServers;
    private final List<String> names;
    private final int partitions;
    private final short replicationFactor;
    private final RetentionSettings retention;
    private volatile boolean ready;

    public Topics(String bootstrapServers, String names, int partitions, int replicationFactor,
                  RetentionSettings retention) {
        this.bootstrapServers = bootstrapServers;
        this.names = Arrays.stream(names.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        this.partitions = partitions;
        this.replicationFactor = (short) replicationFactor;
        this.retention = retention;
    }

    /** Creates the missing topics; throws while Kafka is unreachable so the calling route retries. */
    public synchronized void ensure() throws Exception {
        if (ready) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.CLIENT_ID_CONFIG, "tickerlake-topics"))) {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<String> found = new ArrayList<>();
            for (String name : names) {
                if (existing.contains(name)) {
                    found.add(name);
                    continue;
                }
                Map<String, String> configs = retention.of(name).topicConfigs(partitions);
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor).configs(configs)))
                            .all().get(10, TimeUnit.SECONDS);
                    LOG.info("Topic {} created ({} partitions, replication factor {}, retention.ms {}, "
                            + "retention.bytes {})", name, partitions, replicationFactor,
                            configs.get("retention.ms"), configs.get("retention.bytes"));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    found.add(name);
                }
            }
            awaitLeaders(admin);
            checkRetention(admin, found);
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

    /**
     * Topics that existed before (an older tickerlake's data directory, or made by someone else) may keep other
     * limits, e.g. -1 = forever: aligned to the configured retention, or logged as kept.
     */
    private void checkRetention(Admin admin, List<String> found) throws Exception {
        if (found.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(found).allTopicNames().get(10, TimeUnit.SECONDS);
        List<ConfigResource> resources = found.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> current = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
        for (ConfigResource resource : resources) {
            String name = resource.name();
            Map<String, String> wanted =
                    retention.of(name).topicConfigs(descriptions.get(name).partitions().size());
            Map<String, String> differing = new LinkedHashMap<>();
            wanted.forEach((key, value) -> {
                ConfigEntry entry = current.get(resource).get(key);
                if (entry == null || !value.equals(entry.value())) {
                    differing.put(key, entry == null ? "unset" : entry.value());
                }
            });
            if (differing.isEmpty()) {
                LOG.info("Topic {} found", name);
            } else if (retention.alignExisting()) {
                Collection<AlterConfigOp> ops = wanted.entrySet().stream()
                        .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                        .toList();
                admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(10, TimeUnit.SECONDS);
                LOG.info("Topic {} found; retention aligned to the configured limits: {}", name,
                        compared(differing, wanted, " -> "));
            } else {
                LOG.info("Topic {} found; its retention is left as it is ({}); "
                        + "tickerlake.kafka.align-retention=true would set the configured limits", name,
                        compared(differing, wanted, ", configured "));
            }
        }
    }

    /** "retention.ms -1{between}86400000, …" for each setting that differs. */
    private static String compared(Map<String, String> differing, Map<String, String> wanted, String between) {
        StringBuilder text = new StringBuilder();
        differing.forEach((key, is) -> text.append(text.isEmpty() ? "" : ", ")
                .append(key).append(' ').append(is).append(between).append(wanted.get(key)));
        return text.toString();
    }

    public boolean isReady() {
        return ready;
    }

    public List<String> names() {
        return names;
    }
}
