package dev.tickerlake.health;

import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** The Kafka admin client a health check uses: short timeouts, so a call answers well inside a probe's deadline. */
final class HealthAdmin {

    private HealthAdmin() {
    }

    static Admin create(String bootstrapServers, String clientId) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000,
                AdminClientConfig.CLIENT_ID_CONFIG, clientId));
    }
}
