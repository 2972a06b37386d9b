package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.testing.S3TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buckets route, unchanged, under the real Camel JBang CLI ({@code camel run}, 4.17.0 from Maven, in a child JVM)
 * against an S3 server: the README's "Edit routes with Camel JBang" command, offline.
 *
 * <p>The build provides the CLI's classpath (execution {@code jbang-cli}: {@code src/test/jbang/pom.xml}), tickerlake's
 * classes ({@code target/tickerlake-classes.jar}) and, in the local Maven repository, what the CLI resolves for the
 * route at run time (so it runs with {@code --download=false}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public class CamelJBangIT {

    private static final String ACCESS_KEY = "jbang-access";
    private static final String SECRET_KEY = "jbang-secret";
    private static final List<String> BUCKETS = List.of("paimon", "checkpoints", "warehouse");

    @TempDir
    Path work;

    @Test
    void bucketsRouteUnderCamelRunCreatesEveryBucket() throws Exception {
        try (EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", EmbeddedKafka.freePort(), work.resolve("s3"), ACCESS_KEY,
                SECRET_KEY);
                S3TestClient client = startedClient(s3)) {
            assertThat(client.buckets()).isEmpty();
            Path log = work.resolve("camel-run.log");
            Process camel = camelRun(log,
                    "--prop=tickerlake.s3.endpoint=" + s3.endpoint(),
                    "--prop=tickerlake.s3.access-key=" + ACCESS_KEY,
                    "--prop=tickerlake.s3.secret-key=" + SECRET_KEY,
                    // The admin and management servers of application.properties, on free loopback ports.
                    "--prop=camel.server.host=127.0.0.1",
                    "--prop=camel.server.port=" + EmbeddedKafka.freePort(),
                    "--prop=camel.management.port=" + EmbeddedKafka.freePort(),
                    // Metrics and Jolokia would make the CLI download their components; this run needs neither.
                    "--prop=camel.metrics.enabled=false",
                    "--prop=camel.management.metrics-enabled=false",
                    "--prop=camel.management.jolokia-enabled=false",
                    path("application.properties"),
                    path("routes/buckets.camel.yaml"),
                    classesJar().toString());
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .failFast("camel run exited", () -> !camel.isAlive())
                        .untilAsserted(() -> assertThat(client.buckets()).containsExactlyInAnyOrderElementsOf(BUCKETS));
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(Files.readString(log))
                                .contains("Buckets ready: paimon,checkpoints,warehouse"));

                camel.destroy();
                assertThat(camel.waitFor(30, TimeUnit.SECONDS)).as("camel run stops on SIGTERM").isTrue();
                assertThat(Files.readString(log))
                        .contains("Apache Camel 4.17.0 (tickerlake) started")
                        .contains("Bucket paimon created", "Bucket checkpoints created", "Bucket warehouse created")
                        // Logged by the context as it stops (the CLI's own last line may be cut by the JVM's exit).
                        .contains("Apache Camel 4.17.0 (tickerlake) shutdown in");
            } catch (Throwable e) {
                System.out.println("---- camel run output (" + log + ") ----");
                System.out.println(Files.exists(log) ? Files.readString(log) : "(none)");
                throw e;
            } finally {
                camel.destroy();
                if (!camel.waitFor(30, TimeUnit.SECONDS)) {
                    camel.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * {@code camel run ARGS} in a child JVM from the CLI's classpath, working in the temp dir (where it keeps its
     * {@code .camel-jbang} state); route dependencies come from the local Maven repository only.
     */
    private Process camelRun(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmaven.repo.local=" + requiredProperty("tickerlake.jbang.local-repository"),
                "-cp", Files.readString(Path.of(requiredProperty("tickerlake.jbang.cli-classpath"))).trim(),
                path("src/test/jbang/CamelJBang.java"),
                "run",
                "--download=false",
                "--logging-color=false",
                // A safety net should this test's JVM die first: the child stops by itself.
                "--max-seconds=170"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
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
