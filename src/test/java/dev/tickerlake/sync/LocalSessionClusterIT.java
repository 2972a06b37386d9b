package dev.tickerlake.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.testing.FlinkSessionCluster;
import dev.tickerlake.testing.ListeningSockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local Flink session cluster of {@code mvn -Pflink-cluster} (src/flink-cluster/LocalSessionCluster.java), which
 * remote mode's tests run on: one TaskManager with 2 slots on 127.0.0.1 only, a killed TaskManager started again, a
 * taken port refused in one line, and nothing left running once it is stopped. One cluster for the class, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalSessionClusterIT {

    private static final String S3_SECRET = "it-secret-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path work;

    private static FlinkSessionCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        // An S3 endpoint nobody serves: nothing here writes to S3, the keys only have to reach the cluster's config.
        cluster = FlinkSessionCluster.onFreePort(work.resolve("cluster"))
                .s3("http://127.0.0.1:" + EmbeddedKafka.freePort(), "it-access", S3_SECRET)
                .start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void startsOneTaskManagerWithTwoSlotsAndSaysSoInOneLine() throws Exception {
        JsonNode overview = cluster.get("/overview");
        assertThat(overview.path("taskmanagers").asInt()).isEqualTo(1);
        assertThat(overview.path("slots-total").asInt()).isEqualTo(2);
        assertThat(overview.path("flink-version").asText()).isEqualTo("1.20.3");
        assertThat(cluster.launcherOutput().lines().toList()).singleElement().asString()
                .matches("Flink 1\\.20\\.3 session cluster ready in \\d+\\.\\d s: REST and web UI "
                        + "http://127\\.0\\.0\\.1:" + cluster.restPort() + " \\(1 TaskManager, 2 slots\\).*; Ctrl-C stops it");

        HttpResponse<String> webUi = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cluster.restUrl() + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(webUi.statusCode()).as("the web UI").isEqualTo(200);
        assertThat(webUi.body()).contains("<html");
    }

    @Test
    @Order(2)
    void listensOnLoopbackOnlyAndKeepsTheS3SecretToItself() throws Exception {
        assertThat(ListeningSockets.addresses(cluster.restPort())).containsExactly("127.0.0.1");
        List<String> sockets = new ArrayList<>();
        sockets.addAll(ListeningSockets.ofProcess(cluster.jobManager().orElseThrow().pid()));
        sockets.addAll(ListeningSockets.ofProcess(cluster.taskManagerPid()));
        assertThat(sockets).as("every socket the JobManager and TaskManager listen on (REST, RPC, blob, data, metrics)")
                .hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(socket -> assertThat(socket).startsWith("127.0.0.1:"));

        Path config = work.resolve("cluster/conf/config.yaml");
        assertThat(Files.readString(config)).contains("s3.secret-key: \"" + S3_SECRET + "\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(cluster.launcherOutput()).doesNotContain(S3_SECRET);
        for (String log : List.of("jobmanager.log", "taskmanager.log", "jobmanager.out", "taskmanager.out")) {
            assertThat(Files.readString(work.resolve("cluster/log").resolve(log))).as(log).doesNotContain(S3_SECRET);
        }
        assertThat(FlinkSessionCluster.commandLine(cluster.launcher())).as("the launcher's command line")
                .contains("--s3-endpoint=").doesNotContain(S3_SECRET);
    }

    @Test
    @Order(3)
    void aKilledTaskManagerIsStartedAgainAndRegisters() throws Exception {
        List<String> before = cluster.taskManagerIds();
        long killed = cluster.killTaskManager();

        await("a new TaskManager registered, the killed one dropped").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    List<String> now = cluster.taskManagerIds();
                    return now.size() == 1 && !before.contains(now.get(0));
                });
        assertThat(cluster.awaitTaskManagers(1, Duration.ofSeconds(10))).doesNotContainAnyElementsOf(before);
        assertThat(cluster.taskManagerPid()).isNotEqualTo(killed);
        assertThat(cluster.launcherOutput()).contains("TaskManager exited (code 137); starting it again");
    }

    @Test
    @Order(4)
    void aTakenRestPortIsOneLineAndExitCode2() throws Exception {
        FlinkSessionCluster second = FlinkSessionCluster.onPort(cluster.restPort(), work.resolve("second"));
        assertThatThrownBy(second::start).hasMessageContaining("exited with code 2");
        assertThat(second.launcherOutput().lines().toList()).singleElement().asString()
                .startsWith("flink-cluster: port " + cluster.restPort() + " on 127.0.0.1 is already in use");
        assertThat(second.processes()).isEmpty();
    }

    @Test
    @Order(5)
    void closeStopsTheTaskManagerThenTheJobManagerAndLeavesNothing() throws Exception {
        List<ProcessHandle> processes = cluster.processes();
        assertThat(processes).as("launcher, JobManager, TaskManager").hasSize(3);

        cluster.close();

        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(cluster.launcherOutput())
                .containsPattern("TaskManager stopped \\(pid \\d+\\) in [\\d.]+ s\\RJobManager stopped \\(pid \\d+\\)");
        try (ServerSocket rest = new ServerSocket(cluster.restPort(), 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(rest.getLocalPort()).as("the REST port is free again").isEqualTo(cluster.restPort());
        }
        cluster = null;
    }
}
