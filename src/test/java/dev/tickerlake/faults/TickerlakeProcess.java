package dev.tickerlake.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;

/**
 * {@code java -jar target/tickerlake.jar} as a child process in the embedded mode (its S3 server and KRaft broker run
 * and die with it), on ports chosen once and reused by every start, with one data directory: what an operator runs,
 * to be killed with SIGKILL and started again. Its output (every start's, in order) goes to one log file.
 */
final class TickerlakeProcess implements AutoCloseable {

    /** The embedded S3 server's credentials (TickerlakeConfiguration.EMBEDDED_CREDENTIAL). */
    static final String S3_CREDENTIAL = "minioadmin";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final Path dataDir;
    private final Path log;
    private final Map<String, String> settings;
    private final int s3Port;
    private final int kafkaPort;
    private final int apiPort;
    private final int managementPort;
    private Process process;
    private int starts;

    /**
     * @param settings {@code key=value} overrides given as {@code --key=value} arguments, after the ports and the data
     *                 directory (so they may override those too)
     */
    TickerlakeProcess(Path jar, Path dataDir, Path log, Map<String, String> settings) throws IOException {
        this.jar = jar.toAbsolutePath();
        this.dataDir = dataDir.toAbsolutePath();
        this.log = log.toAbsolutePath();
        this.settings = new LinkedHashMap<>(settings);
        this.s3Port = EmbeddedKafka.freePort();
        this.kafkaPort = distinctFreePort(s3Port);
        this.apiPort = distinctFreePort(s3Port, kafkaPort);
        this.managementPort = distinctFreePort(s3Port, kafkaPort, apiPort);
        if (!Files.isRegularFile(this.jar)) {
            throw new IllegalStateException(this.jar + " is missing: run mvn package (failsafe runs after it)");
        }
    }

    /** Sets {@code key=value} for the next starts (e.g. a replay at full speed once the first start is done). */
    synchronized void set(String key, String value) {
        settings.put(key, value);
    }

    /** Spawns the process; returns at once (see {@link #awaitReady} and the caller's own waits). */
    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running, pid " + process.pid());
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("tickerlake.data-dir", dataDir.toString());
        all.put("tickerlake.embedded.host", "127.0.0.1");
        all.put("tickerlake.embedded.s3-port", String.valueOf(s3Port));
        all.put("tickerlake.embedded.kafka-port", String.valueOf(kafkaPort));
        all.put("camel.server.port", String.valueOf(apiPort));
        all.put("camel.management.port", String.valueOf(managementPort));
        all.putAll(settings);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx1g");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-jar");
        command.add(jar.toString());
        all.forEach((key, value) -> command.add("--" + key + "=" + value));
        Files.createDirectories(dataDir);
        Files.createDirectories(log.getParent());
        starts++;
        Files.writeString(log, "==== [faults] start " + starts + " at " + Instant.now() + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The embedded mode, whatever this shell exports: no external endpoints, users or config from the environment.
        builder.environment().keySet().removeIf(name -> name.startsWith("TICKERLAKE_") || name.startsWith("S3_")
                || name.startsWith("KAFKA_") || name.startsWith("CAMEL_") || name.equals("JAVA_TOOL_OPTIONS")
                || name.equals("JDK_JAVA_OPTIONS"));
        process = builder.start();
    }

    /**
     * SIGKILL: {@link Process#destroyForcibly()} on Linux and macOS sends signal 9. Waits for the process to be gone
     * and returns its exit status (137 = 128 + 9 on Linux: killed by signal 9).
     */
    synchronized int kill() throws InterruptedException {
        Process current = requireProcess();
        current.destroyForcibly();
        if (!current.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("pid " + current.pid() + " still alive 30 s after SIGKILL");
        }
        // Children of its own would survive it; tickerlake starts none (the servers run inside its JVM).
        return current.exitValue();
    }

    /** SIGTERM (a clean shutdown: savepoint, servers closed), SIGKILL after {@code grace}; returns the exit status. */
    synchronized int stop(Duration grace) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return process == null ? -1 : process.exitValue();
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return requireProcess().pid();
    }

    int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    String s3Endpoint() {
        return "http://127.0.0.1:" + s3Port;
    }

    /** Where the embedded S3 server keeps its objects (filesystem-nio2: buckets are directories). */
    Path s3Dir() {
        return dataDir.resolve("s3");
    }

    Path dataDir() {
        return dataDir;
    }

    /** GET on the management port (health, metrics, Jolokia) as JSON; throws while nothing listens. */
    JsonNode management(String path) throws IOException, InterruptedException {
        return getJson("http://127.0.0.1:" + managementPort + path);
    }

    /** The admin API's base URL, {@code http://127.0.0.1:<port>}. */
    String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    /** GET on the admin API as JSON (reads need no credentials). */
    JsonNode api(String path) throws IOException, InterruptedException {
        return getJson(apiUrl() + path);
    }

    /** An MBean attribute read through Jolokia; {@link JsonNode#missingNode()} when Jolokia answered no value. */
    JsonNode mbean(String name, String attribute) throws IOException, InterruptedException {
        return management("/observe/jolokia/read/" + name + "/" + attribute).path("value");
    }

    /** The last {@code lines} lines of the log (all starts), for a failure message. */
    String logTail(int lines) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - 256L * 1024);
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int first = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.asList(all).subList(first, all.length));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Lines of the log that match {@code regex} (all starts). */
    List<String> logLines(String regex) throws IOException {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> pattern.matcher(line).find()).toList();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            stop(Duration.ofSeconds(30));
        }
    }

    private Process requireProcess() {
        if (process == null) {
            throw new IllegalStateException("not started");
        }
        return process;
    }

    private static JsonNode getJson(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            // Health answers 503 with a JSON body while DOWN; anything else that is not JSON is a failure.
            throw new IOException("GET " + url + ": " + response.statusCode() + " " + response.body(), e);
        }
    }

    private static int distinctFreePort(int... taken) throws IOException {
        while (true) {
            int port = EmbeddedKafka.freePort();
            if (java.util.Arrays.stream(taken).noneMatch(p -> p == port)) {
                return port;
            }
        }
    }
}
