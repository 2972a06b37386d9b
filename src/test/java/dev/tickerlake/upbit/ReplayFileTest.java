package dev.tickerlake.upbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_718_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void skipsBlankLinesAndNamesEachFrameByFileAndLine() throws Exception {
        Path file = write("recorded.jsonl",
                ticker("KRW-BTC", T0) + "\n"
                + "\n"
                + "   \t\n"
                + trade("KRW-ETH", T0 + 5) + "\r\n"
                + "{not json at all\n"
                + "\n"
                + ticker("KRW-XRP", T0 + 9));

        List<CollectingSink.Received> received = replayAll(ReplayFile.builder(file).speed(0).build());

        assertThat(received).extracting(CollectingSink.Received::origin)
                .containsExactly("recorded.jsonl:1", "recorded.jsonl:4", "recorded.jsonl:5", "recorded.jsonl:7");
        assertThat(received).extracting(CollectingSink.Received::frame)
                .containsExactly(ticker("KRW-BTC", T0), trade("KRW-ETH", T0 + 5), "{not json at all",
                        ticker("KRW-XRP", T0 + 9));
    }

    @Test
    void aLineLongerThanTheLimitIsNeverHeldWhole() throws Exception {
        String huge = "{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"pad\":\"" + "x".repeat(2_000_000) + "\"}";
        Path file = write("huge.jsonl", ticker("KRW-BTC", T0) + "\n" + huge + "\n" + ticker("KRW-ETH", T0 + 1) + "\n"
                + "y".repeat(3_000_000));

        List<CollectingSink.Received> received = replayAll(ReplayFile.builder(file).speed(0).build());

        assertThat(received).extracting(CollectingSink.Received::origin)
                .containsExactly("huge.jsonl:1", "huge.jsonl:2", "huge.jsonl:3", "huge.jsonl:4");
        assertThat(received).extracting(r -> r.frame().length()).allSatisfy(length ->
                assertThat(length).isLessThanOrEqualTo(FrameParser.DEFAULT_MAX_FRAME_BYTES));
        assertThat(received.get(1).frame()).isEqualTo(huge.substring(0, FrameParser.DEFAULT_MAX_FRAME_BYTES));
        assertThat(received.get(2).frame()).isEqualTo(ticker("KRW-ETH", T0 + 1));
        assertThat(received).extracting(CollectingSink.Received::size)
                .containsExactly((long) ticker("KRW-BTC", T0).length(), (long) huge.length(),
                        (long) ticker("KRW-ETH", T0 + 1).length(), 3_000_000L);
    }

    @Test
    void aLineReaderKeepsAtMostTheLimitOfALineOfAnyLength() throws Exception {
        long length = 200L * 1024 * 1024;
        java.io.InputStream endless = new java.io.InputStream() {
            private long left = length;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        try (ReplayFile.LineReader lines = new ReplayFile.LineReader(endless, 4096)) {
            byte[] line = lines.next();
            assertThat(line).hasSize(4096);
            assertThat(lines.oversized()).isTrue();
            assertThat(lines.size()).isEqualTo(length);
            assertThat(lines.next()).isNull();
        }
    }

    @Test
    void speedZeroSendsAnHourOfFramesWithoutWaiting() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 3600; i++) {
            lines.append(trade("KRW-BTC", T0 + i * 1000L)).append('\n');
        }
        CollectingSink sink = new CollectingSink();
        try (ReplayFile replay = ReplayFile.builder(write("hour.jsonl", lines.toString())).speed(0).build()) {
            replay.start(sink);

            assertThat(replay.completion().get(30, TimeUnit.SECONDS)).isEqualTo(3600);
            assertThat(replay.stats().state()).isEqualTo(SourceState.COMPLETED);
            assertThat(replay.stats().framesEmitted()).isEqualTo(3600);
        }
        assertThat(sink.size()).isEqualTo(3600);
    }

    @Test
    void pacesFramesByTheirTimestampsScaledBySpeed() throws Exception {
        Path file = write("paced.jsonl", String.join("\n",
                trade("KRW-BTC", T0), trade("KRW-BTC", T0 + 400), trade("KRW-BTC", T0 + 800),
                trade("KRW-BTC", T0 + 1200)));

        List<CollectingSink.Received> received = replayAll(ReplayFile.builder(file).speed(2).build());

        assertThat(received).extracting(CollectingSink.Received::origin)
                .containsExactly("paced.jsonl:1", "paced.jsonl:2", "paced.jsonl:3", "paced.jsonl:4");
        for (int i = 1; i < received.size(); i++) {
            long gapMillis = (received.get(i).nanos() - received.get(i - 1).nanos()) / 1_000_000;
            assertThat(gapMillis).as("gap before frame %d (400 ms recorded, speed 2)", i + 1).isGreaterThanOrEqualTo(150);
        }
    }

    @Test
    void aLineWithoutReadableTimeIsSentWithoutWaiting() throws Exception {
        Path file = write("untimed.jsonl", String.join("\n",
                trade("KRW-BTC", T0),
                "{\"type\":\"trade\",\"code\":\"KRW-BTC\"}",
                "{\"type\":\"trade\",\"timestamp\":\"soon\"}",
                trade("KRW-BTC", T0 + 3_600_000)));
        CollectingSink sink = new CollectingSink();
        try (ReplayFile replay = ReplayFile.builder(file).speed(1).build()) {
            replay.start(sink);
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.size() == 3);
            TimeUnit.MILLISECONDS.sleep(200);
            assertThat(sink.size()).as("the frame an hour later is still waiting").isEqualTo(3);
        }
        assertThat(sink.origins()).containsExactly("untimed.jsonl:1", "untimed.jsonl:2", "untimed.jsonl:3");
    }

    @Test
    void loopingShiftsTimestampsToNowAndKeepsEveryOtherByte() throws Exception {
        String simple = "{\"ty\":\"trade\",\"cd\":\"KRW-ETH\",\"tms\":" + (T0 + 20) + ",\"ttms\":" + (T0 + 19)
                + ",\"tp\":5000000.0,\"sid\":17180000000190000}";
        List<String> lines = List.of(ticker("KRW-BTC", T0), trade("KRW-BTC", T0 + 10), simple);
        Path file = write("loop.jsonl", String.join("\n", lines) + "\n");
        long before = System.currentTimeMillis();

        CollectingSink sink = new CollectingSink();
        try (ReplayFile replay = ReplayFile.builder(file).speed(0).loop(true).build()) {
            replay.start(sink);
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.size() >= 9);
        }
        List<String> frames = sink.frames().subList(0, 9);

        assertThat(frames.subList(0, 3)).as("the first pass is the file as recorded").isEqualTo(lines);
        assertThat(sink.origins().subList(3, 6)).containsExactly("loop.jsonl:1", "loop.jsonl:2", "loop.jsonl:3");
        long shift = messageTime(frames.get(3)) - T0;
        assertThat(T0 + shift).isGreaterThanOrEqualTo(before);
        for (int i = 3; i < 6; i++) {
            String original = lines.get(i - 3);
            assertThat(withoutTimes(frames.get(i))).isEqualTo(withoutTimes(original));
            assertThat(times(frames.get(i))).containsExactlyElementsOf(
                    times(original).stream().map(t -> t + shift).toList());
        }
        assertThat(messageTime(frames.get(6))).as("a later pass starts after the previous one ended")
                .isGreaterThan(messageTime(frames.get(5)));
        assertThat(JSON.readTree(frames.get(4)).get("trade_timestamp").asLong()).isEqualTo(T0 + 10 + shift);
    }

    @Test
    void readsGzipFiles() throws Exception {
        Path file = dir.resolve("recorded.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((ticker("KRW-BTC", T0) + "\n\n" + trade("KRW-BTC", T0) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(replayAll(ReplayFile.builder(file).speed(0).build())).extracting(CollectingSink.Received::origin)
                .containsExactly("recorded.jsonl.gz:1", "recorded.jsonl.gz:3");
    }

    @Test
    void aMissingFileIsAConfigurationError() {
        ReplayFile replay = ReplayFile.builder(dir.resolve("missing.jsonl")).build();
        assertThatThrownBy(() -> replay.start(new CollectingSink()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing.jsonl");
    }

    private static List<CollectingSink.Received> replayAll(ReplayFile replay) throws Exception {
        CollectingSink sink = new CollectingSink();
        try (replay) {
            replay.start(sink);
            long sent = replay.completion().get(30, TimeUnit.SECONDS);
            assertThat(sent).isEqualTo(sink.size());
        }
        return sink.received();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String ticker(String market, long time) {
        return "{\"type\":\"ticker\",\"code\":\"" + market + "\",\"trade_price\":95000000.0,\"trade_timestamp\":"
                + (time - 3) + ",\"trade_date\":\"20240610\",\"timestamp\":" + time + ",\"stream_type\":\"REALTIME\"}";
    }

    private static String trade(String market, long time) {
        return "{\"type\":\"trade\",\"code\":\"" + market + "\",\"timestamp\":" + time + ",\"trade_timestamp\":"
                + time + ",\"trade_price\":95000000.0,\"sequential_id\":" + (time * 1000) + "}";
    }

    private static final Pattern TIME_FIELD = Pattern.compile("\"(timestamp|trade_timestamp|tms|ttms)\":(\\d+)");

    private static long messageTime(String frame) {
        return FrameTimestamps.messageTime(frame.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Long> times(String frame) {
        List<Long> times = new ArrayList<>();
        Matcher m = TIME_FIELD.matcher(frame);
        while (m.find()) {
            times.add(Long.parseLong(m.group(2)));
        }
        return times;
    }

    private static String withoutTimes(String frame) {
        return TIME_FIELD.matcher(frame).replaceAll("\"$1\":T");
    }
}
