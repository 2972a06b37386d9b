package dev.tickerlake.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.testing.FlinkSessionCluster;

/**
 * The remote run ({@code -Dbench.args=remote}, bench/README.md "Remote Flink mode"): figure 1's end-to-end run with the
 * sync job on a local Flink session cluster (tickerlake.flink.mode=remote) beside the same run in embedded mode, the
 * same workload in the same JVM, then {@code POST /api/sync/stop} timed in both. Once per TaskManager slot count, with
 * parallelism and bucket raised with the slots (embedded at the same); a cluster of its own for every remote run,
 * stopped after it, also when it fails.
 */
final class RemoteRun {

    static final String EMBEDDED = "embedded";
    static final String REMOTE = "remote";
    private static final String JOB_JAR = "tickerlake-flink-job.jar";
    private static final int WARM_UP_FRAMES = 20_000;
    private static final Duration CLUSTER_START_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final BenchOptions options;
    private final Map<String, Figure> figures;
    private final List<String> failures;
    /** Per slot count and run: the cluster's start, the jar upload on its own, CPU and load, failures; for the file. */
    private final Map<String, Object> clusters = new LinkedHashMap<>();
    private boolean embeddedWarm;

    RemoteRun(BenchOptions options, Map<String, Figure> figures, List<String> failures) {
        this.options = options;
        this.figures = figures;
        this.failures = failures;
    }

    /** The remote run's figures, in table order. */
    static void define(BenchOptions options, Map<String, Figure> figures) {
        int markets = options.markets();
        for (int p : options.slots()) {
            String at = "parallelism " + p + ", bucket " + p;
            put(figures, EMBEDDED + ".e2e/p" + p, "end to end, embedded Flink (MiniCluster in tickerlake's JVM), " + at
                    + ", " + markets + " markets", "frames/s");
            put(figures, REMOTE + ".e2e/p" + p, "end to end, remote Flink (session cluster, TaskManager with " + p
                    + " slot" + (p == 1 ? "" : "s") + "), " + at + ", " + markets + " markets", "frames/s");
            put(figures, "ratio.remote/embedded/p" + p, "remote ÷ embedded end to end, " + at + " (same round)", "x");
            put(figures, EMBEDDED + ".stop/p" + p, "POST /api/sync/stop → savepoint completed, embedded, " + at, "ms");
            put(figures, REMOTE + ".stop/p" + p, "POST /api/sync/stop → savepoint completed, remote, " + at, "ms");
        }
    }

    private static void put(Map<String, Figure> figures, String id, String title, String unit) {
        figures.put(id, new Figure(id, title, unit));
    }

    /** What the results file keeps beside the figures: each cluster's start and jar upload, the load. */
    Map<String, Object> clusters() {
        return clusters;
    }

    /**
     * Each slot count in turn, with its share of {@code --budget}: rounds after the first are dropped when they would not
     * fit it. A slot count whose cluster fails is reported and the next one still runs.
     */
    void run() {
        List<Integer> slotCounts = options.slots();
        for (int i = 0; i < slotCounts.size(); i++) {
            int slots = slotCounts.get(i);
            double deadline = options.budget().toSeconds() * (i + 1.0) / slotCounts.size();
            try {
                session(slots, deadline);
            } catch (Exception | AssertionError e) {
                String message = "remote run, " + slots + " slot(s) failed: " + e.getMessage();
                failures.add(message);
                Progress.say("%s", message);
                e.printStackTrace(System.out);
                figures.values().stream().filter(f -> f.id().endsWith("/p" + slots)).filter(f -> !f.measured())
                        .forEach(f -> f.note("failed, see below"));
            }
        }
    }

    private void session(int slots, double deadlineSeconds) throws Exception {
        Map<String, Object> about = new LinkedHashMap<>();
        clusters.put("slots" + slots, about);
        int s3Port = EmbeddedKafka.freePort();
        Pipeline pipeline = new Pipeline(options);
        if (!options.quick() && !embeddedWarm) {
            // An untimed first run: this JVM's Camel, Flink and Paimon code. A remote warm-up would warm nothing the next
            // job uses: each job's classes are loaded afresh in the TaskManager, and each remote run has its cluster.
            Progress.say("== warm-up: one untimed embedded run of %,d frames", WARM_UP_FRAMES);
            pipeline.endToEnd("warm-up-embedded", WARM_UP_FRAMES, options.markets(), setup(EMBEDDED, slots, s3Port, null));
            embeddedWarm = true;
        }
        String p = "/p" + slots;
        Figure[] noted = figures.values().stream().filter(f -> f.id().endsWith(p)).toArray(Figure[]::new);
        List<Map<String, Object>> perRun = new ArrayList<>();
        about.put("runs", perRun);
        long roundStart = 0;
        for (int run = 1; run <= options.runs(); run++) {
            if (run > 1) {
                double last = Progress.seconds(roundStart, System.nanoTime());
                if (Progress.elapsedSeconds() + 1.2 * last > deadlineSeconds) {
                    Progress.say("time budget (%.1f of %d min for %d slot(s)): no round %d", deadlineSeconds / 60,
                            options.budget().toMinutes(), slots, run);
                    for (Figure figure : noted) {
                        figure.note("fewer runs: time budget");
                    }
                    break;
                }
            }
            roundStart = System.nanoTime();
            // A B, then B A: a JVM still warming up favours whatever runs second.
            List<String> order = run % 2 == 1 ? List.of(EMBEDDED, REMOTE) : List.of(REMOTE, EMBEDDED);
            Map<String, Double> rates = new LinkedHashMap<>();
            for (String mode : order) {
                String name = mode + "-p" + slots + "-" + run;
                Progress.say("== remote run, %d slot(s), round %d/%d: %s, %,d frames", slots, run, options.runs(), mode,
                        options.frames());
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("run", name);
                perRun.add(record);
                try {
                    Pipeline.Measured m = mode.equals(EMBEDDED)
                            ? pipeline.endToEnd(name, options.frames(), options.markets(),
                                    setup(EMBEDDED, slots, s3Port, null))
                            : onNewCluster(name, slots, s3Port, run == 1, record, cluster -> pipeline.endToEnd(name,
                                    options.frames(), options.markets(), setup(REMOTE, slots, s3Port, cluster)));
                    record.put("cpu", m.cpu());
                    rates.put(mode, m.run().endToEnd());
                    figures.get(mode + ".e2e" + p).add(m.run().endToEnd()).detail("run" + run, describe(m));
                    stopFigure(figures.get(mode + ".stop" + p), run, m.stop());
                } catch (Exception | AssertionError e) {
                    String message = name + " failed: " + e.getMessage();
                    failures.add(message);
                    record.put("failure", message);
                    Progress.say("%s", message);
                    e.printStackTrace(System.out);
                    figures.get(mode + ".e2e" + p).note("a run failed, see below");
                }
            }
            if (rates.size() == 2) {
                figures.get("ratio.remote/embedded" + p).add(rates.get(REMOTE) / rates.get(EMBEDDED));
            }
        }
    }

    private interface OnCluster {
        Pipeline.Measured run(FlinkSessionCluster cluster) throws Exception;
    }

    /**
     * A remote run on a session cluster of its own, started before and stopped after it (also when it fails): a
     * TaskManager keeps part of every finished job's classes (the job jar's), so that with the launcher's 256 MB
     * metaspace the fourth job on one TaskManager failed with OutOfMemoryError: Metaspace, and the third already ran
     * slower. The first cluster of a slot count also times the jar upload on its own.
     */
    private Pipeline.Measured onNewCluster(String name, int slots, int s3Port, boolean first, Map<String, Object> record,
                                           OnCluster work) throws Exception {
        FlinkSessionCluster handle = FlinkSessionCluster.onFreePort(options.workDir().resolve("flink-cluster-" + name))
                .slots(slots).s3("http://127.0.0.1:" + s3Port, Servers.KEY, Servers.KEY);
        if (options.taskHeap() != null) {
            handle.taskHeap(options.taskHeap());
        }
        long clusterStart = System.nanoTime();
        try (FlinkSessionCluster cluster = handle) {
            try {
                // Its own 60 s default is short on 2 busy cores.
                cluster.start(CLUSTER_START_TIMEOUT);
                double started = round(Progress.seconds(clusterStart, System.nanoTime()));
                record.put("clusterStartSeconds", started);
                Progress.say("%s: Flink session cluster ready at %s in %.1f s (S3 for its checkpoints on port %d)", name,
                        cluster.restUrl(), started, s3Port);
                if (first) {
                    // What the launcher gave the TaskManager (memory by component), as Flink reports it.
                    JsonNode taskManager = cluster.get("/taskmanagers").path("taskmanagers").path(0);
                    record.put("taskManagerMemory", JSON.convertValue(taskManager.path("memoryConfiguration"),
                            Map.class));
                    record.putAll(uploadJar(cluster));
                }
                return work.run(cluster);
            } catch (Exception | AssertionError e) {
                Progress.say("cluster diagnostics:%n%s", cluster.diagnostics());
                throw e;
            }
        }
    }

    private static void stopFigure(Figure figure, int run, Pipeline.Stop stop) {
        if (stop.savepointCompleted()) {
            figure.add(stop.seconds() * 1000);
        } else {
            figure.note("a stop without a completed savepoint, see details");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("seconds", round(stop.seconds()));
        details.put("status", stop.status());
        details.put("state", stop.state());
        details.put("savepoint", stop.savepoint());
        details.putAll(stop.details());
        figure.detail("run" + run, details);
    }

    /** The settings of one end-to-end run: the mode, parallelism and bucket {@code slots}, the savepoint bound. */
    private Pipeline.Setup setup(String mode, int slots, int s3Port, FlinkSessionCluster cluster) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("tickerlake.flink.mode", mode);
        if (cluster != null) {
            settings.put("tickerlake.flink.jobmanager", cluster.jobManagerAddress());
        }
        settings.put("tickerlake.flink.parallelism", String.valueOf(slots));
        Map<String, String> tableOptions = new LinkedHashMap<>(Config.tableOptions());
        tableOptions.put("bucket", String.valueOf(slots));
        settings.put("tickerlake.paimon.table-options", Bench.label(tableOptions));
        settings.put("tickerlake.flink.savepoint-timeout", options.savepointTimeout().toMillis() + "ms");
        return new Pipeline.Setup(mode, settings, s3Port);
    }

    private static Map<String, Object> describe(Pipeline.Measured m) {
        Map<String, Object> details = new LinkedHashMap<>(Pipeline.describe(m.run()));
        details.put("submittedSeconds", m.submittedSeconds());
        details.putAll(m.job());
        details.put("cpu", m.cpu());
        return details;
    }

    /**
     * The job jar uploaded on its own ({@code POST /jars/upload}, then deleted): what shipping it costs each
     * submission, apart from building and starting the job.
     */
    private Map<String, Object> uploadJar(FlinkSessionCluster cluster) throws Exception {
        Path jar = options.jar().toAbsolutePath().getParent().resolve(JOB_JAR);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: mvn -B -Pbench verify builds it (package)");
        }
        String boundary = "tickerlake-bench-" + System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.restUrl() + "/jars/upload"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; "
                                + "name=\"jarfile\"; filename=\"" + JOB_JAR + "\"\r\nContent-Type: "
                                + "application/x-java-archive\r\n\r\n"),
                        HttpRequest.BodyPublishers.ofFile(jar),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                .build();
        long start = System.nanoTime();
        HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        double seconds = Progress.seconds(start, System.nanoTime());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("jobJarMB", round(Files.size(jar) / 1e6));
        if (answer.statusCode() != 200) {
            Progress.say("jar upload answered %d: %s", answer.statusCode(), answer.body());
            details.put("jarUploadFailed", answer.statusCode() + " " + answer.body());
            return details;
        }
        details.put("jarUploadSeconds", round(seconds));
        Progress.say("the job jar (%.0f MB) uploaded on its own in %.2f s", Files.size(jar) / 1e6, seconds);
        String uploaded = Path.of(JSON.readTree(answer.body()).path("filename").asText()).getFileName().toString();
        HTTP.send(HttpRequest.newBuilder(URI.create(cluster.restUrl() + "/jars/" + uploaded))
                .timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        return details;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
