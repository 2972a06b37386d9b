import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A local standalone Flink session cluster for tickerlake's remote Flink mode, from Maven artifacts (no flink-dist, no
 * Docker): the JobManager ({@code StandaloneSessionClusterEntrypoint}) and one TaskManager ({@code TaskManagerRunner})
 * as child JVMs, every address and port on 127.0.0.1, Flink's S3 filesystem as a plugin and the S3 endpoint and keys in
 * the cluster's configuration (Flink reads the checkpoint storage's S3 settings from the cluster, not from the job).
 * A TaskManager that exits while the cluster runs is started again, as a supervisor would; the JobManager exiting ends
 * this program with a non-zero code. SIGTERM or Ctrl-C stops the TaskManager, then the JobManager.
 *
 * <p>Not part of tickerlake's build: {@code mvn -Pflink-cluster} puts the cluster's jars in {@code target/flink-cluster/}
 * and runs this file from source ({@code java src/flink-cluster/LocalSessionCluster.java [--option=value ...]}); the
 * integration tests start it the same way (FlinkSessionCluster). Uses the JDK only.
 * Options: {@code --rest-port} (8081: REST API and web UI), {@code --slots} (2), {@code --task-heap} (256m: the
 * TaskManager's task heap), {@code --lib} (the cluster's jars, {@code target/flink-cluster/lib}), {@code --plugins}
 * ({@code target/flink-cluster/plugins}), {@code --jvm-options} (Flink's add-opens list, default read from
 * {@code jvm.options} next to the lib directory), {@code --work} ({@code target/flink-cluster/work}: conf/, log/ and
 * tmp/, rewritten at each start), {@code --s3-endpoint} ({@code http://127.0.0.1:9000}, tickerlake's embedded S3; empty =
 * no S3 settings), {@code --s3-access-key} and {@code --s3-secret-key} (default the environment's S3_ACCESS_KEY and
 * S3_SECRET_KEY, else the embedded S3's dev keys), {@code --exit-with-parent} (false; stop when the process that started
 * this one ends). Exit codes: 2 for a usage error (e.g. the REST port is taken), 1 when the cluster fails.
 */
public class LocalSessionCluster {

    private static final String JOBMANAGER_CLASS = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASKMANAGER_CLASS = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    /** The embedded S3's credential (tickerlake's TickerlakeConfiguration.EMBEDDED_CREDENTIAL), for key and secret. */
    private static final String EMBEDDED_S3_CREDENTIAL = "minioadmin";
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** TaskManager memory, set component by component (flink-dist's scripts would derive the JVM flags the same way). */
    private static final int FRAMEWORK_HEAP_MB = 128;
    private static final int FRAMEWORK_OFF_HEAP_MB = 128;
    private static final int TASK_OFF_HEAP_MB = 0;
    private static final int NETWORK_MB = 64;
    private static final int MANAGED_MB = 128;
    private static final int METASPACE_MB = 256;
    private static final int OVERHEAD_MB = 192;
    private static final String JOBMANAGER_HEAP = "512m";

    /** Flink's log4j2 configuration, as flink-dist's conf/log4j.properties, one file per JVM (system property log.file). */
    private static final String LOG4J = """
            monitorInterval = 0
            rootLogger.level = INFO
            rootLogger.appenderRef.file.ref = MainAppender
            logger.pekko.name = org.apache.pekko
            logger.pekko.level = INFO
            logger.hadoop.name = org.apache.hadoop
            logger.hadoop.level = WARN
            logger.zookeeper.name = org.apache.zookeeper
            logger.zookeeper.level = WARN
            logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3
            logger.shaded_zookeeper.level = WARN
            logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
            logger.netty.level = OFF
            appender.main.name = MainAppender
            appender.main.type = RollingFile
            appender.main.append = true
            appender.main.fileName = ${sys:log.file}
            appender.main.filePattern = ${sys:log.file}.%i
            appender.main.layout.type = PatternLayout
            appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
            appender.main.policies.type = Policies
            appender.main.policies.size.type = SizeBasedTriggeringPolicy
            appender.main.policies.size.size = 100MB
            appender.main.strategy.type = DefaultRolloverStrategy
            appender.main.strategy.max = 3
            """;

    private static final Pattern TASKMANAGERS = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)");
    private static final Pattern SLOTS_TOTAL = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");

    private final int restPort;
    private final int slots;
    private final int taskHeapMb;
    private final Path lib;
    private final Path plugins;
    private final Path work;
    private final List<String> jvmOptions;
    private final String s3Endpoint;
    private final String s3AccessKey;
    private final String s3SecretKey;
    private final boolean exitWithParent;

    private final BlockingQueue<Process> exits = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    private volatile Process jobManager;
    private volatile Process taskManager;
    private volatile boolean stopping;
    private boolean stopped;

    public static void main(String[] args) throws Exception {
        LocalSessionCluster cluster;
        try {
            cluster = new LocalSessionCluster(options(args));
            cluster.checkLayout();
        } catch (UsageException e) {
            System.err.println("flink-cluster: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(cluster.run());
    }

    private LocalSessionCluster(Map<String, String> options) {
        restPort = port(take(options, "rest-port", "8081"));
        slots = positive("slots", take(options, "slots", "2"));
        taskHeapMb = megabytes("task-heap", take(options, "task-heap", "256m"));
        lib = Path.of(take(options, "lib", "target/flink-cluster/lib")).toAbsolutePath().normalize();
        plugins = Path.of(take(options, "plugins", "target/flink-cluster/plugins")).toAbsolutePath().normalize();
        work = Path.of(take(options, "work", "target/flink-cluster/work")).toAbsolutePath().normalize();
        String jvm = options.remove("jvm-options");
        jvmOptions = List.of((jvm != null ? jvm : defaultJvmOptions(lib)).trim().split("\\s+"));
        s3Endpoint = take(options, "s3-endpoint", "http://127.0.0.1:9000").trim();
        s3AccessKey = credential(options.remove("s3-access-key"), "S3_ACCESS_KEY");
        s3SecretKey = credential(options.remove("s3-secret-key"), "S3_SECRET_KEY");
        exitWithParent = Boolean.parseBoolean(take(options, "exit-with-parent", "false"));
        if (!options.isEmpty()) {
            throw new UsageException("unknown option --" + options.keySet().iterator().next()
                    + " (options: --rest-port, --slots, --task-heap, --lib, --plugins, --jvm-options, --work, "
                    + "--s3-endpoint, --s3-access-key, --s3-secret-key, --exit-with-parent)");
        }
    }

    /** The jars, the S3 plugin and a free REST port, checked before anything starts. */
    private void checkLayout() {
        if (jars().isEmpty()) {
            throw new UsageException("no Flink jars in " + lib + " (mvn -Pflink-cluster, or mvn verify, puts them there)");
        }
        if (!Files.isDirectory(plugins.resolve("s3-fs-hadoop"))) {
            throw new UsageException("no S3 plugin in " + plugins.resolve("s3-fs-hadoop")
                    + " (mvn -Pflink-cluster, or mvn verify, puts it there)");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), restPort));
        } catch (BindException taken) {
            throw new UsageException("port " + restPort + " on " + LOOPBACK + " is already in use (another Flink cluster?);"
                    + " choose another with --rest-port=N (mvn -Pflink-cluster -Dflink-cluster.rest-port=N)");
        } catch (IOException e) {
            throw new UsageException("cannot check port " + restPort + " on " + LOOPBACK + ": " + e.getMessage());
        }
    }

    private int run() throws Exception {
        long start = System.nanoTime();
        Path conf = work.resolve("conf");
        Path log = work.resolve("log");
        Path tmp = work.resolve("tmp");
        for (Path dir : List.of(log, tmp)) {
            deleteContents(dir);
        }
        Files.createDirectories(conf);
        Files.createDirectories(log);
        Files.createDirectories(tmp);
        writeConfig(conf.resolve("config.yaml"), freePort(), tmp);
        Files.writeString(conf.resolve("log4j2.properties"), LOG4J);

        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "flink-cluster-stop"));
        if (exitWithParent) {
            // Started by mvn -Pflink-cluster or a test: stop with it even when only that process is killed.
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        }

        synchronized (lock) {
            if (stopping) {
                return 0;
            }
            jobManager = startJvm("jobmanager", JOBMANAGER_CLASS, List.of("-Xms" + JOBMANAGER_HEAP, "-Xmx" + JOBMANAGER_HEAP));
            taskManager = startTaskManager();
        }
        if (!awaitReady(start)) {
            return 1;
        }
        System.out.printf(Locale.ROOT, "Flink %s session cluster ready in %.1f s: REST and web UI http://%s:%d (1 TaskManager, "
                        + "%d slot%s), logs in %s; Ctrl-C stops it%n", flinkVersion(), (System.nanoTime() - start) / 1e9,
                LOOPBACK, restPort, slots, slots == 1 ? "" : "s", shortPath(log));
        return supervise();
    }

    /**
     * Until the JobManager ends: a TaskManager that exits is started again after 1 s; one that keeps exiting within 30 s
     * of its start waits twice as long each time (up to 30 s).
     */
    private int supervise() throws Exception {
        int quickExits = 0;
        long taskManagerStarted = System.nanoTime();
        while (true) {
            Process exited = exits.take();
            if (stopping) {
                return 0;
            }
            if (exited == jobManager) {
                System.err.printf("JobManager exited (code %d); stopping the cluster (see %s)%n", exited.exitValue(),
                        shortPath(work.resolve("log/jobmanager.log")));
                stopAll();
                return 1;
            }
            if (exited != taskManager) {
                continue;
            }
            boolean quick = System.nanoTime() - taskManagerStarted < TimeUnit.SECONDS.toNanos(30);
            quickExits = quick ? quickExits + 1 : 0;
            long delaySeconds = Math.min(1L << Math.min(Math.max(quickExits - 1, 0), 5), 30);
            if (delaySeconds > 1) {
                System.err.printf("TaskManager exited (code %d) %d times soon after its start; starting it again in %d s%n",
                        exited.exitValue(), quickExits, delaySeconds);
            }
            // The wait also lets a Ctrl-C, which reaches the TaskManager and this JVM at once, stop the cluster instead.
            Thread.sleep(TimeUnit.SECONDS.toMillis(delaySeconds));
            synchronized (lock) {
                if (stopping) {
                    return 0;
                }
                if (delaySeconds == 1) {
                    System.err.printf("TaskManager exited (code %d); starting it again%n", exited.exitValue());
                }
                taskManager = startTaskManager();
                taskManagerStarted = System.nanoTime();
            }
        }
    }

    /** Polls GET /overview until the TaskManager and its slots are registered; false (and the cluster stopped) on failure. */
    private boolean awaitReady(long start) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest overview = HttpRequest.newBuilder(URI.create("http://" + LOOPBACK + ":" + restPort + "/overview"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() - start < READY_TIMEOUT.toNanos()) {
            for (Process process : List.of(jobManager, taskManager)) {
                if (!process.isAlive() && !stopping) {
                    String name = process == jobManager ? "jobmanager" : "taskmanager";
                    System.err.printf("The %s exited during start (code %d); see %s%n",
                            process == jobManager ? "JobManager" : "TaskManager", process.exitValue(),
                            shortPath(work.resolve("log/" + name + ".log")));
                    stopAll();
                    return false;
                }
            }
            if (stopping) {
                return false;
            }
            try {
                String body = http.send(overview, HttpResponse.BodyHandlers.ofString()).body();
                if (number(TASKMANAGERS, body) >= 1 && number(SLOTS_TOTAL, body) >= slots) {
                    return true;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            Thread.sleep(200);
        }
        System.err.printf("The cluster was not ready within %d s; see %s%n", READY_TIMEOUT.toSeconds(),
                shortPath(work.resolve("log")));
        stopAll();
        return false;
    }

    private Process startTaskManager() throws IOException {
        // JVM flags as flink-dist's scripts derive them: heap = framework + task heap, direct = framework + task
        // off-heap + network, metaspace as configured.
        int heap = FRAMEWORK_HEAP_MB + taskHeapMb;
        return startJvm("taskmanager", TASKMANAGER_CLASS, List.of("-Xms" + heap + "m", "-Xmx" + heap + "m",
                "-XX:MaxDirectMemorySize=" + (FRAMEWORK_OFF_HEAP_MB + TASK_OFF_HEAP_MB + NETWORK_MB) + "m",
                "-XX:MaxMetaspaceSize=" + METASPACE_MB + "m"));
    }

    private Process startJvm(String name, String mainClass, List<String> memory) throws IOException {
        Path log = work.resolve("log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(memory);
        command.addAll(jvmOptions);
        command.add("-Dlog.file=" + log.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + work.resolve("conf/log4j2.properties").toUri());
        command.add("-Djava.io.tmpdir=" + work.resolve("tmp"));
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, jars().stream().map(Path::toString).toList()));
        command.add(mainClass);
        command.add("--configDir");
        command.add(work.resolve("conf").toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.resolve(name + ".out").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("FLINK_PLUGINS_DIR", plugins.toString());
        Process process = builder.start();
        process.onExit().thenAccept(exits::add);
        return process;
    }

    /** TaskManager first (its tasks end cleanly), then the JobManager: SIGTERM, then SIGKILL after 10 s. Idempotent. */
    private void stopAll() {
        synchronized (lock) {
            stopping = true;
            if (stopped) {
                return;
            }
            stopped = true;
            stop("TaskManager", taskManager);
            stop("JobManager", jobManager);
        }
    }

    private static void stop(String name, Process process) {
        if (process == null) {
            return;
        }
        if (!process.isAlive()) {
            System.err.printf("%s already stopped (pid %d, code %d)%n", name, process.pid(), process.exitValue());
            return;
        }
        long start = System.nanoTime();
        process.destroy();
        try {
            if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.printf(Locale.ROOT, "%s stopped (pid %d) in %.1f s%n", name, process.pid(),
                        (System.nanoTime() - start) / 1e9);
                return;
            }
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        System.err.printf("%s did not stop within %d s; killed (pid %d)%n", name, STOP_TIMEOUT.toSeconds(), process.pid());
    }

    /** Flat keys in Flink's config.yaml; readable by this user only (it holds the S3 secret). */
    private void writeConfig(Path file, int rpcPort, Path tmp) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        // Every address and bind host on 127.0.0.1. Only the JobManager's RPC port (the TaskManager connects to it) and
        // the REST port are fixed; the blob server, the TaskManager's RPC and data ports take free ones (0), so a
        // TaskManager started again never waits for its predecessor's port.
        config.put("jobmanager.rpc.address", LOOPBACK);
        config.put("jobmanager.rpc.port", rpcPort);
        config.put("jobmanager.bind-host", LOOPBACK);
        config.put("rest.address", LOOPBACK);
        config.put("rest.bind-address", LOOPBACK);
        config.put("rest.port", restPort);
        config.put("blob.server.port", "0");
        config.put("taskmanager.host", LOOPBACK);
        config.put("taskmanager.bind-host", LOOPBACK);
        config.put("taskmanager.rpc.port", "0");
        config.put("taskmanager.data.port", 0);
        config.put("taskmanager.numberOfTaskSlots", slots);
        config.put("taskmanager.cpu.cores", slots);
        // Without flink-dist's scripts the TaskManager needs its memory set component by component.
        config.put("taskmanager.memory.framework.heap.size", FRAMEWORK_HEAP_MB + "m");
        config.put("taskmanager.memory.task.heap.size", taskHeapMb + "m");
        config.put("taskmanager.memory.framework.off-heap.size", FRAMEWORK_OFF_HEAP_MB + "m");
        config.put("taskmanager.memory.task.off-heap.size", TASK_OFF_HEAP_MB + "m");
        config.put("taskmanager.memory.network.min", NETWORK_MB + "m");
        config.put("taskmanager.memory.network.max", NETWORK_MB + "m");
        config.put("taskmanager.memory.managed.size", MANAGED_MB + "m");
        config.put("taskmanager.memory.jvm-metaspace.size", METASPACE_MB + "m");
        config.put("taskmanager.memory.jvm-overhead.min", OVERHEAD_MB + "m");
        config.put("taskmanager.memory.jvm-overhead.max", OVERHEAD_MB + "m");
        config.put("parallelism.default", 1);
        config.put("io.tmp.dirs", tmp.toString());
        config.put("web.tmpdir", tmp.resolve("web").toString());
        if (!s3Endpoint.isEmpty()) {
            // Flink's S3 plugin (s3:// checkpoints and savepoints) reads these from the cluster, not from the job.
            config.put("s3.endpoint", s3Endpoint);
            config.put("s3.path.style.access", true);
            config.put("s3.access-key", s3AccessKey);
            config.put("s3.secret-key", s3SecretKey);
        }
        StringBuilder yaml = new StringBuilder("# Written by LocalSessionCluster.java at each start; edits are lost.\n");
        config.forEach((key, value) -> yaml.append(key).append(": ")
                .append(value instanceof String text ? quoted(text) : value).append('\n'));
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, yaml);
    }

    /** A YAML double-quoted scalar. */
    private static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private List<Path> jars() {
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** From the flink-runtime jar's name, e.g. 1.20.3. */
    private String flinkVersion() {
        return jars().stream().map(jar -> jar.getFileName().toString())
                .filter(name -> name.startsWith("flink-runtime-1"))
                .map(name -> name.substring("flink-runtime-".length(), name.length() - ".jar".length()))
                .findFirst().orElse("");
    }

    /** A path under the current directory relative to it (shorter lines), any other absolute. */
    private static String shortPath(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
    }

    private static String defaultJvmOptions(Path lib) {
        Path file = lib.resolveSibling("jvm.options");
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The option, else the environment variable, else the embedded S3's dev credential. */
    private static String credential(String option, String environment) {
        if (option != null) {
            return option;
        }
        String value = System.getenv(environment);
        return value == null || value.isBlank() ? EMBEDDED_S3_CREDENTIAL : value;
    }

    private static void deleteContents(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!file.equals(dir)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static int number(Pattern pattern, String json) {
        Matcher matcher = pattern.matcher(json);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private static String take(Map<String, String> options, String key, String fallback) {
        String value = options.remove(key);
        return value != null ? value : fallback;
    }

    private static int port(String value) {
        int port = positive("rest-port", value);
        if (port > 65535) {
            throw new UsageException("--rest-port must be a port number, not " + value);
        }
        return port;
    }

    private static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("--" + option + " must be a positive number, not " + value);
    }

    /** {@code 256m}, {@code 1g} or a number of megabytes. */
    private static int megabytes(String option, String value) {
        Matcher matcher = Pattern.compile("(\\d+)\\s*([mMgG]?)[bB]?").matcher(value.trim());
        if (!matcher.matches() || Integer.parseInt(matcher.group(1)) == 0) {
            throw new UsageException("--" + option + " must be a size such as 256m or 1g, not " + value);
        }
        int number = Integer.parseInt(matcher.group(1));
        return matcher.group(2).equalsIgnoreCase("g") ? number * 1024 : number;
    }

    /** {@code --key=value}, {@code --key value}, or {@code --flag} alone (true). */
    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new UsageException("unexpected argument " + args[i] + " (options are --name=value)");
            }
            String option = args[i].substring(2);
            int equals = option.indexOf('=');
            if (equals >= 0) {
                options.put(option.substring(0, equals), option.substring(equals + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.put(option, args[++i]);
            } else {
                options.put(option, "true");
            }
        }
        return options;
    }

    /** A mistake in how the program was started: one line, exit code 2, no stack trace. */
    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
