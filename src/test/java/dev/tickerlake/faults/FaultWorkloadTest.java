package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultWorkloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static FaultWorkload workload;
    static List<byte[]> lines;

    @BeforeAll
    static void write() throws Exception {
        workload = FaultWorkload.builder(dir.resolve("w.jsonl")).seed(42).frames(5000).poisonPercent(1).write();
        lines = lines(workload.file());
    }

    static List<byte[]> lines(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                out.add(java.util.Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        assertThat(start).as("the file ends with a line break").isEqualTo(all.length);
        return out;
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        FaultWorkload again = FaultWorkload.builder(dir.resolve("again.jsonl")).seed(42).frames(5000).poisonPercent(1)
                .write();
        assertThat(Files.readAllBytes(again.file())).isEqualTo(Files.readAllBytes(workload.file()));
        assertThat(Files.readAllBytes(again.poisonIndex())).isEqualTo(Files.readAllBytes(workload.poisonIndex()));
        FaultWorkload other = FaultWorkload.builder(dir.resolve("other.jsonl")).seed(43).frames(5000).write();
        assertThat(Files.readAllBytes(other.file())).isNotEqualTo(Files.readAllBytes(workload.file()));
    }

    @Test
    void countsMatchTheFile() {
        assertThat(lines).hasSize(workload.frames());
        assertThat(workload.frames()).isEqualTo(workload.generated() + workload.duplicates() + workload.poisonLines());
        assertThat(workload.generated()).isEqualTo(5000);
        assertThat(lines).noneMatch(l -> l.length == 0);
    }

    @Test
    void crossesAUtcMidnightWithManyRowsOnBothDays() {
        LakeModel model = LakeModel.of(workload);
        for (String table : LakeModel.TABLES) {
            Map<String, Integer> days = model.rowsPerDay(table);
            assertThat(days.keySet()).as(table).containsExactly("2024-05-01", "2024-05-02");
            assertThat(days.values()).as(table).allMatch(n -> n >= 40);
        }
    }

    @Test
    void atLeastFiftyMarketsAppear() throws Exception {
        Set<String> markets = new HashSet<>();
        for (JsonNode frame : validFrames()) {
            markets.add(frame.get("code").asText());
        }
        assertThat(workload.markets()).isGreaterThanOrEqualTo(50);
        assertThat(markets).hasSizeGreaterThanOrEqualTo(50);
    }

    @Test
    void lateFramesComeHundredsOfLinesAfterNewerOnes() throws Exception {
        // a late frame: its timestamp is older than a frame written at least 200 lines before it
        List<JsonNode> frames = validFrames();
        int outOfOrder = 0;
        for (int i = 200; i < frames.size(); i++) {
            if (frames.get(i).get("timestamp").asLong() < frames.get(i - 200).get("timestamp").asLong()) {
                outOfOrder++;
            }
        }
        assertThat(workload.late()).isGreaterThan(10);
        assertThat(outOfOrder).isGreaterThanOrEqualTo(workload.late() / 2);
    }

    @Test
    void duplicatesAreExactCopies() {
        Map<String, Integer> counts = new HashMap<>();
        Set<Integer> poison = poisonLines();
        for (int i = 0; i < lines.size(); i++) {
            if (!poison.contains(i + 1)) {
                counts.merge(new String(lines.get(i), StandardCharsets.UTF_8), 1, Integer::sum);
            }
        }
        int copies = counts.values().stream().mapToInt(n -> n - 1).sum();
        assertThat(workload.duplicates()).isGreaterThan(10);
        assertThat(copies).isEqualTo(workload.duplicates());
    }

    @Test
    void everyPoisonClassIsThereAndIsWhatItSays() throws Exception {
        Map<FaultWorkload.PoisonClass, Integer> perClass = new EnumMap<>(FaultWorkload.PoisonClass.class);
        for (FaultWorkload.Poison p : workload.poison()) {
            perClass.merge(p.poisonClass(), 1, Integer::sum);
            byte[] line = lines.get(p.line() - 1);
            String text = new String(line, StandardCharsets.UTF_8);
            switch (p.poisonClass()) {
                case NOT_JSON -> assertThatThrownBy(() -> JSON.readTree(line)).as(text).isNotNull();
                case WRONG_TYPE -> assertThat(JSON.readTree(line).get("trade_price").isTextual()).as(text).isTrue();
                case MISSING_KEY -> assertThat(JSON.readTree(line).has("code")).as(text).isFalse();
                case OVERSIZED -> assertThat(line.length).isGreaterThan(65_536);
                case WRONG_ENCODING -> assertThat(validUtf8(line)).as(text).isFalse();
                case UNKNOWN_TYPE -> assertThat(JSON.readTree(line).get("type").asText()).isEqualTo("candle");
                case OUT_OF_RANGE -> assertThat(text).containsAnyOf("1E+400", "123456789012345678901234567890",
                        "99999999999999999999");
            }
            if (p.poisonClass() != FaultWorkload.PoisonClass.WRONG_ENCODING) {
                assertThat(validUtf8(line)).as(text).isTrue();
            }
        }
        assertThat(perClass.keySet()).containsExactlyInAnyOrder(FaultWorkload.PoisonClass.values());
        assertThat(workload.poisonLines()).isEqualTo(workload.poison().size()).isBetween(30, 70);
    }

    @Test
    void theValidFramesDoNotDependOnThePoison() throws Exception {
        FaultWorkload clean = FaultWorkload.builder(dir.resolve("clean.jsonl")).seed(42).frames(5000).write();
        List<byte[]> cleanLines = lines(clean.file());
        Set<Integer> poison = poisonLines();
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!poison.contains(i + 1)) {
                valid.add(new String(lines.get(i), StandardCharsets.UTF_8));
            }
        }
        assertThat(clean.poisonLines()).isZero();
        assertThat(cleanLines.stream().map(l -> new String(l, StandardCharsets.UTF_8)).toList()).isEqualTo(valid);
    }

    /** The check compares DOUBLE columns with BigDecimal.valueOf(double): exact for every value the generator writes. */
    @Test
    void everyCheckedDecimalSurvivesADoubleExactly() {
        LakeModel model = LakeModel.of(workload);
        int checked = 0;
        for (String table : LakeModel.TABLES) {
            for (LakeModel.ExpectedRow row : model.rows(table).values()) {
                for (BigDecimal value : row.values().values()) {
                    assertThat(BigDecimal.valueOf(value.doubleValue())).as(row.toString()).isEqualByComparingTo(value);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    private static Set<Integer> poisonLines() {
        Set<Integer> poison = new HashSet<>();
        workload.poison().forEach(p -> poison.add(p.line()));
        return poison;
    }

    private static List<JsonNode> validFrames() throws Exception {
        Set<Integer> poison = poisonLines();
        List<JsonNode> frames = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!poison.contains(i + 1)) {
                frames.add(JSON.readTree(lines.get(i)));
            }
        }
        return frames;
    }

    private static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
