package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tickerlake.EmbeddedModeIT;
import dev.tickerlake.faults.FaultWorkload.PoisonClass;
import dev.tickerlake.sync.SyncJob;
import dev.tickerlake.sync.SyncJobState;
import dev.tickerlake.testing.KafkaTestClient;
import dev.tickerlake.testing.RunningTickerlake;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.paimon.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5, poison flood: 1 % poison lines of every bad class mixed into the workload, replayed as fast as possible
 * through a running tickerlake with the sync job. Every poison line is on upbit-dlq exactly once with its cause, every
 * valid row is in the tables (the model comparison), and the sync job never restarted.
 * <p>
 * A dead letter names where its frame was read: {@code file:line} when the feed already rejects it (its type or market
 * cannot be told: not JSON, missing code, unknown type, oversized), {@code topic/partition/offset} of the raw record
 * when the mapping does (wrong type, wrong encoding, numbers out of range); that raw record carries the replay line in
 * its own {@code tickerlake-source} header, which is how the test ties each dead letter to its line.
 */
class PoisonFloodIT {

    static final String SCENARIO = "5 poison flood";
    private static final Pattern REPLAY_SOURCE = Pattern.compile("(.+):(\\d+)");
    private static final Pattern RAW_SOURCE = Pattern.compile("(upbit-[a-z]+)/(\\d+)/(\\d+)");
    /** The dead-letter class each poison class must carry. */
    private static final Map<PoisonClass, Set<String>> ERROR_CLASSES = Map.of(
            PoisonClass.NOT_JSON, Set.of("not-json"),
            PoisonClass.WRONG_TYPE, Set.of("bad-number"),
            PoisonClass.MISSING_KEY, Set.of("missing-field"),
            PoisonClass.OVERSIZED, Set.of("too-large"),
            PoisonClass.WRONG_ENCODING, Set.of("invalid-utf8"),
            PoisonClass.UNKNOWN_TYPE, Set.of("unknown-type"),
            PoisonClass.OUT_OF_RANGE, Set.of("bad-number", "bad-timestamp"));

    @TempDir
    Path dir;

    @Test
    void everyPoisonLineIsOneDeadLetterEveryValidRowLandsAndTheJobNeverRestarts() throws Exception {
        FaultScale scale = FaultScale.current();
        long seed = FaultWorkload.DEFAULT_SEED;
        FaultWorkload workload = FaultWorkload.builder(dir.resolve("poison-flood.jsonl"))
                .seed(seed)
                .frames(scale.pick(10_000, 100_000))
                .poisonPercent(1)
                .write();
        LakeModel model = LakeModel.of(workload);
        Map<Integer, PoisonClass> poison = new TreeMap<>();
        Map<PoisonClass, Integer> perClass = new EnumMap<>(PoisonClass.class);
        workload.poison().forEach(p -> {
            poison.put(p.line(), p.poisonClass());
            perClass.merge(p.poisonClass(), 1, Integer::sum);
        });
        progress("%s (%s): %s; model %s; poison per class %s", SCENARIO, scale.label(), workload, model, perClass);

        long started = System.nanoTime();
        try (RunningTickerlake app = RunningTickerlake.start(dir.resolve("data"), Map.of(
                "tickerlake.source", "replay",
                "tickerlake.replay.file", workload.file().toString(),
                "tickerlake.replay.speed", "0",
                "tickerlake.paimon.enabled", "true",
                "tickerlake.flink.checkpoint-interval", "2s"))) {
            EmbeddedModeIT.awaitReady(app);
            SyncJob syncJob = app.context().getRegistry().lookupByNameAndType("syncJob", SyncJob.class);
            // Submitting the job takes seconds on a quiet machine, minutes on a loaded one.
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .until(() -> syncJob.state().jobId() != null);
            String jobId = syncJob.state().jobId();
            progress("%s: replay started, sync job %s", SCENARIO, jobId);

            Discrepancies lake;
            try (Catalog catalog = LakeCheck.s3Catalog(app.property("tickerlake.s3.endpoint"), "minioadmin",
                    "minioadmin", "s3://paimon/warehouse")) {
                lake = LakeCheck.awaitMatch(model, () -> catalog, scale.pick(Duration.ofMinutes(4), Duration.ofMinutes(15)));
            }
            double secondsToMatch = (System.nanoTime() - started) / 1e9;
            progress("%s: tables after %.1f s: %s", SCENARIO, secondsToMatch, lake);

            KafkaTestClient kafka = new KafkaTestClient(app.property("tickerlake.kafka.bootstrap-servers"));
            List<ConsumerRecord<String, byte[]>> deadLetters = kafka.read("upbit-dlq", poison.size(),
                    scale.pick(Duration.ofSeconds(60), Duration.ofSeconds(180)));
            DeadLetters dlq = new DeadLetters(deadLetters, app.property("tickerlake.kafka.bootstrap-servers"),
                    workload.file().getFileName().toString());
            progress("%s: %d dead letters for %d poison lines; by error class %s; by source %s", SCENARIO,
                    deadLetters.size(), poison.size(), dlq.byErrorClass, dlq.bySource);

            SyncJobState state = syncJob.state();
            progress("%s: sync job %s %s, restarts %d", SCENARIO, state.jobId(), state.status(), state.restarts());

            Map<String, Object> details = new LinkedHashMap<>();
            details.put("seed", seed);
            details.put("generated", workload.generated());
            details.put("late", workload.late());
            details.put("duplicates", workload.duplicates());
            details.put("poisonPerClass", perClass);
            details.put("deadLetters", deadLetters.size());
            details.put("deadLettersPerErrorClass", dlq.byErrorClass);
            details.put("deadLettersPerSource", dlq.bySource);
            details.put("syncJobRestarts", state.restarts());
            details.put("secondsToMatch", Math.round(secondsToMatch * 10) / 10.0);
            FaultReport.record(ScenarioResult.of(SCENARIO, poison.size(), workload.frames(), lake, 0, details));

            assertThat(lake.none()).as(lake.toString()).isTrue();
            assertThat(dlq.problems).as("dead letters that are not one per poison line").isEmpty();
            Map<Integer, Integer> linesSeen = dlq.lines;
            assertThat(linesSeen.keySet()).as("poison lines on upbit-dlq").isEqualTo(poison.keySet());
            assertThat(linesSeen).as("dead letters per poison line").allSatisfy((line, n) -> assertThat(n).isEqualTo(1));
            dlq.errorClassOfLine.forEach((line, errorClass) -> assertThat(ERROR_CLASSES.get(poison.get(line)))
                    .as("error class of line %d (%s)", line, poison.get(line)).contains(errorClass));
            assertThat(deadLetters).hasSize(poison.size());
            assertThat(state.restarts()).as("sync job restarts").isZero();
            assertThat(state.jobId()).as("the same sync job throughout").isEqualTo(jobId);
            assertThat(state.status()).isEqualTo(SyncJobState.Status.RUNNING);
        }
    }

    /** The dead letters tied to their replay lines, with whatever does not fit. */
    private static final class DeadLetters {
        final Map<Integer, Integer> lines = new TreeMap<>();
        final Map<Integer, String> errorClassOfLine = new HashMap<>();
        final Map<String, Integer> byErrorClass = new TreeMap<>();
        /** Where the dead letters say they come from: the feed (file:line) or the mapping (a raw record). */
        final Map<String, Integer> bySource = new TreeMap<>();
        final List<String> problems = new ArrayList<>();

        DeadLetters(List<ConsumerRecord<String, byte[]>> records, String bootstrapServers, String fileName) {
            Map<String, String> rawOrigins = rawOrigins(records, bootstrapServers);
            for (ConsumerRecord<String, byte[]> record : records) {
                String errorClass = KafkaTestClient.header(record, "tickerlake-error-class");
                String message = KafkaTestClient.header(record, "tickerlake-error-message");
                String source = KafkaTestClient.header(record, "tickerlake-source");
                byErrorClass.merge(String.valueOf(errorClass), 1, Integer::sum);
                bySource.merge(source != null && RAW_SOURCE.matcher(source).matches() ? "raw record (mapping)"
                        : "file:line (feed)", 1, Integer::sum);
                if (errorClass == null || errorClass.isBlank() || message == null || message.isBlank()) {
                    problems.add("no cause headers: source " + source + ", class " + errorClass);
                }
                String origin = source == null ? null : rawOrigins.getOrDefault(source, source);
                Matcher replay = origin == null ? null : REPLAY_SOURCE.matcher(origin);
                if (replay == null || !replay.matches() || !replay.group(1).equals(fileName)) {
                    problems.add("dead letter not tied to a line of " + fileName + ": source " + source + " -> "
                            + origin + " (" + errorClass + ": " + message + ")");
                    continue;
                }
                int line = Integer.parseInt(replay.group(2));
                lines.merge(line, 1, Integer::sum);
                errorClassOfLine.put(line, errorClass);
            }
        }

        /** topic/partition/offset of each dead letter the mapping made → the replay line its raw record came from. */
        private static Map<String, String> rawOrigins(List<ConsumerRecord<String, byte[]>> records,
                                                      String bootstrapServers) {
            Map<TopicPartition, List<Long>> wanted = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                String source = KafkaTestClient.header(record, "tickerlake-source");
                Matcher raw = source == null ? null : RAW_SOURCE.matcher(source);
                if (raw != null && raw.matches()) {
                    wanted.computeIfAbsent(new TopicPartition(raw.group(1), Integer.parseInt(raw.group(2))),
                            k -> new ArrayList<>()).add(Long.parseLong(raw.group(3)));
                }
            }
            Map<String, String> origins = new HashMap<>();
            if (wanted.isEmpty()) {
                return origins;
            }
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1"), new StringDeserializer(), new ByteArrayDeserializer())) {
                for (Map.Entry<TopicPartition, List<Long>> e : wanted.entrySet()) {
                    consumer.assign(List.of(e.getKey()));
                    for (long offset : e.getValue()) {
                        consumer.seek(e.getKey(), offset);
                        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                        ConsumerRecord<String, byte[]> found = null;
                        while (found == null && System.nanoTime() < deadline) {
                            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                                if (r.offset() == offset) {
                                    found = r;
                                }
                            }
                        }
                        if (found != null) {
                            String line = KafkaTestClient.header(found, "tickerlake-source");
                            origins.put(e.getKey().topic() + "/" + e.getKey().partition() + "/" + offset,
                                    line == null ? "(raw record without tickerlake-source)" : line);
                        }
                    }
                }
            }
            return origins;
        }
    }

    private static void progress(String format, Object... args) {
        System.out.println("[faults] " + String.format(java.util.Locale.ROOT, format, args));
    }
}
