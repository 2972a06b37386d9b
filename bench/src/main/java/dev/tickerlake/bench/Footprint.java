package dev.tickerlake.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;

/**
 * Footprint of {@code java -jar target/tickerlake.jar} in embedded mode (its own S3 server and Kafka broker, a fresh
 * data directory, free ports, the synthetic feed at its default rate so the sync job works): seconds from the process
 * start to {@code /observe/health/ready} answering UP; after a warm-up, resident memory (VmRSS of the process) and heap
 * used (Jolokia, {@code java.lang:type=Memory}); then SIGTERM and the seconds until it exits.
 */
final class Footprint {

    record Run(double readySeconds, double rssMb, double heapUsedMb, double stopSeconds) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final BenchOptions options;

    Footprint(BenchOptions options) {
        this.options = options;
    }

    Run run(String name, Path jar) throws Exception {
        Path dir = Files.createDirectories(options.workDir().resolve(name));
        int management = EmbeddedKafka.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString(),
                "--tickerlake.data-dir=" + dir.resolve("data"),
                "--tickerlake.embedded.s3-port=" + EmbeddedKafka.freePort(),
                "--tickerlake.embedded.kafka-port=" + EmbeddedKafka.freePort(),
                "--camel.server.port=" + EmbeddedKafka.freePort(),
                "--camel.management.port=" + management,
                "--tickerlake.source=synthetic"));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("tickerlake.log").toFile()).start();
        try {
            long start = System.nanoTime();
            String base = "http://127.0.0.1:" + management + "/observe";
            while (!ready(base)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("tickerlake exited with " + process.exitValue() + "; see "
                            + dir.resolve("tickerlake.log"));
                }
                if (System.nanoTime() - start > 180_000_000_000L) {
                    throw new IllegalStateException("tickerlake not ready within 180 s");
                }
                Thread.sleep(100);
            }
            double ready = Progress.seconds(start, System.nanoTime());
            Progress.say("%s: ready after %.1f s; warming up %d s (synthetic feed, sync job)", name, ready,
                    options.footprintWarmup().toSeconds());
            Thread.sleep(options.footprintWarmup().toMillis());
            double rss = rssKb(process.pid()) / 1024.0;
            HttpResponse<String> heap = HTTP.send(HttpRequest.newBuilder(URI.create(base
                            + "/jolokia/read/java.lang:type=Memory/HeapMemoryUsage"))
                    .header("Origin", "http://localhost:8090").timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            double heapUsed = new ObjectMapper().readTree(heap.body()).path("value").path("used").asLong(-1)
                    / 1024.0 / 1024.0;
            long stopping = System.nanoTime();
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Run run = new Run(ready, rss, heapUsed, Progress.seconds(stopping, System.nanoTime()));
            Progress.say("%s: RSS %.0f MB, heap used %.0f MB; stopped %.1f s after SIGTERM", name, rss, heapUsed,
                    run.stopSeconds());
            return run;
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
            Servers.deleteTree(dir);
        }
    }

    private static boolean ready(String base) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("UP");
        } catch (Exception e) {
            return false;
        }
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }
}
