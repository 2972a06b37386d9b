package dev.tickerlake.health;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness of the Kafka cluster: UP while it answers a describe-cluster request within a few seconds. */
public final class KafkaReadiness extends AbstractHealthCheck implements AutoCloseable {

    private final String bootstrapServers;
    private Admin admin;

    public KafkaReadiness(String bootstrapServers) {
        super("tickerlake", "kafka");
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bootstrap.servers", bootstrapServers);
        try {
            int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                    .nodes().get(4, TimeUnit.SECONDS).size();
            builder.detail("nodes", nodes).up();
        } catch (Exception e) {
            builder.message("Kafka does not answer: " + e.getClass().getSimpleName()).down();
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = HealthAdmin.create(bootstrapServers, "tickerlake-readiness");
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
