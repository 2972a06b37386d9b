package dev.tickerlake.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.tickerlake.faults.FaultWorkload;
import dev.tickerlake.upbit.FrameParser;
import dev.tickerlake.upbit.FrameRejectedException;
import dev.tickerlake.upbit.FrameValues;
import dev.tickerlake.upbit.SyntheticFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming reader against the reference (the tree parser + {@link RowMapper}): wherever it answers, the same
 * row (columns, order, types, values, key, envelope bytes) and never for a frame the reference rejects.
 */
class StreamingRowReaderTest {

    private final FrameParser parser = new FrameParser();
    private final StreamingRowReader reader = new StreamingRowReader(parser.jsonMapper(), parser.maxFrameBytes());
    private final RowMapper reference = new RowMapper();
    private final CanalJsonEncoder encoder = new CanalJsonEncoder();

    @Test
    void readsEverySyntheticFrameAsTheReferenceDoes() {
        SyntheticFrames generator = new SyntheticFrames(200, 3);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            frames.add(generator.next(1_714_521_600_000L + i * 1_000L).json());
        }
        assertThat(compare(frames)).as("frames the streaming reader answered").isEqualTo(frames.size());
    }

    @Test
    void answersOnlyWhereTheReferenceMapsTheSameRow(@TempDir Path dir) throws Exception {
        List<byte[]> frames = new ArrayList<>(CdcMapperCorpusTest.mutations());
        FaultWorkload workload = FaultWorkload.builder(dir.resolve("poison.jsonl")).frames(5_000).poisonPercent(10)
                .write();
        frames.addAll(CdcMapperCorpusTest.lines(Files.readAllBytes(workload.file())));
        int answered = compare(frames);
        System.out.println("streaming reader answered " + answered + " of " + frames.size() + " frames");
        assertThat(answered).isGreaterThan(frames.size() / 4);
    }

    @Test
    void canonicalDoubleIsBigDecimals() {
        Random random = new Random(5);
        String[] fixed = {"0", "-0", "0.0", "-0.000", "1", "-1", "10", "100", "95000000.0", "0.00008428", "1.50",
                "-0.5", "123456789012345678901234567890", "0.1234567890123456789012345678", "1000000000000000000000000000"};
        List<String> numbers = new ArrayList<>(List.of(fixed));
        for (int i = 0; i < 100_000; i++) {
            StringBuilder s = new StringBuilder(random.nextBoolean() ? "-" : "");
            int whole = random.nextInt(12);
            s.append(whole == 0 ? "0" : Integer.toString(1 + random.nextInt(9)));
            for (int d = 1; d < whole; d++) {
                s.append(random.nextInt(4) == 0 ? '0' : (char) ('0' + random.nextInt(10)));
            }
            if (random.nextBoolean()) {
                s.append('.');
                int fraction = 1 + random.nextInt(14);
                for (int d = 0; d < fraction; d++) {
                    s.append(random.nextInt(3) == 0 ? '0' : (char) ('0' + random.nextInt(10)));
                }
            }
            numbers.add(s.toString());
        }
        for (String number : numbers) {
            String expected = ColumnType.canonicalDouble(new BigDecimal(number), "f");
            String fast = StreamingRowReader.canonicalDouble(number);
            if (fast != null) {
                assertThat(fast).as(number).isEqualTo(expected);
            }
        }
        assertThat(StreamingRowReader.canonicalDouble("1e5")).isNull();
        assertThat(StreamingRowReader.canonicalDouble("1234567890123456789012345678901")).isNull();
    }

    @Test
    void timestampAndDateAreTheFormattersText() {
        DateTimeFormatter timestamp = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
        DateTimeFormatter date = DateTimeFormatter.ofPattern("uuuu-MM-dd").withZone(ZoneOffset.UTC);
        Random random = new Random(9);
        long[] edges = {FrameValues.MIN_EPOCH_MILLIS, FrameValues.MAX_EPOCH_MILLIS - 1, FrameValues.MAX_EPOCH_MILLIS,
                FrameValues.MIN_EPOCH_MILLIS - 1, 0, -1, 1_714_521_599_999L, 1_714_521_600_000L, 951_782_400_000L};
        List<Long> times = new ArrayList<>();
        for (long edge : edges) {
            times.add(edge);
        }
        for (int i = 0; i < 200_000; i++) {
            times.add(FrameValues.MIN_EPOCH_MILLIS
                    + (long) (random.nextDouble() * (FrameValues.MAX_EPOCH_MILLIS - FrameValues.MIN_EPOCH_MILLIS)));
        }
        for (long t : times) {
            assertThat(ColumnType.formatTimestamp(t)).as("%d", t).isEqualTo(timestamp.format(Instant.ofEpochMilli(t)));
            assertThat(ColumnType.formatDate(t)).as("%d", t).isEqualTo(date.format(Instant.ofEpochMilli(t)));
        }
    }

    /** Compares every frame the reader answers with the reference; returns how many it answered. */
    private int compare(List<byte[]> frames) {
        int answered = 0;
        for (byte[] frame : frames) {
            Row fast = reader.read(frame);
            if (fast == null) {
                continue;
            }
            answered++;
            String what = new String(frame, StandardCharsets.UTF_8);
            Row expected;
            try {
                expected = reference.map(parser.parse(frame));
            } catch (FrameRejectedException e) {
                throw new AssertionError("the reader answered a frame the reference rejects (" + e.errorClass() + " "
                        + e.getMessage() + "): " + what);
            }
            assertThat(List.copyOf(fast.columns())).as(what).isEqualTo(List.copyOf(expected.columns()));
            assertThat(fast).as(what).isEqualTo(expected);
            assertThat(fast.key()).as(what).isEqualTo(expected.key());
            assertThat(encoder.encode(fast)).as(what).isEqualTo(encoder.encode(expected));
        }
        return answered;
    }
}
