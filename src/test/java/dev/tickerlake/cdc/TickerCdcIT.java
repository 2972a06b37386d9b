package dev.tickerlake.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.tickerlake.testing.KafkaTestClient;
import dev.tickerlake.testing.RunningTickerlake;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed and the Kafka ticker consumption end to end on a real broker: a replay file of documented Upbit frames with
 * bad lines between them → exactly one envelope per good frame on upbit-cdc (byte for byte the mapper's) and exactly
 * one dead letter per bad line on upbit-dlq, with its cause and size (a line larger than a Kafka request keeps its
 * first bytes); consuming the raw records again gives identical envelopes.
 */
class TickerCdcIT {

    private static final int MAX_FRAME_BYTES = 4096;

    @TempDir
    static Path dir;

    static final List<byte[]> good = new ArrayList<>();
    /** Bad line → the error class its dead letter must carry. */
    static final Map<String, String> bad = new java.util.LinkedHashMap<>();
    static Path replay;

    @BeforeAll
    static void writeReplayFile() throws Exception {
        for (String type : List.of("ticker", "trade", "orderbook")) {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                    TickerCdcIT.class.getResourceAsStream("/frames/" + type + ".jsonl"), StandardCharsets.UTF_8))) {
                lines.lines().filter(l -> !l.isBlank()).forEach(l -> good.add(l.getBytes(StandardCharsets.UTF_8)));
            }
        }
        String ticker = new String(good.get(0), StandardCharsets.UTF_8);
        bad.put("this is not json", "not-json");
        bad.put("{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"trade_price\":9", "truncated");
        bad.put("[1,2,3]", "not-an-object");
        bad.put("42", "not-an-object");
        bad.put("{\"type\":\"candle.1s\",\"code\":\"KRW-BTC\",\"timestamp\":1714521600000}", "unknown-type");
        bad.put("{\"type\":\"ticker\",\"trade_price\":1.0,\"timestamp\":1714521600000}", "missing-field");
        bad.put(ticker.replaceFirst("\"trade_price\":[^,]+", "\"trade_price\":\"abc\""), "bad-number");
        bad.put(ticker.replaceFirst("\"timestamp\":\\d+", "\"timestamp\":\"soon\""), "bad-timestamp");
        bad.put("{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"pad\":\"" + "x".repeat(MAX_FRAME_BYTES) + "\"}", "too-large");
        bad.put("{\"status\":\"UP\"}", "status-frame");
        // Larger than a Kafka request (max.request.size, 1 MiB): its dead letter keeps the first MAX_FRAME_BYTES bytes.
        bad.put("{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"pad\":\"" + "y".repeat(2_000_000) + "\"}", "too-large");

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int g = 0;
        for (String line : bad.keySet()) {
            file.write(good.get(g++ % good.size()));
            file.write('\n');
            file.write(line.getBytes(StandardCharsets.UTF_8));
            file.write("\n\n".getBytes(StandardCharsets.UTF_8));
        }
        // A frame that is not valid UTF-8, then the remaining good frames.
        file.write("{\"type\":\"trade\",\"code\":\"KRW-\u00c3".getBytes(StandardCharsets.ISO_8859_1));
        file.write(new byte[] {(byte) 0xc3, 0x28});
        file.write("\"}\n".getBytes(StandardCharsets.UTF_8));
        for (; g < good.size(); g++) {
            file.write(good.get(g));
            file.write('\n');
        }
        replay = dir.resolve("frames.jsonl");
        Files.write(replay, file.toByteArray());
    }

    /** A dead letter's body: the line, or its first MAX_FRAME_BYTES bytes when it is longer (all ASCII here). */
    private static String deadLetterBody(String line) {
        return line.length() > MAX_FRAME_BYTES ? line.substring(0, MAX_FRAME_BYTES) : line;
    }

    @Test
    void everyGoodFrameBecomesItsEnvelopeAndEveryBadLineOneDeadLetter() throws Exception {
        int expectedEnvelopes = Math.max(good.size(), bad.size());
        int expectedDeadLetters = bad.size() + 1;
        CdcMapper mapper = new CdcMapper(MAX_FRAME_BYTES);
        Map<String, List<String>> expected = new HashMap<>();
        for (int i = 0; i < expectedEnvelopes; i++) {
            Envelope envelope = mapper.map(good.get(i % good.size()));
            expected.computeIfAbsent(envelope.key(), k -> new ArrayList<>()).add(envelope.valueAsString());
        }

        Path data = dir.resolve("data");
        List<ConsumerRecord<String, byte[]>> firstPass;
        try (RunningTickerlake app = RunningTickerlake.start(data, Map.of(
                "tickerlake.source", "replay",
                "tickerlake.replay.file", replay.toString(),
                "tickerlake.replay.speed", "0",
                "tickerlake.cdc.max-frame-bytes", String.valueOf(MAX_FRAME_BYTES),
                // One envelope per frame, byte for byte the mapper's (EnvelopeRowsTablesIT: several per envelope).
                "tickerlake.cdc.envelope-max-rows", "1"))) {
            KafkaTestClient kafka = new KafkaTestClient(app.property("tickerlake.kafka.bootstrap-servers"));

            firstPass = kafka.read("upbit-cdc", expectedEnvelopes, Duration.ofSeconds(60));
            assertThat(firstPass).hasSize(expectedEnvelopes);
            assertThat(firstPass.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                    Collectors.mapping(r -> new String(r.value(), StandardCharsets.UTF_8), Collectors.toList()))))
                    .isEqualTo(expected);

            List<ConsumerRecord<String, byte[]>> deadLetters =
                    kafka.read("upbit-dlq", expectedDeadLetters, Duration.ofSeconds(30));
            assertThat(deadLetters).hasSize(expectedDeadLetters);
            Map<String, String> classByLine = new HashMap<>();
            Map<String, String> lineByBody = new HashMap<>();
            bad.keySet().forEach(line -> lineByBody.put(deadLetterBody(line), line));
            for (ConsumerRecord<String, byte[]> record : deadLetters) {
                String line = lineByBody.get(new String(record.value(), StandardCharsets.UTF_8));
                if (line != null) {
                    assertThat(KafkaTestClient.header(record, "tickerlake-frame-bytes"))
                            .isEqualTo(String.valueOf(line.getBytes(StandardCharsets.UTF_8).length));
                    if (line.length() > MAX_FRAME_BYTES) {
                        assertThat(record.value()).hasSize(MAX_FRAME_BYTES);
                        assertThat(KafkaTestClient.header(record, "tickerlake-error-message"))
                                .contains(line.length() + " bytes");
                    }
                }
                assertThat(KafkaTestClient.header(record, "tickerlake-error-message")).isNotBlank();
                assertThat(KafkaTestClient.header(record, "tickerlake-source"))
                        .matches("(frames\\.jsonl:\\d+|upbit-(ticker|trade|orderbook)/\\d+/\\d+)");
                classByLine.put(line != null ? line : new String(record.value(), StandardCharsets.UTF_8),
                        KafkaTestClient.header(record, "tickerlake-error-class"));
            }
            assertThat(classByLine).containsAllEntriesOf(bad);
            assertThat(classByLine.values()).contains("invalid-utf8");

            // The route's group has committed everything it mapped: a restart would not map it again.
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.property("tickerlake.kafka.bootstrap-servers")))) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("tickerlake-cdc")
                            .partitionsToOffsetAndMetadata().get();
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    int partitions = Integer.parseInt(app.property("tickerlake.kafka.partitions"));
                    for (String topic : List.of("upbit-ticker", "upbit-trade", "upbit-orderbook")) {
                        for (int p = 0; p < partitions; p++) {
                            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                        }
                    }
                    Map<TopicPartition, Long> ends = new HashMap<>();
                    admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
                    assertThat(committed).isNotEmpty();
                    assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
                            .isEqualTo(ends.values().stream().mapToLong(Long::longValue).sum()).isPositive();
                });
            }
        }

        // The same raw records consumed again by a new group: the same envelopes, byte for byte.
        try (RunningTickerlake app = RunningTickerlake.start(data, Map.of(
                "tickerlake.source", "none",
                "tickerlake.cdc.group-id", "tickerlake-cdc-again",
                "tickerlake.cdc.max-frame-bytes", String.valueOf(MAX_FRAME_BYTES),
                // One envelope per frame, byte for byte the mapper's (EnvelopeRowsTablesIT: several per envelope).
                "tickerlake.cdc.envelope-max-rows", "1"))) {
            KafkaTestClient kafka = new KafkaTestClient(app.property("tickerlake.kafka.bootstrap-servers"));
            List<ConsumerRecord<String, byte[]>> both = kafka.read("upbit-cdc", 2 * expectedEnvelopes, Duration.ofSeconds(60));
            assertThat(both).hasSize(2 * expectedEnvelopes);
            Map<String, List<String>> twice = new HashMap<>();
            expected.forEach((key, values) -> {
                List<String> doubled = new ArrayList<>(values);
                doubled.addAll(values);
                twice.put(key, doubled);
            });
            assertThat(both.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                    Collectors.mapping(r -> new String(r.value(), StandardCharsets.UTF_8), Collectors.toList()))))
                    .allSatisfy((key, values) -> assertThat(values).containsExactlyInAnyOrderElementsOf(twice.get(key)));
        }
    }
}
