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
 * parallelism and bucket raised with the slots (embedded at the same); one cluster per slot count, stopped at the end
 * of its runs, also when they fail.
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
    /** Per slot count: the cluster's start, the jar upload on its own, CPU and load; written to the results file. */
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
        Path work = options.workDir().resolve("flink-cluster-" + slots);
        Progress.say("== remote run, %d slot(s): starting the Flink session cluster (S3 for its checkpoints on port %d)",
                slots, s3Port);
        long clusterStart = System.nanoTime();
        FlinkSessionCluster handle = FlinkSessionCluster.onFreePort(work).slots(slots)
                .s3("http://127.0.0.1:" + s3Port, Servers.KEY, Servers.KEY);
        if (options.taskHeap() != null) {
            handle.taskHeap(options.taskHeap());
        }
        try (FlinkSessionCluster cluster = handle) {
            try {
                // Its own 60 s default is short on 2 busy cores.
                cluster.start(CLUSTER_START_TIMEOUT);
                about.put("clusterStartSeconds", round(Progress.seconds(clusterStart, System.nanoTime())));
                about.put("restUrl", cluster.restUrl());
                Progress.say("cluster ready at %s in %.1f s", cluster.restUrl(), about.get("clusterStartSeconds"));
                // What the launcher gave the TaskManager (memory by component), as Flink reports it.
                JsonNode taskManager = cluster.get("/taskmanagers").path("taskmanagers").path(0);
                about.put("taskManagerMemory", JSON.convertValue(taskManager.path("memoryConfiguration"), Map.class));
                about.putAll(uploadJar(cluster));
                rounds(slots, s3Port, cluster, deadlineSeconds, about);
            } catch (Exception | AssertionError e) {
                Progress.say("cluster diagnostics:%n%s", cluster.diagnostics());
                throw e;
            }
        }
    }

    private void rounds(int slots, int s3Port, FlinkSessionCluster cluster, double deadlineSeconds,
                        Map<String, Object> about) throws Exception {
        Pipeline pipeline = new Pipeline(options);
        if (!options.quick()) {
            // Untimed first runs: this JVM's Camel, Flink and Paimon code (once), and the fresh TaskManager's Flink.
            if (!embeddedWarm) {
                Progress.say("== warm-up: one untimed embedded run of %,d frames", WARM_UP_FRAMES);
                pipeline.endToEnd("warm-up-embedded", WARM_UP_FRAMES, options.markets(),
                        setup(EMBEDDED, slots, s3Port, null));
                embeddedWarm = true;
            }
            Progress.say("== warm-up: one untimed remote run of %,d frames on the new cluster", WARM_UP_FRAMES);
            cancelLeftovers(cluster);
            pipeline.endToEnd("warm-up-remote-" + slots, WARM_UP_FRAMES, options.markets(),
                    setup(REMOTE, slots, s3Port, cluster));
        }
        String p = "/p" + slots;
        Figure[] noted = figures.values().stream().filter(f -> f.id().endsWith(p)).toArray(Figure[]::new);
        List<Map<String, Object>> load = new ArrayList<>();
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
                Progress.say("== remote run, %d slot(s), round %d/%d: %s, %,d frames", slots, run, options.runs(), mode,
                        options.frames());
                if (mode.equals(REMOTE)) {
                    cancelLeftovers(cluster);
                }
                Pipeline.Measured m = pipeline.endToEnd(mode + "-p" + slots + "-" + run, options.frames(),
                        options.markets(), setup(mode, slots, s3Port, mode.equals(REMOTE) ? cluster : null));
                rates.put(mode, m.run().endToEnd());
                figures.get(mode + ".e2e" + p).add(m.run().endToEnd()).detail("run" + run, describe(m));
                Pipeline.Stop stop = m.stop();
                Figure stopFigure = figures.get(mode + ".stop" + p);
                if (stop.savepointCompleted()) {
                    stopFigure.add(stop.seconds() * 1000);
                } else {
                    stopFigure.note("a stop without a completed savepoint, see details");
                }
                Map<String, Object> stopDetails = new LinkedHashMap<>();
                stopDetails.put("seconds", round(stop.seconds()));
                stopDetails.put("status", stop.status());
                stopDetails.put("state", stop.state());
                stopDetails.put("savepoint", stop.savepoint());
                stopDetails.putAll(stop.details());
                stopFigure.detail("run" + run, stopDetails);
                load.add(Map.of("run", mode + " " + run, "cpu", m.cpu()));
            }
            figures.get("ratio.remote/embedded" + p).add(rates.get(REMOTE) / rates.get(EMBEDDED));
        }
        about.put("cpuPerRun", load);
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

    /** Cancels any job a failed earlier run left on the cluster, so that the next tickerlake never adopts it. */
    private static void cancelLeftovers(FlinkSessionCluster cluster) throws Exception {
        for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
            String state = job.path("state").asText();
            if (!List.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
                String id = job.path("jid").asText();
                Progress.say("cancelling job %s (%s) left on the cluster", id, state);
                HTTP.send(HttpRequest.newBuilder(URI.create(cluster.restUrl() + "/jobs/" + id + "?mode=cancel"))
                        .timeout(Duration.ofSeconds(30)).method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding());
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!List.of("FINISHED", "CANCELED", "FAILED").contains(
                        cluster.get("/jobs/" + id).path("state").asText())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("job " + id + " left on the cluster did not end");
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
