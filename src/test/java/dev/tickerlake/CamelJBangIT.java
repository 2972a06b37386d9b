package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.lake.UpbitTables;
import dev.tickerlake.testing.KafkaTestClient;
import dev.tickerlake.testing.S3TestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.paimon.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route files, unchanged, under the real Camel JBang CLI ({@code camel run}, 4.17.0 from Maven, in a child JVM),
 * offline: the buckets route against an S3 server, then every route file at once against a Kafka broker and a local
 * warehouse. The README's "Edit routes with Camel JBang" commands.
 *
 * <p>The build provides the CLI's classpath (execution {@code jbang-cli}: {@code src/test/jbang/pom.xml}), tickerlake's
 * dependencies without Camel's own artifacts (execution {@code jbang-deps}), tickerlake's classes
 * ({@code target/tickerlake-classes.jar}) and, in the local Maven repository, what the CLI resolves for the routes at
 * run time (so it runs with {@code --download=false}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public class CamelJBangIT {

    private static final String ACCESS_KEY = "jbang-access";
    private static final String SECRET_KEY = "jbang-secret";
    private static final List<String> BUCKETS = List.of("paimon", "checkpoints", "warehouse");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void bucketsRouteUnderCamelRunCreatesEveryBucket() throws Exception {
        try (EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", EmbeddedKafka.freePort(), work.resolve("s3"), ACCESS_KEY,
                SECRET_KEY);
                S3TestClient client = startedClient(s3)) {
            assertThat(client.buckets()).isEmpty();
            try (CamelRun camel = camelRun(Path.of(""), List.of(
                            "--prop=tickerlake.s3.endpoint=" + s3.endpoint(),
                            "--prop=tickerlake.s3.access-key=" + ACCESS_KEY,
                            "--prop=tickerlake.s3.secret-key=" + SECRET_KEY),
                    "routes/buckets.camel.yaml")) {
                camel.check(() -> {
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                            .failFast("camel run exited", () -> !camel.process.isAlive())
                            .untilAsserted(() -> assertThat(client.buckets())
                                    .containsExactlyInAnyOrderElementsOf(BUCKETS));
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                            .untilAsserted(() -> assertThat(camel.output())
                                    .contains("Buckets ready: paimon,checkpoints,warehouse"));

                    camel.process.destroy();
                    assertThat(camel.process.waitFor(30, TimeUnit.SECONDS)).as("camel run stops on SIGTERM").isTrue();
                    assertThat(camel.output())
                            .contains("Apache Camel 4.17.0 (tickerlake) started")
                            .contains("Bucket paimon created", "Bucket checkpoints created", "Bucket warehouse created")
                            // Logged by the context as it stops (the CLI's own last line may be cut by the JVM's exit).
                            .contains("Apache Camel 4.17.0 (tickerlake) shutdown in");
                });
            }
        }
    }

    /**
     * Every route file under one {@code camel run} (no feed source), against a Kafka broker and a local warehouse with a
     * table written by the test: the admin API reads it over HTTP; raw frames in, envelopes on upbit-cdc and a dead
     * letter with its cause on upbit-dlq out; the sync job writes the envelopes into tables of its own, read back through
     * the admin API; then, as with {@code --dev}, a route file edited on disk is reloaded in the same process; the CLI
     * stops with a savepoint.
     */
    @Test
    void everyRouteUnderOneCamelRunFromRawFramesToTheAdminApi() throws Exception {
        Path warehouse = work.resolve("warehouse");
        try (UpbitTables tables = new UpbitTables(UpbitTables.localOptions(warehouse))) {
            tables.createTicker("ticker", Map.of());
            tables.commit("ticker",
                    UpbitTables.ticker(RowKind.INSERT, "KRW-BTC", 95_000_000.0, UpbitTables.T0 + 1_000),
                    UpbitTables.ticker(RowKind.INSERT, "KRW-ETH", 4_250_000.0, UpbitTables.T0 + 2_000));
        }
        try (EmbeddedKafka kafka = new EmbeddedKafka("127.0.0.1", EmbeddedKafka.freePort(), work.resolve("kafka"))) {
            kafka.start();
            KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
            byte[] bad = "this is not json".getBytes(StandardCharsets.UTF_8);
            // A copy of application.properties and routes/, so the test can edit a route file: the CLI watches the
            // directory of the first file it is given.
            Path app = Files.createDirectories(work.resolve("app/routes")).getParent();
            Files.copy(Path.of("application.properties"), app.resolve("application.properties"));
            List<String> routes = new ArrayList<>();
            try (var files = Files.list(Path.of("routes"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                    Files.copy(file, app.resolve(file));
                    routes.add(file.toString());
                }
            }
            try (CamelRun camel = camelRun(app, List.of(
                            // Reloads only the saved file: application.properties sets
                            // camel.main.routes-reload-remove-all-routes=false (Camel 4.17 fails otherwise).
                            "--dev",
                            "--prop=tickerlake.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                            "--prop=tickerlake.kafka.partitions=1",
                            "--prop=tickerlake.source=none",
                            // The sync job writes its tables next to the test's, in a database of its own.
                            "--prop=tickerlake.paimon.warehouse=" + warehouse.toUri(),
                            "--prop=tickerlake.paimon.database=synced",
                            "--prop=tickerlake.flink.checkpoint-interval=2s",
                            "--prop=tickerlake.flink.checkpoint-dir=" + work.resolve("checkpoints").toUri(),
                            "--prop=tickerlake.flink.savepoint-dir=" + work.resolve("savepoints").toUri(),
                            "--prop=tickerlake.data-dir=" + work.resolve("data"),
                            // A local warehouse needs no bucket: readiness holds at once, no S3 is contacted.
                            "--prop=tickerlake.s3.buckets=",
                            "--prop=tickerlake.admin.users=jbang:jbang-password"),
                    routes.toArray(String[]::new))) {
                camel.check(() -> {
                    String api = "http://127.0.0.1:" + camel.serverPort() + "/api";
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                            .failFast("camel run exited", () -> !camel.process.isAlive())
                            .ignoreExceptions()
                            .until(() -> get(api + "/tables").statusCode() == 200);

                    // The admin API on the warehouse.
                    HttpResponse<String> list = get(api + "/tables");
                    assertThat(JSON.readTree(list.body()).path("tables").findValuesAsText("table")).containsExactly("ticker");
                    HttpResponse<String> rows = get(api + "/tables/upbit/ticker/rows");
                    assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
                    assertThat(JSON.readTree(rows.body()).path("rows").findValuesAsText("market"))
                            .containsExactlyInAnyOrder("KRW-BTC", "KRW-ETH");
                    HttpResponse<String> unknown = get(api + "/tables/upbit/nope/rows");
                    assertThat(unknown.statusCode()).isEqualTo(404);
                    assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("no_such_table");
                    HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/tables/upbit/ticker/tags"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"jbang\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(anonymous.statusCode()).isEqualTo(401);
                    assertThat(JSON.readTree(anonymous.body()).path("error").asText()).isEqualTo("unauthorized");

                    // The CDC route on the topics the feed route created.
                    client.sendAll(List.of(
                            new ProducerRecord<>("upbit-ticker", "KRW-BTC", firstFrame("ticker")),
                            new ProducerRecord<>("upbit-ticker", "KRW-BTC", bad),
                            new ProducerRecord<>("upbit-trade", "KRW-BTC", firstFrame("trade")),
                            new ProducerRecord<>("upbit-orderbook", "KRW-BTC", firstFrame("orderbook"))));
                    List<ConsumerRecord<String, byte[]>> envelopes = client.read("upbit-cdc", 3, Duration.ofSeconds(120));
                    assertThat(envelopes).extracting(ConsumerRecord::key).hasSize(3).satisfiesExactlyInAnyOrder(
                            key -> assertThat(key).isEqualTo("ticker|KRW-BTC|2024-05-01"),
                            key -> assertThat(key).matches("trade\\|KRW-BTC\\|\\d+\\|2024-05-01"),
                            key -> assertThat(key).startsWith("orderbook|KRW-BTC|"));
                    for (ConsumerRecord<String, byte[]> envelope : envelopes) {
                        JsonNode value = JSON.readTree(envelope.value());
                        assertThat(value.path("database").asText()).isEqualTo("upbit");
                        assertThat(value.path("table").asText()).isEqualTo(envelope.key().split("\\|")[0]);
                        assertThat(value.path("type").asText()).isEqualTo("INSERT");
                        assertThat(value.path("data").path(0).path("market").asText()).isEqualTo("KRW-BTC");
                    }
                    List<ConsumerRecord<String, byte[]>> deadLetters = client.read("upbit-dlq", 1, Duration.ofSeconds(30));
                    assertThat(deadLetters).hasSize(1);
                    ConsumerRecord<String, byte[]> deadLetter = deadLetters.get(0);
                    assertThat(deadLetter.value()).isEqualTo(bad);
                    assertThat(KafkaTestClient.header(deadLetter, "tickerlake-error-class")).isEqualTo("not-json");
                    assertThat(KafkaTestClient.header(deadLetter, "tickerlake-error-message")).isNotBlank();
                    assertThat(KafkaTestClient.header(deadLetter, "tickerlake-source")).isEqualTo("upbit-ticker/0/1");
                    assertThat(KafkaTestClient.header(deadLetter, "tickerlake-frame-bytes")).isEqualTo("16");

                    // The sync job: the envelopes become rows of its tables, read through the admin API.
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                            .untilAsserted(() -> assertThat(JSON.readTree(get(api + "/tables/synced/ticker/rows").body())
                                    .path("rows").findValuesAsText("market")).containsExactly("KRW-BTC"));
                    assertThat(JSON.readTree(get(api + "/sync").body()).path("state").asText()).isEqualTo("RUNNING");

                    // Hot reload: a route file's log text edited; the route is reloaded and runs again, same process.
                    Path buckets = app.resolve("routes/buckets.camel.yaml");
                    String edited = Files.readString(buckets)
                            .replace("log: \"Buckets ready: ", "log: \"Buckets reloaded: ");
                    assertThat(edited).contains("Buckets reloaded: ");
                    Path temp = work.resolve("buckets.camel.yaml.edited");
                    Files.writeString(temp, edited);
                    // Moved in whole: the watcher never reads a half-written file.
                    Files.move(temp, buckets, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                            .failFast("camel run exited or failed to reload", () -> !camel.process.isAlive()
                                    || camel.output().contains("Error reloading routes"))
                            .untilAsserted(() -> assertThat(camel.output())
                                    .contains("Routes reloaded summary (total:1 started:1)", "Buckets reloaded: "));
                    assertThat(get(api + "/tables").statusCode()).isEqualTo(200);

                    camel.process.destroy();
                    assertThat(camel.process.waitFor(60, TimeUnit.SECONDS)).as("camel run stops on SIGTERM").isTrue();
                    assertThat(camel.output())
                            .contains("Apache Camel 4.17.0 (tickerlake) started")
                            .containsPattern("Sync job \\w+ stopped with savepoint file:");
                });
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The first frame of {@code src/test/resources/frames/<type>.jsonl} (KRW-BTC, 2024-05-01). */
    private static byte[] firstFrame(String type) throws IOException {
        try (var in = CamelJBangIT.class.getResourceAsStream("/frames/" + type + ".jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElseThrow()
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * {@code camel run} of application.properties and the given files of {@code base} (this repository or a copy of it)
     * and tickerlake's classes jar, in a child JVM: the CLI's classpath, then tickerlake's dependencies without Camel's
     * (so the CLI's Camel 4.17 is the only Camel), with Flink's {@code --add-opens}; working in the temp dir (where it
     * keeps its {@code .camel-jbang} state); route dependencies come from the local Maven repository only.
     */
    private CamelRun camelRun(Path base, List<String> properties, String... files) throws IOException {
        Path log = work.resolve("camel-run-" + System.nanoTime() + ".log");
        int serverPort = EmbeddedKafka.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(requiredProperty("tickerlake.jbang.jvm-options").trim().split("\\s+")));
        command.addAll(List.of(
                "-Dmaven.repo.local=" + requiredProperty("tickerlake.jbang.local-repository"),
                "-cp", read("tickerlake.jbang.cli-classpath") + java.io.File.pathSeparator
                        + read("tickerlake.jbang.deps-classpath"),
                path("src/test/jbang/CamelJBang.java"),
                "run",
                "--download=false",
                "--logging-color=false",
                // Each file's beans are made as it is read; admin-api's name the lake and the sync job of later files.
                "--lazy-bean",
                // A safety net should this test's JVM die first: the child stops by itself.
                "--max-seconds=170",
                // The admin server of application.properties on a free loopback port.
                "--prop=camel.server.host=127.0.0.1",
                "--prop=camel.server.port=" + serverPort,
                // No management server: next to a second Vert.x server, Camel 4.17's platform-http cannot tell which
                // one the REST routes belong to and looks for a router on port 8080 (CamelContext fails to start).
                "--prop=camel.management.enabled=false",
                // Metrics would make the CLI download camel-micrometer-prometheus; these runs need none.
                "--prop=camel.metrics.enabled=false"));
        command.addAll(properties);
        command.add(base.resolve("application.properties").toAbsolutePath().toString());
        for (String file : files) {
            command.add(base.resolve(file).toAbsolutePath().toString());
        }
        command.add(classesJar().toString());
        Process process = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new CamelRun(process, log, serverPort);
    }

    /** A running {@code camel run} (its admin server on {@code serverPort}): output printed when a check fails. */
    private record CamelRun(Process process, Path log, int serverPort) implements AutoCloseable {

        String output() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "(none)";
        }

        void check(Check check) throws Exception {
            try {
                check.run();
            } catch (Throwable e) {
                System.out.println("---- camel run output (" + log + ") ----");
                System.out.println(output());
                throw e;
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private interface Check {
        void run() throws Exception;
    }

    private static S3TestClient startedClient(EmbeddedS3 s3) throws Exception {
        s3.start();
        return new S3TestClient(s3.endpoint(), ACCESS_KEY, SECRET_KEY);
    }

    private static Path classesJar() {
        Path jar = Path.of(requiredProperty("tickerlake.jbang.classes-jar"));
        assertThat(jar).as("tickerlake's classes jar (mvn package, or jar:jar@jbang-classes)").isRegularFile();
        return jar;
    }

    /** The one line of a classpath file the build wrote. */
    private static String read(String key) throws IOException {
        return Files.readString(Path.of(requiredProperty(key))).trim();
    }

    private static String requiredProperty(String key) {
        String value = System.getProperty(key);
        assertThat(value).as("system property %s (set by failsafe in pom.xml)", key).isNotBlank();
        return value;
    }

    /** A file of this repository, absolute (the child works in a temp dir). */
    private static String path(String relative) {
        return Path.of(relative).toAbsolutePath().toString();
    }
}
