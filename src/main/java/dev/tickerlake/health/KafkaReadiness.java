package dev.tickerlake.health;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tickerlake-readiness");
            admin = Admin.create(props);
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
