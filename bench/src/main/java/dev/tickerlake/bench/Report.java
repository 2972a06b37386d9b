package dev.tickerlake.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tickerlake.testing.Machine;

/** The results: a Markdown table for the console and the README, and the JSON file with every run's values. */
final class Report {

    private final BenchOptions options;
    private final Collection<Figure> figures;
    private final OffsetDateTime started;
    private final double seconds;
    private final List<String> failures;
    private final Map<String, Object> extra;

    Report(BenchOptions options, Collection<Figure> figures, OffsetDateTime started, double seconds,
           List<String> failures) {
        this(options, figures, started, seconds, failures, Map.of());
    }

    /** {@code extra}: more top-level entries of the results file (the remote run's clusters and load). */
    Report(BenchOptions options, Collection<Figure> figures, OffsetDateTime started, double seconds,
           List<String> failures, Map<String, Object> extra) {
        this.options = options;
        this.figures = figures;
        this.started = started;
        this.seconds = seconds;
        this.failures = failures;
        this.extra = extra;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(Bench.fmt("tickerlake bench, %s run on %s, %s (%.1f min)%n", options.runName(),
                options.machine(), Machine.describe().get("summary"), seconds / 60));
        out.append(Bench.fmt("%,d frames per throughput run, checkpoints every %s s in throughput runs%n%n",
                options.frames(), options.throughputCheckpoint().toMillis() / 1000.0));
        out.append("| figure | median | spread (min – max) | runs | unit |\n");
        out.append("|---|---:|---:|---:|---|\n");
        for (Figure figure : figures) {
            if (!figure.measured() && !options.remote() && !options.figure(figure.title().substring(0, 1))) {
                continue;
            }
            out.append(Bench.fmt("| %s | %s | %s | %d | %s |%n", figure.title(), figure.medianText(),
                    figure.spreadText(), figure.runs().size(), figure.unit()));
        }
        for (String failure : failures) {
            out.append("\n").append(failure);
        }
        return out.toString();
    }

    Path write() throws Exception {
        // Only default runs go to bench/results itself; a remote run goes to its remote/ folder.
        Path dir = options.remote() ? options.results().resolve("remote") : options.results();
        Files.createDirectories(dir);
        // A quick run never overwrites the day's full run.
        Path file = dir.resolve(Bench.today() + "-" + options.machine() + (options.quick() ? "-quick" : "")
                + ".json");
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run", options.runName());
        root.put("command", options.runName().equals("default") ? "mvn -B -Pbench verify"
                : "mvn -B -Pbench verify -Dbench.args=" + (options.runName().contains(" ")
                        ? "\"" + options.runName() + "\"" : options.runName()));
        root.put("started", started.toString());
        root.put("minutes", Math.round(seconds / 6) / 10.0);
        root.put("machine", Machine.describe());
        root.put("options", options.all());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Figure figure : figures) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("id", figure.id());
            f.put("title", figure.title());
            f.put("unit", figure.unit());
            if (figure.measured()) {
                f.put("median", figure.median());
                f.put("min", Stats.min(figure.runs()));
                f.put("max", Stats.max(figure.runs()));
            }
            f.put("runs", figure.runs());
            if (figure.note() != null) {
                f.put("note", figure.note());
            }
            if (!figure.details().isEmpty()) {
                f.put("details", figure.details());
            }
            list.add(f);
        }
        root.putAll(extra);
        root.put("figures", list);
        root.put("failures", failures);
        root.put("table", table());
        Bench.json().writeValue(file.toFile(), root);
        return file;
    }

}
