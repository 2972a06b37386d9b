package dev.tickerlake.bench;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.tickerlake.support.Durations;

/**
 * The harness's settings: defaults for the full run, smaller ones with {@code quick}, each overridable as
 * {@code --name=value} (see bench/README.md). {@code --only=} picks figures by number (e.g. {@code --only=1,4}).
 */
final class BenchOptions {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final boolean quick;
    private final boolean remote;

    BenchOptions(String... args) {
        this.quick = Arrays.asList(args).contains("quick") || Arrays.asList(args).contains("--quick");
        this.remote = Arrays.asList(args).contains("remote") || Arrays.asList(args).contains("--remote");
        values.put("frames", quick ? "5000" : "300000");
        values.put("markets", "200");
        values.put("runs", quick ? "1" : "3");
        values.put("scale-markets", quick ? "10,1000" : "10,200,1000");
        values.put("scale-frames", quick ? "5000" : "100000");
        values.put("scale-runs", quick ? "1" : "3");
        values.put("cdc-frames", quick ? "5000" : "100000");
        values.put("throughput-checkpoint", "2s");
        // Figures 1 and 4: tickerlake settings for its runs, key=value;key=value (e.g.
        // tickerlake.cdc.envelope-max-rows=1); empty: application.properties as packaged.
        values.put("tickerlake", "");
        // Paimon's own default is bucket -1 (dynamic), which kafka_sync_database's default combined sink rejects
        // ("Combine mode Sink only supports FIXED bucket mode"): a fixed bucket is the one option it requires.
        values.put("stock-options", "bucket=1");
        // Figure 9: each a change to tickerlake's table options (key= removes one) or to its job settings
        // (flink.<key>= / paimon.<key>=), synced alone on the same envelopes. Default: each of the job settings of
        // issue 17 taken back (the table options' variants were measured in the 2026-11-27 run: bench/README.md).
        values.put("variants", "flink.object-reuse=false;flink.compact-cdc-serializer=false;"
                + "paimon.keep-directory-markers=false");
        values.put("variant-frames", quick ? "5000" : "100000");
        values.put("freshness-window", quick ? "5s" : "30s");
        values.put("freshness-rate", "1000");
        values.put("freshness-markets", "200");
        values.put("freshness-intervals",
                quick ? "2s" : Config.application("tickerlake.flink.checkpoint-interval") + ",1s");
        values.put("tt-rows", quick ? "40000" : "1000000");
        values.put("tt-requests", quick ? "30" : "200");
        values.put("tt-storage", "s3");
        values.put("tt-options", "");
        values.put("footprint-warmup", quick ? "5s" : "30s");
        values.put("jmh-iterations", quick ? "2" : "5");
        values.put("jmh-time", quick ? "1s" : "2s");
        // Figure 9 (8 syncs) is left out of a quick run: at its sizes only start-up would be compared.
        values.put("only", quick ? "1,4,5,6,7,8" : "1,4,5,6,7,8,9");
        // Runs after the first of a figure are skipped when they would not fit (see Bench#fits).
        values.put("budget", quick ? "3m" : "20m");
        values.put("machine", hostname());
        values.put("jar", "target/tickerlake.jar");
        values.put("work-dir", "target/bench/work");
        values.put("results", "bench/results");
        if (remote) {
            // The remote run (bench/README.md, "Remote Flink mode"): figure 1 and the stop, embedded beside remote.
            values.put("only", "remote");
            values.put("budget", quick ? "4m" : "24m");
            // Task slots of the session cluster's TaskManager, one cluster each; parallelism and bucket follow them.
            values.put("slots", "1,2");
            // The stop figure times the savepoint itself: the packaged 8 s would cancel a slower one instead.
            values.put("savepoint-timeout", "45s");
            // The TaskManager's task heap; empty: the launcher's default (256m), as mvn -Pflink-cluster starts it.
            values.put("task-heap", "");
        }
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                String key = arg.substring(2, arg.indexOf('='));
                if (!values.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option --" + key + "; known: " + values.keySet());
                }
                values.put(key, arg.substring(arg.indexOf('=') + 1));
            } else if (!List.of("quick", "--quick", "remote", "--remote").contains(arg) && !arg.isBlank()) {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
    }

    boolean quick() {
        return quick;
    }

    /** The remote run: embedded and remote Flink mode side by side, instead of the default figures. */
    boolean remote() {
        return remote;
    }

    /** What the run is called in the table and the results file: default, quick, remote, remote quick. */
    String runName() {
        return remote ? (quick ? "remote quick" : "remote") : (quick ? "quick" : "default");
    }

    /** Remote run: the TaskManager's slot counts, one cluster (and one parallelism and bucket count) each. */
    List<Integer> slots() {
        return Arrays.stream(values.get("slots").split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    /** Remote run: the TaskManager's task heap ({@code 1g}), or null for the local cluster's default. */
    String taskHeap() {
        return values.get("task-heap").isBlank() ? null : values.get("task-heap").trim();
    }

    Duration savepointTimeout() {
        return duration("savepoint-timeout");
    }

    Map<String, String> all() {
        return values;
    }

    boolean figure(String number) {
        return Arrays.asList(values.get("only").split(",")).contains(number);
    }

    int frames() {
        return integer("frames");
    }

    int markets() {
        return integer("markets");
    }

    int runs() {
        return integer("runs");
    }

    List<Integer> scaleMarkets() {
        return Arrays.stream(values.get("scale-markets").split(",")).map(String::trim).map(Integer::valueOf)
                .collect(Collectors.toList());
    }

    int scaleFrames() {
        return integer("scale-frames");
    }

    int scaleRuns() {
        return integer("scale-runs");
    }

    int variantFrames() {
        return integer("variant-frames");
    }

    /** The {@code --tickerlake=} settings for figure 1's and figure 4's tickerlake runs. */
    Map<String, String> tickerlakeSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String pair : values.get("tickerlake").split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            if (!pair.contains("=")) {
                throw new IllegalArgumentException("--tickerlake wants key=value;key=value, got " + pair);
            }
            settings.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
        }
        return settings;
    }

    int cdcFrames() {
        return integer("cdc-frames");
    }

    Duration throughputCheckpoint() {
        return duration("throughput-checkpoint");
    }

    /** The "stock" baseline's table options: only what kafka_sync_database requires to run. */
    Map<String, String> stockTableOptions() {
        return tableOptions(values.get("stock-options"));
    }

    /** Figure 9's variants, each a change of tickerlake's options: {@code key=value,...}; an empty value removes a key. */
    List<Map<String, String>> variants() {
        return Arrays.stream(values.get("variants").split(";")).map(String::trim).filter(v -> !v.isEmpty())
                .map(BenchOptions::tableOptions).toList();
    }

    /** {@code key=value,key=value} as an ordered map (a value may itself hold {@code :} or {@code =}). */
    static Map<String, String> tableOptions(String list) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String option : list.split(",")) {
            int eq = option.indexOf('=');
            if (eq > 0) {
                options.put(option.substring(0, eq).trim(), option.substring(eq + 1).trim());
            }
        }
        return options;
    }

    Duration freshnessWindow() {
        return duration("freshness-window");
    }

    int freshnessRate() {
        return integer("freshness-rate");
    }

    int freshnessMarkets() {
        return integer("freshness-markets");
    }

    List<Duration> freshnessIntervals() {
        return Arrays.stream(values.get("freshness-intervals").split(",")).map(String::trim)
                .map(Durations::parse).toList();
    }

    int timeTravelRows() {
        return integer("tt-rows");
    }

    int timeTravelRequests() {
        return integer("tt-requests");
    }

    /**
     * Figure 6's table: tickerlake's table options with these changes ({@code key=value,...}; an empty value removes a
     * key), to measure a read lever; none by default.
     */
    Map<String, String> timeTravelTableOptions() {
        Map<String, String> options = new LinkedHashMap<>(Config.tableOptions());
        tableOptions(values.get("tt-options")).forEach((key, value) -> {
            if (value.isEmpty()) {
                options.remove(key);
            } else {
                options.put(key, value);
            }
        });
        return options;
    }

    String timeTravelStorage() {
        return values.get("tt-storage");
    }

    Duration footprintWarmup() {
        return duration("footprint-warmup");
    }

    int jmhIterations() {
        return integer("jmh-iterations");
    }

    Duration jmhTime() {
        return duration("jmh-time");
    }

    Duration budget() {
        return duration("budget");
    }

    String machine() {
        return values.get("machine");
    }

    Path jar() {
        return Path.of(values.get("jar"));
    }

    Path workDir() {
        return Path.of(values.get("work-dir")).toAbsolutePath();
    }

    Path results() {
        return Path.of(values.get("results"));
    }

    /** How long one sync or route phase may take before the harness gives up on it. */
    Duration phaseTimeout(int frames) {
        return Duration.ofSeconds(Math.max(180, frames / 500));
    }

    private int integer(String key) {
        return Integer.parseInt(values.get(key).replace("_", "").replace(",", ""));
    }

    private Duration duration(String key) {
        return Durations.parse(values.get(key));
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "_");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
