package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.tickerlake.testing.ListeningSockets;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.testing.S3TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar} with nothing configured: embedded S3 and Kafka start, buckets appear, readiness turns UP. */
public class EmbeddedModeIT {

    @TempDir
    Path dataDir;

    @Test
    void startsEmbeddedServersCreatesBucketsAndKeepsDataAcrossRestart() throws Exception {
        String s3Endpoint;
        try (RunningTickerlake app = RunningTickerlake.start(dataDir, Map.of())) {
            s3Endpoint = app.property("tickerlake.s3.endpoint");
            awaitReady(app);
            assertThat(app.management("/observe/health/live").statusCode()).isEqualTo(200);
            try (S3TestClient s3 = new S3TestClient(s3Endpoint, "minioadmin", "minioadmin")) {
                assertThat(s3.buckets()).contains("paimon", "checkpoints", "warehouse");
                s3.put("warehouse", "before-restart.txt", "kept");
            }
            assertThat(listening(app.property("tickerlake.kafka.bootstrap-servers"))).isTrue();
            // No users configured: admin/admin opens the admin API, so it listens on loopback only, although
            // application.properties says camel.server.host=0.0.0.0.
            assertThat(ListeningSockets.addresses(Integer.parseInt(app.property("camel.server.port"))))
                    .as("addresses the admin API listens on with the dev mode's default user").containsExactly("127.0.0.1");
        }
        assertThat(listening(s3Endpoint.substring("http://".length()))).as("embedded S3 stopped").isFalse();

        try (RunningTickerlake app = RunningTickerlake.start(dataDir,
                Map.of("tickerlake.embedded.s3-port", s3Endpoint.substring(s3Endpoint.lastIndexOf(':') + 1)))) {
            awaitReady(app);
            try (S3TestClient s3 = new S3TestClient(s3Endpoint, "minioadmin", "minioadmin")) {
                assertThat(s3.buckets()).containsExactlyInAnyOrder("paimon", "checkpoints", "warehouse");
                assertThat(s3.get("warehouse", "before-restart.txt")).isEqualTo("kept");
            }
        }
    }

    public static void awaitReady(RunningTickerlake app) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(app.healthStatus("/observe/health/ready")).isEqualTo("UP"));
    }

    static boolean listening(String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        try (Socket socket = new Socket(host, port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
