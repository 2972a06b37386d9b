package dev.tickerlake.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;

/**
 * The local Flink session cluster started the way {@code mvn -Pflink-cluster} starts it:
 * {@code src/flink-cluster/LocalSessionCluster.java} from source in a JVM of its own, with the jars, S3 plugin and JVM
 * options the {@code flink-cluster} execution put in {@code target/flink-cluster} before {@code integration-test}; the
 * launcher runs the JobManager and a supervised TaskManager as its child JVMs on 127.0.0.1. Its REST port is chosen when
 * the handle is made, so a test can hand the address to tickerlake before the cluster exists ({@link #onFreePort},
 * later {@link #start}). Close it to stop every JVM it started.
 */
public final class FlinkSessionCluster implements AutoCloseable {

    /** The embedded S3 server's credentials (TickerlakeConfiguration.EMBEDDED_CREDENTIAL). */
    public static final String EMBEDDED_S3_CREDENTIAL = "minioadmin";

    private static final String JOBMANAGER_CLASS = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASKMANAGER_CLASS = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String READY = "session cluster ready in ";
    /** Ready in ~7 s on a quiet 2-core machine; ~58 s was seen at a load average of 22. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int restPort;
    private final Path work;
    private int slots = 2;
    private String taskHeap;
    private String s3Endpoint = "";
    private String s3AccessKey;
    private String s3SecretKey;
    private Process launcher;

    private FlinkSessionCluster(int restPort, Path work) {
        this.restPort = restPort;
        this.work = work.toAbsolutePath();
    }

    /** A cluster on a free REST port of 127.0.0.1, its files (conf, logs, launcher output) under {@code work}; not started. */
    public static FlinkSessionCluster onFreePort(Path work) throws IOException {
        return new FlinkSessionCluster(EmbeddedKafka.freePort(), work);
    }

    /** A cluster on a given REST port; not started. */
    public static FlinkSessionCluster onPort(int restPort, Path work) {
        return new FlinkSessionCluster(restPort, work);
    }

    /** Started on a free port with 2 slots and no S3 settings; see {@link #start()}. */
    public static FlinkSessionCluster start(Path work) throws Exception {
        return onFreePort(work).start();
    }

    /** Task slots of the TaskManager (default 2). */
    public FlinkSessionCluster slots(int slots) {
        requireNotStarted();
        this.slots = slots;
        return this;
    }

    /** The TaskManager's task heap, e.g. {@code 1g} (default: the launcher's, 256m). */
    public FlinkSessionCluster taskHeap(String size) {
        requireNotStarted();
        this.taskHeap = size;
        return this;
    }

    /**
     * The S3 endpoint and keys Flink's S3 plugin uses for {@code s3://} checkpoints and savepoints (default: none). The
     * keys reach the launcher through its environment, never its command line.
     */
    public FlinkSessionCluster s3(String endpoint, String accessKey, String secretKey) {
        requireNotStarted();
        this.s3Endpoint = endpoint;
        this.s3AccessKey = accessKey;
        this.s3SecretKey = secretKey;
        return this;
    }

    /**
     * Starts the launcher and waits (120 s at most) for its ready line: the JobManager answers and the TaskManager's slots
     * are registered. Fails with the launcher's output and the tails of the JobManager's and TaskManager's logs.
     */
    public FlinkSessionCluster start() throws Exception {
        return start(START_TIMEOUT);
    }

    /** {@link #start()} with another timeout. */
    public synchronized FlinkSessionCluster start(Duration timeout) throws Exception {
        if (launcher != null && launcher.isAlive()) {
            throw new IllegalStateException("already running, pid " + launcher.pid());
        }
        Path dir = Path.of(System.getProperty("tickerlake.flink-cluster.dir", "target/flink-cluster")).toAbsolutePath();
        Path source = Path.of(System.getProperty("tickerlake.flink-cluster.launcher",
                "src/flink-cluster/LocalSessionCluster.java")).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("lib"))) {
            throw new IllegalStateException("No Flink cluster jars in " + dir.resolve("lib")
                    + ": run mvn invoker:run@flink-cluster (bound to pre-integration-test) first");
        }
        Files.createDirectories(work);
        Files.deleteIfExists(output());
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                source.toString(),
                "--lib=" + dir.resolve("lib"),
                "--plugins=" + dir.resolve("plugins"),
                "--work=" + work,
                "--rest-port=" + restPort,
                "--slots=" + slots,
                "--s3-endpoint=" + s3Endpoint,
                "--exit-with-parent=true")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output().toFile());
        // Only what this handle says: no S3 keys, Flink settings or JVM options from the shell that runs the tests.
        if (taskHeap != null) {
            builder.command().add("--task-heap=" + taskHeap);
        }
        builder.environment().keySet().removeIf(name -> name.startsWith("S3_") || name.startsWith("FLINK_")
                || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS"));
        if (s3AccessKey != null) {
            builder.environment().put("S3_ACCESS_KEY", s3AccessKey);
            builder.environment().put("S3_SECRET_KEY", s3SecretKey);
        }
        launcher = builder.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (launcherOutput().contains(READY)) {
                return this;
            }
            if (!launcher.isAlive()) {
                throw new IllegalStateException("The Flink cluster's launcher exited with code " + launcher.exitValue()
                        + " before the cluster was ready\n" + diagnostics());
            }
            Thread.sleep(100);
        }
        String diagnostics = diagnostics();
        close();
        throw new IllegalStateException("The Flink cluster was not ready within " + timeout + "\n" + diagnostics);
    }

    public int restPort() {
        return restPort;
    }

    /** {@code http://127.0.0.1:<port>}: the REST API and the web UI. */
    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** {@code 127.0.0.1:<port>}, as tickerlake.flink.jobmanager takes it. */
    public String jobManagerAddress() {
        return "127.0.0.1:" + restPort;
    }

    /** GET on the REST API ({@code overview}, {@code /jobs/overview}, ...); fails on a status other than 200. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        String url = restUrl() + (path.startsWith("/") ? path : "/" + path);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The ids of the TaskManagers registered at the JobManager ({@code GET /taskmanagers}). */
    public List<String> taskManagerIds() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        get("/taskmanagers").path("taskmanagers").forEach(taskManager -> ids.add(taskManager.path("id").asText()));
        return ids;
    }

    /**
     * Waits until exactly {@code count} TaskManagers are registered with all their slots (a killed one is dropped when
     * the JobManager misses its heartbeats, ~10-20 s); returns their ids.
     */
    public List<String> awaitTaskManagers(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            try {
                JsonNode overview = get("/overview");
                last = overview.toString();
                if (overview.path("taskmanagers").asInt() == count && overview.path("slots-total").asInt() == count * slots) {
                    List<String> ids = taskManagerIds();
                    if (ids.size() == count) {
                        return ids;
                    }
                }
            } catch (IOException notAnswering) {
                last = notAnswering.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Not " + count + " TaskManager(s) with " + slots + " slots each within " + timeout
                + "; last /overview: " + last + "\n" + diagnostics());
    }

    /** The launcher's JVM. */
    public ProcessHandle launcher() {
        return requireStarted().toHandle();
    }

    /** The JobManager's JVM, a child of the launcher. */
    public Optional<ProcessHandle> jobManager() {
        return child(JOBMANAGER_CLASS);
    }

    /** The TaskManager's JVM now running (none for a moment after it exited, until the launcher starts it again). */
    public Optional<ProcessHandle> taskManager() {
        return child(TASKMANAGER_CLASS);
    }

    public long taskManagerPid() {
        return taskManager().orElseThrow(() -> new IllegalStateException("No TaskManager process")).pid();
    }

    /**
     * kill -9 of the TaskManager's JVM ({@link ProcessHandle#destroyForcibly()} sends SIGKILL on Linux); returns once
     * it is gone, with its pid. The launcher starts a new one about a second later.
     */
    public long killTaskManager() throws Exception {
        ProcessHandle taskManager = taskManager().orElseThrow(() -> new IllegalStateException("No TaskManager process"));
        taskManager.destroyForcibly();
        taskManager.onExit().get(30, TimeUnit.SECONDS);
        return taskManager.pid();
    }

    /** The launcher and every JVM it started that is alive now. */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> processes = new ArrayList<>();
        if (launcher != null && launcher.isAlive()) {
            processes.add(launcher.toHandle());
            launcher.descendants().forEach(processes::add);
        }
        return processes;
    }

    /** What the launcher printed so far (the ready line, restarts, stops, errors). */
    public String launcherOutput() throws IOException {
        return Files.exists(output()) ? Files.readString(output(), StandardCharsets.UTF_8) : "";
    }

    /** The launcher's output and the last lines of the JobManager's and TaskManager's logs, for failure messages. */
    public String diagnostics() {
        StringBuilder text = new StringBuilder();
        try {
            text.append("--- launcher output (").append(output()).append("):\n").append(launcherOutput());
        } catch (IOException e) {
            text.append(e).append('\n');
        }
        for (String log : List.of("jobmanager.log", "taskmanager.log", "jobmanager.out", "taskmanager.out")) {
            text.append(tail(work.resolve("log").resolve(log), 40));
        }
        return text.toString();
    }

    /**
     * SIGTERM to the launcher (it stops the TaskManager, then the JobManager), SIGKILL after 30 s; then SIGKILL to any JVM
     * it started that is still alive (e.g. after the launcher itself was killed).
     */
    @Override
    public synchronized void close() throws Exception {
        if (launcher == null) {
            return;
        }
        List<ProcessHandle> children = launcher.descendants().toList();
        launcher.destroy();
        if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
            launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private Optional<ProcessHandle> child(String mainClass) {
        return requireStarted().descendants()
                .filter(process -> process.isAlive() && commandLine(process).contains(" " + mainClass + " "))
                .findFirst();
    }

    /**
     * Read from {@code /proc/<pid>/cmdline}: {@link ProcessHandle.Info#arguments()} is empty on Linux for command lines
     * as long as these JVMs' (their classpath).
     */
    public static String commandLine(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return process.info().commandLine().orElse("");
        }
    }

    private Path output() {
        return work.resolve("launcher.log");
    }

    private Process requireStarted() {
        if (launcher == null) {
            throw new IllegalStateException("The Flink cluster was not started");
        }
        return launcher;
    }

    private void requireNotStarted() {
        if (launcher != null) {
            throw new IllegalStateException("Set before start()");
        }
    }

    private static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "--- " + file + ": none\n";
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "--- " + file + " (last " + Math.min(lines, all.size()) + " lines):\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "--- " + file + ": " + e + "\n";
        }
    }
}
