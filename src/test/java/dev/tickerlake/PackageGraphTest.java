package dev.tickerlake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of {@code src/main/java} follow the data with one direction of knowledge: {@code upbit} (frames) →
 * {@code cdc} (envelopes) → {@code sync} (the Paimon job's lifecycle) and {@code lake} (reads, diff, tags, rollback;
 * no HTTP) → {@code admin} (HTTP), with no cycle. A package knows another when its sources name it (import, static
 * import or a fully qualified name, Javadoc included).
 */
class PackageGraphTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/tickerlake");
    /** The root package {@code dev.tickerlake}: the wiring (TickerlakeConfiguration), Monitoring, the HTTP servers. */
    private static final String ROOT = "(root)";
    /** Every package and the packages it may know; a package missing here fails the test until it is placed. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("support", Set.of()),
            Map.entry("health", Set.of("support")),
            Map.entry("embedded", Set.of("support")),
            Map.entry("upbit", Set.of("health", "support")),
            Map.entry("kafka", Set.of("support")),
            Map.entry("cdc", Set.of("upbit", "health", "support")),
            Map.entry("sync", Set.of("cdc", "upbit", "health", "support")),
            // Shipped alone in the remote job jar (a Kryo serializer for Paimon's records): knows nothing of ours.
            Map.entry("sync.kryo", Set.of()),
            Map.entry("lake", Set.of("cdc", "upbit", "health", "support")),
            Map.entry("admin", Set.of("sync", "lake", "cdc", "upbit", "health", "support")),
            Map.entry(ROOT, Set.of("admin", "sync", "lake", "cdc", "upbit", "kafka", "health", "embedded", "support")));
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.tickerlake\\.(?:([a-z][a-z0-9_]*)\\.|([A-Z]))");

    @Test
    void noPackageCycle() {
        assertThat(cycles(graph())).as("package cycles in src/main/java").isEmpty();
    }

    @Test
    void everyPackageKnowsOnlyThePackagesUpstreamOfIt() {
        Map<String, Set<String>> graph = graph();
        assertThat(ALLOWED.keySet()).as("packages placed in the allowed graph").containsAll(graph.keySet());
        List<String> violations = new ArrayList<>();
        graph.forEach((from, targets) -> targets.stream()
                .filter(to -> !ALLOWED.getOrDefault(from, Set.of()).contains(to))
                .forEach(to -> violations.add(from + " -> " + to)));
        assertThat(violations).as("dependencies against the data's direction").isEmpty();
    }

    @Test
    void theAllowedGraphItselfHasNoCycle() {
        assertThat(cycles(ALLOWED)).isEmpty();
    }

    /** Package → the other tickerlake packages its sources name. */
    static Map<String, Set<String>> graph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = SOURCES.relativize(file.getParent());
                String from = dir.toString().isEmpty() ? ROOT : dir.toString().replace('/', '.');
                Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(line);
                    while (m.find()) {
                        String to = m.group(1) != null ? m.group(1) : ROOT;
                        if (!to.equals(from)) {
                            targets.add(to);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** Each cycle found by a depth-first search, as "a -> b -> a". */
    static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            walk(start, graph, new ArrayDeque<>(), done, found);
        }
        return found;
    }

    private static void walk(String node, Map<String, Set<String>> graph, Deque<String> path, Set<String> done,
                             List<String> found) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>(path);
            Collections.reverse(cycle);
            cycle = new ArrayList<>(cycle.subList(cycle.indexOf(node), cycle.size()));
            cycle.add(node);
            found.add(String.join(" -> ", cycle));
            return;
        }
        if (done.contains(node)) {
            return;
        }
        path.push(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            walk(next, graph, path, done, found);
        }
        path.pop();
        done.add(node);
    }
}
