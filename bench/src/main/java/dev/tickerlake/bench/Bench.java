package dev.tickerlake.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The benchmark harness: measures the figures of bench/README.md one after another, printing progress, then prints one
 * table and writes it with every run's values to {@code bench/results/<date>-<machine>.json}.
 * Run: {@code mvn -B -Pbench verify} (default run) or {@code mvn -B -Pbench verify -Dbench.args=quick}.
 */
public final class Bench {

    private final BenchOptions options;
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final Set<String> failedFigures = new HashSet<>();
    /** Seconds of each figure's last run (by its {@link #fits} name), for the budget's guess at the next one. */
    private final Map<String, Double> lastRunSeconds = new HashMap<>();
    private final Map<String, Long> runStarts = new HashMap<>();

    private Bench(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = new BenchOptions(args);
        // What earlier runs left (see Servers.deleteTree) goes now.
        Servers.deleteTree(options.workDir(), true);
        Files.createDirectories(options.workDir());
        Progress.say("tickerlake bench (%s run): %s", options.runName(), options.all());
        Progress.say("log of the servers, Flink and tickerlake: target/bench/bench.log");
        Bench bench = new Bench(options);
        int status = bench.runAll();
        System.exit(status);
    }

    private int runAll() throws Exception {
        if (options.remote()) {
            return runRemote();
        }
        OffsetDateTime started = OffsetDateTime.now();
        define();
        // Two passes, so that --budget bounds the whole run: the first run of every figure first, then the further
        // runs while the budget lasts (the headline figures first: their repeats are the last to go).
        if (options.figure("7")) {
            attempt("7", "footprint.", () -> footprint(Pass.FIRST));
        }
        if (options.figure("1")) {
            attempt("1–3", "e2e baseline. ratio. limit", () -> throughput(Pass.FIRST));
        }
        if (options.figure("9")) {
            attempt("9", "options.", () -> tableOptions(Pass.FIRST));
        }
        if (options.figure("4")) {
            attempt("4", "cdc.", () -> cdcAlone(Pass.FIRST));
        }
        if (options.figure("8")) {
            attempt("8", "scale.", () -> scale(Pass.FIRST));
        }
        if (options.figure("5")) {
            for (Duration interval : options.freshnessIntervals()) {
                attempt("5 (" + interval.toMillis() + " ms checkpoints)", "freshness." + interval.toMillis() + ".",
                        () -> freshness(interval));
            }
        }
        if (options.figure("6")) {
            attempt("6", "tt.", () -> timeTravel(Pass.FIRST));
        }
        if (options.figure("1") && !failed("1–3")) {
            attempt("1–3", "e2e baseline. ratio. limit", () -> throughput(Pass.REPEATS));
        }
        if (options.figure("7") && !failed("7")) {
            attempt("7", "footprint.", () -> footprint(Pass.REPEATS));
        }
        if (options.figure("4") && !failed("4")) {
            attempt("4", "cdc.", () -> cdcAlone(Pass.REPEATS));
        }
        if (options.figure("6") && !failed("6")) {
            attempt("6", "tt.", () -> timeTravel(Pass.REPEATS));
        }
        if (options.figure("8") && !failed("8")) {
            attempt("8", "scale.", () -> scale(Pass.REPEATS));
        }
        if (options.figure("9") && !failed("9")) {
            attempt("9", "options.", () -> tableOptions(Pass.REPEATS));
        }
        double seconds = Progress.elapsedSeconds();
        // A figure that failed is a result too (e.g. "does not keep up"): it is in the table and the file.
        return publish(new Report(options, figures.values(), started, seconds, failures), seconds, "figure(s)");
    }

    /** The remote run: embedded beside remote Flink mode (RemoteRun), its own table and results file. */
    private int runRemote() throws Exception {
        OffsetDateTime started = OffsetDateTime.now();
        List<Double> loadBefore = Cpu.loadAverage();
        Cpu.Sample cpuStart = Cpu.sample();
        RemoteRun.define(options, figures);
        RemoteRun remote = new RemoteRun(options, figures, failures);
        remote.run();
        double seconds = Progress.elapsedSeconds();
        Map<String, Object> extra = new LinkedHashMap<>();
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("loadAverageAtStart", loadBefore);
        load.put("loadAverageAtEnd", Cpu.loadAverage());
        Map<String, Object> whole = Cpu.between(cpuStart, Cpu.sample());
        // Every cluster JVM ended before the end: their GC and JIT split is in each run's cpu, not here.
        whole.keySet().removeIf(key -> key.matches("cluster(Gc|Jit)Seconds|clusterProcessesEnded"));
        load.put("wholeRun", whole);
        extra.put("load", load);
        extra.put("clusters", remote.clusters());
        return publish(new Report(options, figures.values(), started, seconds, failures, extra), seconds, "part(s)");
    }

    /** Prints the run's table, writes its results file and says where, with how many {@code what} failed. */
    private int publish(Report report, double seconds, String what) throws Exception {
        System.out.println();
        System.out.println(report.table());
        Path file = report.write();
        Progress.say("results written to %s (%.1f min in all)%s", file, seconds / 60,
                failures.isEmpty() ? "" : "; " + failures.size() + " " + what + " failed, see below the table");
        return 0;
    }

    private boolean failed(String figure) {
        return failedFigures.contains(figure);
    }

    /** The runs a figure makes in one pass: its first run, or its further ones (2 to its count) while they fit. */
    private enum Pass {
        FIRST, REPEATS;

        int first() {
            return this == FIRST ? 1 : 2;
        }

        int last(int runs) {
            return this == FIRST ? 1 : runs;
        }
    }

    private interface Measurement {
        void run() throws Exception;
    }

    /** Runs one measurement; a failure is reported and marks its figures (ids starting with one of {@code ids}). */
    private void attempt(String figure, String ids, Measurement measurement) {
        try {
            measurement.run();
        } catch (Exception | AssertionError e) {
            String message = "figure " + figure + " failed: " + e.getMessage();
            failures.add(message);
            failedFigures.add(figure);
            Progress.say("%s", message);
            e.printStackTrace(System.out);
            List<String> prefixes = List.of(ids.split(" "));
            figures.values().stream().filter(f -> prefixes.stream().anyMatch(f.id()::startsWith))
                    .filter(f -> !f.measured()).forEach(f -> f.note("failed, see below"));
        }
    }

    /**
     * Whether run {@code run} of {@code what} still fits the time budget: the first run always does; a later one when
     * the time so far plus twice the figure's last run stays within {@code --budget}. Skipped runs are noted on the
     * figure. A run that fits starts its clock here; {@link #ran} stops it.
     */
    private boolean fits(int run, String what, Figure... noted) {
        if (run > 1) {
            double last = lastRunSeconds.getOrDefault(what, 0.0);
            if (Progress.elapsedSeconds() + 2 * last > options.budget().toSeconds()) {
                Progress.say("time budget (%d min): no run %d of %s", options.budget().toMinutes(), run, what);
                for (Figure figure : noted) {
                    figure.note("fewer runs: time budget");
                }
                return false;
            }
        }
        runStarts.put(what, System.nanoTime());
        return true;
    }

    /** The run of {@code what} that {@link #fits} let start has ended: its length is the next run's guess. */
    private void ran(String what) {
        lastRunSeconds.put(what, Progress.seconds(runStarts.get(what), System.nanoTime()));
    }

    private Figure figure(String id) {
        return figures.get(id);
    }

    private void define() {
        int markets = options.markets();
        add("e2e", "1. end to end: raw topics → CDC route → upbit-cdc → Paimon, " + markets + " markets", "frames/s");
        add("baseline.stock", "2. Paimon kafka_sync_database alone, stock table options", "rows/s");
        add("baseline.tickerlake", "2. Paimon kafka_sync_database alone, tickerlake's table options", "rows/s");
        add("ratio.e2e/stock", "2. tickerlake ÷ Paimon alone (stock options)", "x");
        add("ratio.e2e/tickerlake", "2. tickerlake ÷ Paimon alone (tickerlake's options)", "x");
        add("limit", "3. plain KafkaConsumer reading upbit-cdc", "rows/s");
        add("ratio.stock/limit", "3. Paimon alone (stock) ÷ limit", "x");
        add("ratio.tickerlake-options/limit", "3. Paimon alone (tickerlake's options) ÷ limit", "x");
        add("ratio.e2e/limit", "3. tickerlake end to end ÷ limit", "x");
        add("cdc.jmh.map", "4. CdcMapper.map, validate + envelope (JMH, 1 thread)", "frames/s");
        add("cdc.jmh.parse", "4. FrameParser.parse alone (JMH, 1 thread)", "frames/s");
        add("cdc.route", "4. CDC route, Kafka → Camel → Kafka", "frames/s");
        for (Duration interval : options.freshnessIntervals()) {
            String s = interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
            for (String p : List.of("p50", "p95", "p99", "max")) {
                add("freshness." + interval.toMillis() + "." + p, "5. freshness " + p + ", checkpoints every " + s, "ms");
            }
        }
        for (String op : List.of("rows", "diff")) {
            String what = op.equals("rows") ? "rows of one market at an old snapshot (by timestamp)"
                    : "diff between two snapshots";
            add("tt." + op + ".p50", "6. time travel p50: " + what, "ms");
            add("tt." + op + ".p99", "6. time travel p99: " + what, "ms");
        }
        add("footprint.ready", "7. java -jar → readiness UP", "s");
        add("footprint.rss", "7. RSS after warm-up", "MB");
        add("footprint.heap", "7. heap used after warm-up", "MB");
        add("footprint.stop", "7. SIGTERM → exit", "s");
        for (int m : options.scaleMarkets()) {
            add("scale." + m, "8. end to end at " + m + " markets, " + options.scaleFrames() / 1000 + "k frames",
                    "frames/s");
        }
        addVariants();
    }

    private void addVariants() {
        add("options.tickerlake", "9. Paimon alone, tickerlake's table options", "rows/s");
        for (Map<String, String> change : options.variants()) {
            String label = label(change);
            add("options." + label, "9. Paimon alone, tickerlake's options with " + label, "rows/s");
            add("options.ratio." + label, "9. ratio to tickerlake's options: " + label, "x");
        }
    }

    /** A variant's changes as one label, e.g. {@code bucket=1,file.format=avro}. */
    static String label(Map<String, String> change) {
        return String.join(",", change.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private void add(String id, String title, String unit) {
        figures.put(id, new Figure(id, title, unit));
    }

    // ---- 1–3: end to end, Paimon alone, the plain consumer -------------------------------------------------------

    private void throughput(Pass pass) throws Exception {
        Pipeline pipeline = new Pipeline(options);
        warmUp(pipeline);
        for (int run = pass.first(); run <= pass.last(options.runs()); run++) {
            if (!fits(run, "figures 1–3", figures.values().stream().filter(f -> f.title().matches("[123]\\..*"))
                    .toArray(Figure[]::new))) {
                break;
            }
            Progress.say("== figures 1–3, run %d/%d: %,d frames", run, options.runs(), options.frames());
            Pipeline.Run r = pipeline.run("throughput-" + run, options.frames(), options.markets(), true);
            figure("e2e").add(r.endToEnd()).detail("run" + run, Pipeline.describe(r));
            figure("baseline.stock").add(r.stock());
            figure("baseline.tickerlake").add(r.tickerlakeOptions());
            figure("ratio.e2e/stock").add(r.endToEnd() / r.stock());
            figure("ratio.e2e/tickerlake").add(r.endToEnd() / r.tickerlakeOptions());
            figure("limit").add(r.limitRows()).detail("run" + run + ".recordsPerSecond", r.limitRecords());
            figure("ratio.stock/limit").add(r.stock() / r.limitRows());
            figure("ratio.tickerlake-options/limit").add(r.tickerlakeOptions() / r.limitRows());
            figure("ratio.e2e/limit").add(r.endToEnd() / r.limitRows());
            ran("figures 1–3");
        }
        figure("baseline.stock").detail("tableOptions", options.stockTableOptions());
        figure("baseline.tickerlake").detail("tableOptions", Config.tableOptions());
    }

    private boolean warm;

    /**
     * One untimed end-to-end run of a few frames first: the first tickerlake, Flink job and Paimon reader in this JVM
     * load and compile their classes, which would count against whichever run came first. Not in a quick run.
     */
    private void warmUp(Pipeline pipeline) throws Exception {
        if (warm || options.quick()) {
            return;
        }
        Progress.say("== warm-up: one untimed end-to-end run of 20,000 frames");
        pipeline.run("warm-up", 20_000, options.markets(), false);
        warm = true;
    }

    // ---- 8: scale ---------------------------------------------------------------------------------------------------

    private void scale(Pass pass) throws Exception {
        Pipeline pipeline = new Pipeline(options);
        warmUp(pipeline);
        // A round is one run at every market count, so that a short budget drops whole rounds, not the last counts.
        Figure[] noted = figures.values().stream().filter(f -> f.id().startsWith("scale.")).toArray(Figure[]::new);
        for (int run = pass.first(); run <= pass.last(options.scaleRuns()); run++) {
            if (!fits(run, "figure 8", noted)) {
                break;
            }
            for (int markets : options.scaleMarkets()) {
                Progress.say("== figure 8, %d markets, run %d/%d, %,d frames", markets, run, options.scaleRuns(),
                        options.scaleFrames());
                Pipeline.Run r = pipeline.run("scale-" + markets + "-" + run, options.scaleFrames(), markets, false);
                figure("scale." + markets).add(r.endToEnd()).detail("run" + run, Pipeline.describe(r));
            }
            ran("figure 8");
        }
    }

    // ---- 9: table options, one change at a time ------------------------------------------------------------------

    private void tableOptions(Pass pass) throws Exception {
        Pipeline pipeline = new Pipeline(options);
        Figure[] noted = figures.values().stream().filter(f -> f.id().startsWith("options.")).toArray(Figure[]::new);
        for (int run = pass.first(); run <= pass.last(options.runs()); run++) {
            if (!fits(run, "figure 9", noted)) {
                break;
            }
            Progress.say("== figure 9, run %d/%d: tickerlake's table options and %d variants, %,d frames", run,
                    options.runs(), options.variants().size(), options.variantFrames());
            Map<String, List<Double>> rates = pipeline.variants("options-" + run, options.variantFrames(),
                    options.markets(), options.variants(), !warm);
            warm = true;
            double ours = mean(rates.get("tickerlake"));
            rates.get("tickerlake").forEach(figure("options.tickerlake")::add);
            figure("options.tickerlake").detail("tableOptions", Config.tableOptions())
                    .note("2 syncs per run, order A B … B A");
            for (Map<String, String> change : options.variants()) {
                String label = label(change);
                rates.get(label).forEach(figure("options." + label)::add);
                figure("options.ratio." + label).add(mean(rates.get(label)) / ours);
            }
            ran("figure 9");
        }
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    // ---- 4: the CDC route alone -------------------------------------------------------------------------------------

    private void cdcAlone(Pass pass) throws Exception {
        if (pass == Pass.FIRST) {
            jmh();
        }
        CdcRoute route = new CdcRoute(options);
        for (int run = pass.first(); run <= pass.last(options.runs()); run++) {
            if (!fits(run, "figure 4 (route)", figure("cdc.route"))) {
                break;
            }
            Progress.say("== figure 4: CDC route alone, run %d/%d, %,d frames", run, options.runs(), options.cdcFrames());
            CdcRoute.Run r = route.run("cdc-route-" + run, options.cdcFrames(), options.markets());
            long rows = options.cdcFrames() - r.deadLetters();
            figure("cdc.route").add(r.framesPerSecond()).detail("run" + run, Map.of("envelopes", r.envelopes(),
                    "rowsPerEnvelope", r.envelopes() == 0 ? 0 : Math.round(100.0 * rows / r.envelopes()) / 100.0,
                    "deadLetters", r.deadLetters(), "complete", r.complete()));
            ran("figure 4 (route)");
        }
    }

    private void jmh() throws Exception {
        Progress.say("== figure 4: JMH, CdcMapperBenchmark (1 fork, %d × %d ms measured per method)",
                options.jmhIterations(), options.jmhTime().toMillis());
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(CdcMapperBenchmark.class.getName() + "\\.")
                .forks(1)
                .jvmArgs("-Xmx1g")
                .warmupIterations(options.quick() ? 1 : 2)
                .warmupTime(TimeValue.milliseconds(options.jmhTime().toMillis()))
                .measurementIterations(options.jmhIterations())
                .measurementTime(TimeValue.milliseconds(options.jmhTime().toMillis()))
                .verbosity(VerboseMode.SILENT)
                .build()).run();
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            Figure figure = figure(method.endsWith(".map") ? "cdc.jmh.map" : "cdc.jmh.parse");
            for (BenchmarkResult benchmark : result.getBenchmarkResults()) {
                for (IterationResult iteration : benchmark.getIterationResults()) {
                    figure.add(iteration.getPrimaryResult().getScore());
                }
            }
            figure.detail("jmhScore", result.getPrimaryResult().getScore())
                    .detail("jmhScoreError", result.getPrimaryResult().getScoreError())
                    .note("runs = JMH measurement iterations");
            Progress.say("JMH %s: %,.0f frames/s", method.substring(method.lastIndexOf('.') + 1),
                    result.getPrimaryResult().getScore());
        }
    }

    // ---- 5: freshness -----------------------------------------------------------------------------------------------

    private void freshness(Duration interval) throws Exception {
        Freshness freshness = new Freshness(options);
        {
            Progress.say("== figure 5: freshness, checkpoints every %d ms, %d s window", interval.toMillis(),
                    options.freshnessWindow().toSeconds());
            Freshness.Run r = freshness.run("freshness-" + interval.toMillis(), interval);
            String id = "freshness." + interval.toMillis() + ".";
            Map<String, ToDoubleFunction<Freshness.Run>> values = Map.of("p50", Freshness.Run::p50, "p95",
                    Freshness.Run::p95, "p99", Freshness.Run::p99, "max", Freshness.Run::max);
            values.forEach((p, value) -> figure(id + p).add(value.applyAsDouble(r)).detail("samples", r.samples())
                    .detail("rate", options.freshnessRate()).detail("markets", options.freshnessMarkets()));
        }
    }

    // ---- 6: time travel ---------------------------------------------------------------------------------------------

    /** The first pass writes the table and measures run 1; the repeats write it again (its first run's time). */
    private void timeTravel(Pass pass) throws Exception {
        Figure[] noted = figures.values().stream().filter(f -> f.id().startsWith("tt.")).toArray(Figure[]::new);
        if (pass.first() > pass.last(options.runs()) || !fits(pass.first(), "figure 6", noted)) {
            return;
        }
        Progress.say("== figure 6: time travel over HTTP, %,d trades (%s), %d requests per operation and run",
                options.timeTravelRows(), options.timeTravelStorage(), options.timeTravelRequests());
        for (TimeTravel.Run r : new TimeTravel(options).run("time-travel-" + pass.first(), pass.first(),
                pass.last(options.runs()), run -> run == pass.first() || fits(run, "figure 6", noted))) {
            figure("tt.rows.p50").add(r.rows().p50());
            figure("tt.rows.p99").add(r.rows().p99());
            figure("tt.diff.p50").add(r.diff().p50());
            figure("tt.diff.p99").add(r.diff().p99());
        }
        if (pass == Pass.FIRST) {
            ran("figure 6");
        }
        figures.values().stream().filter(f -> f.id().startsWith("tt.")).forEach(f -> f
                .detail("trades", options.timeTravelRows()).detail("warehouse", options.timeTravelStorage())
                .detail("requestsPerRun", options.timeTravelRequests()));
    }

    // ---- 7: footprint -----------------------------------------------------------------------------------------------

    private void footprint(Pass pass) throws Exception {
        Path jar = options.jar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with mvn -B -q package -DskipTests "
                    + "(mvn -B -Pbench verify does)");
        }
        Footprint footprint = new Footprint(options);
        for (int run = pass.first(); run <= pass.last(options.runs()); run++) {
            if (!fits(run, "figure 7", figures.values().stream().filter(f -> f.id().startsWith("footprint."))
                    .toArray(Figure[]::new))) {
                break;
            }
            Progress.say("== figure 7: footprint of java -jar %s, run %d/%d", jar, run, options.runs());
            Footprint.Run r = footprint.run("footprint-" + run, jar);
            figure("footprint.ready").add(r.readySeconds());
            figure("footprint.rss").add(r.rssMb());
            figure("footprint.heap").add(r.heapUsedMb());
            figure("footprint.stop").add(r.stopSeconds());
            ran("figure 7");
        }
        figure("footprint.rss").detail("jarModified", Files.getLastModifiedTime(jar).toString())
                .detail("warmupSeconds", options.footprintWarmup().toSeconds());
    }

    static String today() {
        return LocalDate.now().toString();
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
