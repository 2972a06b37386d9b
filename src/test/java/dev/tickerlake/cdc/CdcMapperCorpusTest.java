package dev.tickerlake.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import dev.tickerlake.faults.FaultWorkload;
import dev.tickerlake.upbit.FrameRejectedException;
import dev.tickerlake.upbit.Frames;
import dev.tickerlake.upbit.SyntheticFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CdcMapper#map} on a large corpus gives exactly what the mapper of 2026-12-08 (commit 334a792, the tree
 * parser and {@link RowMapper}, before the streaming path) gave: the same envelope bytes and keys for every frame
 * mapped, the same error class and message for every frame rejected. Each corpus is folded into one SHA-256 (see
 * {@link #digest}); the expected values were computed by running this test on 334a792's main code.
 */
class CdcMapperCorpusTest {

    /** 100,000 synthetic frames (200 markets, seed 42), one a minute from 2024-05-01 12:00 UTC (70 days of dt). */
    private static final String SYNTHETIC = "b3c2b3584dee26226c6eec69b057393503b75c6626522d0478d340cac0f3fce9";
    /** The poison-flood workload of the fault suite (seed 13, 20,000 frames, 60 markets, 5 % poison of every class). */
    private static final String POISON = "209e077fd7ecdb6063b7b0dd56086fe8aa644650e48cdb565428aba59aa50057";
    /** The fixture frames and 20,000 seeded mutations of them and of synthetic frames (see {@link #mutations}). */
    private static final String MUTATIONS = "d3025df44b35413481da6d16995b43f4b8b12a3c430f68ffdab2a09e5de1ca58";

    private final CdcMapper mapper = new CdcMapper();

    @Test
    void syntheticFramesMapAsBefore() {
        SyntheticFrames generator = new SyntheticFrames(200, 42);
        long t0 = java.time.Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            frames.add(generator.next(t0 + i * 60_000L).json());
        }
        assertThat(digest(frames)).isEqualTo(SYNTHETIC);
    }

    @Test
    void poisonFloodMapsAsBefore(@TempDir Path dir) throws Exception {
        FaultWorkload workload = FaultWorkload.builder(dir.resolve("poison.jsonl")).frames(20_000).poisonPercent(5)
                .write();
        assertThat(workload.poison()).hasSizeGreaterThan(500);
        assertThat(digest(lines(Files.readAllBytes(workload.file())))).isEqualTo(POISON);
    }

    @Test
    void mutatedFramesMapAsBefore() {
        assertThat(digest(mutations())).isEqualTo(MUTATIONS);
    }

    /** The fixtures, then seeded random edits of fixtures and synthetic frames that touch every rule of the mapping. */
    static List<byte[]> mutations() {
        List<String> bases = new ArrayList<>(Frames.all());
        SyntheticFrames generator = new SyntheticFrames(20, 7);
        for (int i = 0; i < 60; i++) {
            bases.add(new String(generator.next(1_714_521_600_000L + i * 3_600_000L).json(), StandardCharsets.UTF_8));
        }
        String[] values = {"0E-8", "0", "-0", "-0.0", "95078733694.3792000000000000", "8.428e-05", "1E+21", "1e400",
                "-1e-400", "1714521600123", "1714521600123.0", "1714521600123.5", "9223372036854775807",
                "9223372036854775808", "-9223372036854775809", "1.5", "123456789012345678901234567890",
                "1000000000000000000000000000000000", "0.000000000000000000000000000000001", "100", "null", "true",
                "false", "\"\"", "\"1.5\"", "\"+1.5\"", "\"007\"", "\"1e3\"", "\"abc\"", "\"true\"", "\"TRUE\"",
                "\"KRW-BTC\"", "\"KRW|BTC\"", "\"\\u00e9\"", "\"한글\"", "[]", "[1,2]", "{}", "{\"a\":1.50}",
                "1.7e12", "\"1714521600123\"", "946684800000", "946684799999", "4102444800000", "4102444799999"};
        String[] extras = {"\"foo\":1", "\"Foo\":\"x\"", "\"foo\":2", "\"bad name\":1", "\"price\":1", "\"PRICE\":1",
                "\"dt\":\"x\"", "\"ask_price_1\":1", "\"Ask_Size_31\":1", "\"market\":\"m\"", "\"symbol\":\"s\"",
                "\"status\":\"UP\"", "\"error\":{\"name\":\"x\"}", "\"ty\":\"trade\"", "\"type\":\"ticker\"",
                "\"code\":\"KRW-ETH\"", "\"cd\":\"KRW-ETH\"", "\"tp\":1", "\"orderbook_units\":[]", "\"obu\":null",
                "\"x\":null", "\"zz\":[1,{\"b\":2}]", "\"a1\":1.0e-3", "\"_\":true", "\"trade_timestamp\":null"};
        List<byte[]> out = new ArrayList<>();
        for (String base : bases) {
            out.add(base.getBytes(StandardCharsets.UTF_8));
        }
        Random random = new Random(20261208L);
        java.util.regex.Pattern value = java.util.regex.Pattern.compile(
                "(\"[A-Za-z_0-9]+\"):(-?[0-9][0-9.eE+-]*|\"[^\"]*\"|null|true|false)");
        for (int i = 0; i < 20_000; i++) {
            String frame = bases.get(random.nextInt(bases.size()));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                java.util.regex.Matcher m = value.matcher(frame);
                List<int[]> spans = new ArrayList<>();
                while (m.find()) {
                    spans.add(new int[] {m.start(1), m.end(1), m.start(2), m.end(2)});
                }
                if (spans.isEmpty()) {
                    break;
                }
                int[] s = spans.get(random.nextInt(spans.size()));
                switch (random.nextInt(8)) {
                    case 0, 1, 2 -> frame = frame.substring(0, s[2]) + values[random.nextInt(values.length)]
                            + frame.substring(s[3]);
                    case 3 -> {
                        int end = s[3] < frame.length() && frame.charAt(s[3]) == ',' ? s[3] + 1 : s[3];
                        frame = frame.substring(0, s[0]) + frame.substring(end);
                    }
                    case 4 -> frame = frame.substring(0, s[0]) + extras[random.nextInt(extras.length)] + ","
                            + frame.substring(s[0]);
                    case 5 -> frame = frame.substring(0, s[0]) + frame.substring(s[0], s[3]) + ","
                            + frame.substring(s[0]);
                    case 6 -> frame = random.nextBoolean() ? frame + " " + frame.charAt(frame.length() - 1)
                            : frame.substring(0, random.nextInt(frame.length()));
                    default -> frame = random.nextBoolean() ? " \n" + frame + "\t" : "\uFEFF" + frame;
                }
            }
            out.add(frame.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * SHA-256 over every frame's outcome in order: {@code OK <key>\n<envelope>\n} or
     * {@code ERR <error class> <message>\n}.
     */
    private String digest(List<byte[]> frames) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            int ok = 0;
            java.util.Map<String, Integer> errors = new java.util.TreeMap<>();
            for (byte[] frame : frames) {
                try {
                    Envelope envelope = mapper.map(frame);
                    sha.update(("OK " + envelope.table() + " " + envelope.key() + "\n").getBytes(StandardCharsets.UTF_8));
                    sha.update(envelope.value());
                    sha.update((byte) '\n');
                    ok++;
                } catch (FrameRejectedException e) {
                    errors.merge(e.errorClass(), 1, Integer::sum);
                    sha.update(("ERR " + e.errorClass() + " " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            String hex = HexFormat.of().formatHex(sha.digest());
            System.out.println("corpus of " + frames.size() + " frames, " + ok + " mapped, rejected " + errors + ": " + hex);
            return hex;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines of a workload file as bytes (they may hold invalid UTF-8). */
    static List<byte[]> lines(byte[] file) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= file.length; i++) {
            if (i == file.length || file[i] == '\n') {
                if (i > start) {
                    lines.add(java.util.Arrays.copyOfRange(file, start, i));
                }
                start = i + 1;
            }
        }
        return lines;
    }
}
