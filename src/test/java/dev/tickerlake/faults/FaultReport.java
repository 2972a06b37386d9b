package dev.tickerlake.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tickerlake.testing.Machine;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects the scenarios' results. Failsafe runs each IT class in a JVM of its own, so {@link #record} also appends the
 * result to {@code target/faults/results-<run>.jsonl} (run = system property {@code tickerlake.faults.run}, which the
 * build sets once per Maven run). When a test plan that recorded something finishes (this class is a JUnit Platform
 * {@link TestExecutionListener}, registered in META-INF/services), it prints the Markdown table of every result of the
 * run so far and writes {@code target/faults/faults-<scale>.json}; a FULL run also writes
 * {@code bench/results/faults/<yyyy-MM-dd>-<host>.json}; the table also goes to {@code target/faults/faults-<scale>.md} (the faults profile prints it last). A plan that recorded nothing (unit tests, other ITs) prints
 * and writes nothing.
 */
public final class FaultReport implements TestExecutionListener {

    public static final String RUN_PROPERTY = "tickerlake.faults.run";
    public static final String COMMAND_PROPERTY = "tickerlake.faults.command";
    private static final List<ScenarioResult> RECORDED = new CopyOnWriteArrayList<>();
    private static final String JVM_RUN = "jvm-" + ManagementFactory.getRuntimeMXBean().getStartTime();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    /** Records one scenario's result (one per scenario) and prints it as a {@code [faults]} line. */
    public static synchronized void record(ScenarioResult result) {
        RECORDED.add(result);
        System.out.println("[faults] result " + result.scenario() + ": faults " + result.faults() + ", frames "
                + result.frames() + ", rows " + result.expectedRows() + ", lost " + result.lost() + ", duplicated "
                + result.duplicated() + ", wrong " + result.wrong() + ", extra " + result.extra() + ", recovery "
                + seconds(result.recoverySeconds()) + " s");
        Map<String, Object> line = toMap(result);
        line.put("jvmStart", ManagementFactory.getRuntimeMXBean().getStartTime());
        line.put("recordedAt", System.currentTimeMillis());
        try {
            Path file = resultsFile();
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON_LINE.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the result of " + result.scenario(), e);
        }
    }

    /** The results recorded in this JVM. */
    public static List<ScenarioResult> recorded() {
        return List.copyOf(RECORDED);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (RECORDED.isEmpty()) {
            return;
        }
        try {
            List<Map<String, Object>> results = readRun();
            String table = table(results);
            System.out.println();
            System.out.println(table);
            Map<String, Object> report = report(results);
            Path json = baseDir().resolve("target/faults/faults-" + FaultScale.current().label() + ".json");
            Files.createDirectories(json.getParent());
            Files.writeString(tableFile(FaultScale.current()), table + "\nScale " + report.get("scale") + ", "
                    + report.get("start") + " to " + report.get("end") + ", machine: "
                    + ((Map<?, ?>) report.get("machine")).get("summary") + ", command: " + report.get("command") + "\n",
                    StandardCharsets.UTF_8);
            JSON.writeValue(json.toFile(), report);
            System.out.println("[faults] results written to " + json);
            if (FaultScale.current() == FaultScale.FULL) {
                Path full = baseDir().resolve("bench/results/faults/" + LocalDate.now(ZoneOffset.UTC) + "-" + host()
                        + ".json");
                Files.createDirectories(full.getParent());
                JSON.writeValue(full.toFile(), report);
                System.out.println("[faults] full-run results written to " + full);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fault report", e);
        }
    }

    private static Path tableFile(FaultScale scale) {
        return baseDir().resolve("target/faults/faults-" + scale.label() + ".md");
    }

    /** The Markdown table of these results (maps as in the results file), ordered by scenario. */
    static String table(List<Map<String, Object>> results) {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | faults | frames | rows | lost | duplicated | wrong | extra | recovery (s) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : results) {
            out.append("| ").append(r.get("scenario"));
            for (String column : List.of("faults", "frames", "expectedRows", "lost", "duplicated", "wrong", "extra")) {
                out.append(" | ").append(r.get(column));
            }
            out.append(" | ").append(seconds(((Number) r.get("recoverySeconds")).doubleValue())).append(" |\n");
        }
        return out.toString();
    }

    static Map<String, Object> toMap(ScenarioResult result) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("scenario", result.scenario());
        map.put("faults", result.faults());
        map.put("frames", result.frames());
        map.put("expectedRows", result.expectedRows());
        map.put("lost", result.lost());
        map.put("duplicated", result.duplicated());
        map.put("wrong", result.wrong());
        map.put("extra", result.extra());
        map.put("recoverySeconds", result.recoverySeconds());
        map.put("details", result.details());
        return map;
    }

    /** This run's results, the latest per scenario, ordered by scenario name. */
    private static List<Map<String, Object>> readRun() throws IOException {
        Map<String, Map<String, Object>> byScenario = new TreeMap<>();
        Path file = resultsFile();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    Map<String, Object> r = JSON_LINE.readValue(line, new TypeReference<Map<String, Object>>() { });
                    byScenario.put(String.valueOf(r.get("scenario")), r);
                }
            }
        }
        if (byScenario.isEmpty()) {
            RECORDED.forEach(r -> byScenario.put(r.scenario(), toMap(r)));
        }
        return new ArrayList<>(byScenario.values());
    }

    private static Map<String, Object> report(List<Map<String, Object>> results) {
        long start = results.stream().map(r -> r.get("jvmStart")).filter(Number.class::isInstance)
                .mapToLong(v -> ((Number) v).longValue()).min()
                .orElse(ManagementFactory.getRuntimeMXBean().getStartTime());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("scale", FaultScale.current().label());
        report.put("machine", Machine.describe());
        report.put("start", Instant.ofEpochMilli(start).toString());
        report.put("end", Instant.now().toString());
        report.put("command", command());
        List<Map<String, Object>> clean = new ArrayList<>();
        for (Map<String, Object> r : results) {
            Map<String, Object> copy = new LinkedHashMap<>(r);
            copy.remove("jvmStart");
            Object at = copy.remove("recordedAt");
            if (at instanceof Number n) {
                copy.put("recordedAt", Instant.ofEpochMilli(n.longValue()).toString());
            }
            clean.add(copy);
        }
        clean.sort(Comparator.comparing(r -> String.valueOf(r.get("scenario"))));
        report.put("results", clean);
        return report;
    }

    private static String command() {
        String command = System.getProperty(COMMAND_PROPERTY);
        if (command != null && !command.isBlank()) {
            return command;
        }
        return FaultScale.current() == FaultScale.FULL ? "mvn -B -Pfaults verify" : "mvn -B verify";
    }

    private static String host() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                host = "";
            }
        }
        if (host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown";
            }
        }
        return host.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Path resultsFile() {
        String run = System.getProperty(RUN_PROPERTY);
        run = run == null || run.isBlank() ? JVM_RUN : run.replaceAll("[^A-Za-z0-9._-]", "_");
        return baseDir().resolve("target/faults/results-" + run + ".jsonl");
    }

    private static Path baseDir() {
        String basedir = System.getProperty("basedir");
        return Path.of(basedir != null && !basedir.isBlank() ? basedir : System.getProperty("user.dir"));
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
