package dev.tickerlake.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tickerlake.embedded.EmbeddedKafka;

/**
 * Hawtio started the way {@code mvn -Phawtio} starts it: {@code src/hawtio/Hawtio.java} in a JVM of its own, with only
 * Hawtio's jars on its classpath ({@code target/hawtio/lib}, copied by the {@code hawtio} execution before
 * {@code integration-test}), on a free port of 127.0.0.1 and a given work directory. Close it to stop that JVM.
 */
public final class RunningHawtio implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private RunningHawtio(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Hawtio's JVM, opening {@code tickerlake} (a Jolokia URL); {@link #awaitUp} waits for it. */
    public static RunningHawtio start(Path work, URI tickerlake) throws IOException {
        Path hawtioDir = Path.of(System.getProperty("tickerlake.hawtio.dir", "target/hawtio"));
        Path launcher = Path.of(System.getProperty("tickerlake.hawtio.launcher", "src/hawtio/Hawtio.java"));
        if (!Files.isDirectory(hawtioDir.resolve("lib"))) {
            throw new IllegalStateException("No Hawtio jars in " + hawtioDir.resolve("lib")
                    + ": run mvn dependency:copy@hawtio (bound to pre-integration-test) first");
        }
        int port = EmbeddedKafka.freePort();
        Files.createDirectories(work);
        Path log = work.resolve("hawtio.log");
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", hawtioDir.resolve("lib") + "/*",
                launcher.toString(),
                "--host=127.0.0.1", "--port=" + port, "--tickerlake=" + tickerlake, "--work=" + work)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new RunningHawtio(process, port, log);
    }

    /** Waits until Hawtio serves its console; fails with Hawtio's output if its JVM ends or takes too long. */
    public RunningHawtio awaitUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Hawtio exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                if (get("/hawtio/").statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Hawtio not up within " + timeout + ":\n" + output());
    }

    /** The origin a browser showing Hawtio's pages sends with its requests. */
    public String origin() {
        return "http://127.0.0.1:" + port;
    }

    /** GET on Hawtio. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST on Hawtio, with extra headers (Origin, Authorization). */
    public HttpResponse<String> post(String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What Hawtio's JVM printed so far. */
    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
