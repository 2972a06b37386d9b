package dev.tickerlake.faults;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import dev.tickerlake.upbit.SyntheticFrames;

/**
 * The workload: a replay file (JSON lines, DEFAULT format, one frame a line, as {@code ReplayFile} reads it) made by
 * {@link SyntheticFrames} with a fixed seed: ticker/trade/orderbook over {@code markets} markets, message times from
 * {@code start} over {@code span} (by default 2024-05-01T23:55Z for 10 minutes, so both UTC days get many rows), with
 * late frames (held back and written some hundreds of lines later, out of order), duplicates (exact copies written
 * again up to a thousand lines later) and, optionally, poison lines of every {@link PoisonClass}, listed with their
 * line numbers in a sidecar index ({@code <file>.poison}: {@code line<TAB>CLASS} per line).
 * <p>
 * Same builder settings, same bytes. The valid frames do not depend on the poison share (poison lines come from a
 * generator of their own), so a workload with poison holds exactly the valid frames of the one without.
 *
 * @param file        the replay file
 * @param seed        the generator's seed
 * @param frames      lines in the file: every frame replayed, valid or not (generated + duplicates + poison)
 * @param generated   distinct frames the generator made (the late ones included)
 * @param late        frames written out of order, some hundreds of lines after their turn
 * @param duplicates  exact copies written again
 * @param markets     markets the generator picks from
 * @param poisonLines poison lines in the file
 * @param poisonIndex the sidecar index of the poison lines (exists, empty when there is no poison)
 */
public record FaultWorkload(Path file, long seed, int frames, int generated, int late, int duplicates, int markets,
                            int poisonLines, Path poisonIndex) {

    /** 2024-05-01T23:55:00Z: five minutes before a UTC midnight. */
    public static final Instant DEFAULT_START = Instant.parse("2024-05-01T23:55:00Z");
    public static final long DEFAULT_SEED = 13;
    /** Lines longer than this are oversized poison (the replay's default limit, tickerlake.cdc.max-frame-bytes, is 64 KiB). */
    public static final int OVERSIZED_BYTES = 70_000;

    /** The bad kinds of line a poison workload holds, each a frame the pipeline must dead-letter. */
    public enum PoisonClass {
        /** Not JSON at all. */
        NOT_JSON,
        /** A trade whose {@code trade_price} is a string. */
        WRONG_TYPE,
        /** A trade without its {@code code}. */
        MISSING_KEY,
        /** A valid-looking trade padded beyond {@value #OVERSIZED_BYTES} bytes. */
        OVERSIZED,
        /** A ticker with invalid UTF-8 bytes inside a string value. */
        WRONG_ENCODING,
        /** A frame of a type tickerlake does not ingest ({@code candle}). */
        UNKNOWN_TYPE,
        /** A trade with a number no column can hold (a price of 1E+400, a sequential id or timestamp beyond BIGINT). */
        OUT_OF_RANGE
    }

    /** One poison line: its 1-based line number in the file and its class. */
    public record Poison(int line, PoisonClass poisonClass) {
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** The poison lines, read from the sidecar index, in line order. */
    public List<Poison> poison() {
        return readPoisonIndex(poisonIndex);
    }

    /** The index file next to a workload file. */
    public static Path poisonIndexOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".poison");
    }

    static List<Poison> readPoisonIndex(Path index) {
        try {
            if (!Files.exists(index)) {
                return List.of();
            }
            List<Poison> poison = new ArrayList<>();
            for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t");
                poison.add(new Poison(Integer.parseInt(parts[0].trim()), PoisonClass.valueOf(parts[1].trim())));
            }
            return poison;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings of a workload; {@link #write()} makes the file. */
    public static final class Builder {
        private final Path file;
        private long seed = DEFAULT_SEED;
        private int frames = 10_000;
        private int markets = 60;
        private Instant start = DEFAULT_START;
        private Duration span = Duration.ofMinutes(10);
        private double latePercent = 1;
        private double duplicatePercent = 1;
        private double poisonPercent;

        private Builder(Path file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Distinct frames to generate (duplicates and poison come on top). Default 10,000. */
        public Builder frames(int frames) {
            if (frames < 1) {
                throw new IllegalArgumentException("frames must be positive: " + frames);
            }
            this.frames = frames;
            return this;
        }

        /** Markets to spread the frames over. Default 60. */
        public Builder markets(int markets) {
            this.markets = markets;
            return this;
        }

        /** The first frame's message time. Default {@link #DEFAULT_START}. */
        public Builder start(Instant start) {
            this.start = Objects.requireNonNull(start);
            return this;
        }

        /** Message times spread evenly over this span (at least 1 ms apart). Default 10 minutes. */
        public Builder span(Duration span) {
            this.span = Objects.requireNonNull(span);
            return this;
        }

        /** Share of frames held back and written 200-800 lines late. Default 1 %. */
        public Builder latePercent(double latePercent) {
            this.latePercent = percent(latePercent);
            return this;
        }

        /** Share of frames written a second time, 1-1000 lines later. Default 1 %. */
        public Builder duplicatePercent(double duplicatePercent) {
            this.duplicatePercent = percent(duplicatePercent);
            return this;
        }

        /** Share of poison lines (of the generated frames), classes in turn. Default 0. */
        public Builder poisonPercent(double poisonPercent) {
            this.poisonPercent = percent(poisonPercent);
            return this;
        }

        private static double percent(double value) {
            if (!(value >= 0 && value <= 100)) {
                throw new IllegalArgumentException("a percentage between 0 and 100: " + value);
            }
            return value;
        }

        /** Writes the file and its poison index (replacing both) and describes what they hold. */
        public FaultWorkload write() {
            try {
                return writeFile();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the workload " + file, e);
            }
        }

        private FaultWorkload writeFile() throws IOException {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            SyntheticFrames generator = new SyntheticFrames(markets, seed);
            Poisoner poisoner = new Poisoner(new SyntheticFrames(markets, seed ^ 0x5eed_0f_b00bL));
            SplittableRandom random = new SplittableRandom(seed ^ 0x1a7e_d0c5L);
            long step = Math.max(1, span.toMillis() / frames);
            long t0 = start.toEpochMilli();
            Path index = poisonIndexOf(file);
            StringBuilder poisonIndex = new StringBuilder();
            PriorityQueue<Scheduled> scheduled = new PriorityQueue<>();
            Writer out = new Writer(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
            int late = 0;
            int duplicates = 0;
            int poison = 0;
            long order = 0;
            try (out) {
                for (int i = 0; i < frames; i++) {
                    long now = t0 + i * step;
                    byte[] frame = generator.next(now).json();
                    // Every draw is made whatever the shares, so the valid frames do not depend on the poison.
                    boolean poisonHere = random.nextDouble() * 100 < poisonPercent;
                    boolean lateHere = random.nextDouble() * 100 < latePercent;
                    int lateBy = 200 + random.nextInt(601);
                    boolean duplicateHere = random.nextDouble() * 100 < duplicatePercent;
                    int duplicateBy = 1 + random.nextInt(1000);
                    if (poisonHere) {
                        PoisonClass kind = PoisonClass.values()[poison % PoisonClass.values().length];
                        flushDue(scheduled, out);
                        out.poison(poisoner.make(kind, now, poison));
                        poisonIndex.append(out.lines).append('\t').append(kind).append('\n');
                        poison++;
                    }
                    if (lateHere) {
                        scheduled.add(new Scheduled(out.valid + lateBy, order++, frame));
                        late++;
                    } else {
                        flushDue(scheduled, out);
                        out.line(frame);
                    }
                    if (duplicateHere) {
                        scheduled.add(new Scheduled(out.valid + duplicateBy, order++, frame.clone()));
                        duplicates++;
                    }
                }
                while (!scheduled.isEmpty()) {
                    out.line(scheduled.poll().bytes);
                }
            }
            Files.writeString(index, poisonIndex, StandardCharsets.UTF_8);
            return new FaultWorkload(file, seed, Math.toIntExact(out.lines), frames, late, duplicates, markets, poison,
                    index);
        }

        private static void flushDue(PriorityQueue<Scheduled> scheduled, Writer out) throws IOException {
            while (!scheduled.isEmpty() && scheduled.peek().dueLine <= out.valid) {
                out.line(scheduled.poll().bytes);
            }
        }
    }

    /** A frame to write once the file has {@code dueLine} valid lines; ties in the order they were scheduled. */
    private record Scheduled(long dueLine, long order, byte[] bytes) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(dueLine, o.dueLine);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private static final class Writer implements AutoCloseable {
        private final OutputStream out;
        long lines;
        long valid;

        Writer(OutputStream out) {
            this.out = out;
        }

        void line(byte[] bytes) throws IOException {
            write(bytes);
            valid++;
        }

        void poison(byte[] bytes) throws IOException {
            write(bytes);
        }

        private void write(byte[] bytes) throws IOException {
            for (byte b : bytes) {
                if (b == '\n') {
                    throw new IllegalStateException("a frame with a line break");
                }
            }
            out.write(bytes);
            out.write('\n');
            lines++;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Makes poison lines from frames of a generator of its own. */
    private static final class Poisoner {
        private final SyntheticFrames frames;

        Poisoner(SyntheticFrames frames) {
            this.frames = frames;
        }

        byte[] make(PoisonClass kind, long now, int n) {
            return switch (kind) {
                case NOT_JSON -> ("<html>poison " + n + ": not a frame</html>").getBytes(StandardCharsets.US_ASCII);
                case WRONG_TYPE -> replaceNumber(frame("trade", now), "trade_price", "\"twelve\"");
                case MISSING_KEY -> text(frame("trade", now)).replaceFirst("\"code\":\"[^\"]*\",", "")
                        .getBytes(StandardCharsets.UTF_8);
                case OVERSIZED -> {
                    String trade = text(frame("trade", now));
                    String padding = ",\"padding\":\"" + "x".repeat(OVERSIZED_BYTES) + "\"}";
                    yield (trade.substring(0, trade.length() - 1) + padding).getBytes(StandardCharsets.UTF_8);
                }
                case WRONG_ENCODING -> {
                    byte[] ticker = frame("ticker", now);
                    String text = text(ticker);
                    int at = text.indexOf("\"market_warning\":\"") + "\"market_warning\":\"".length();
                    byte[] bad = new byte[ticker.length + 2];
                    System.arraycopy(ticker, 0, bad, 0, at);
                    bad[at] = (byte) 0xC3;
                    bad[at + 1] = (byte) 0x28;
                    System.arraycopy(ticker, at, bad, at + 2, ticker.length - at);
                    yield bad;
                }
                case UNKNOWN_TYPE -> text(frame("trade", now)).replace("\"type\":\"trade\"", "\"type\":\"candle\"")
                        .getBytes(StandardCharsets.UTF_8);
                case OUT_OF_RANGE -> switch (n / PoisonClass.values().length % 3) {
                    case 0 -> replaceNumber(frame("trade", now), "trade_price", "1E+400");
                    case 1 -> replaceNumber(frame("trade", now), "sequential_id", "123456789012345678901234567890");
                    default -> replaceNumber(frame("trade", now), "timestamp", "99999999999999999999");
                };
            };
        }

        private byte[] frame(String type, long now) {
            while (true) {
                SyntheticFrames.Frame frame = frames.next(now);
                if (frame.type().equals(type)) {
                    return frame.json();
                }
            }
        }

        private static String text(byte[] json) {
            return new String(json, StandardCharsets.UTF_8);
        }

        private static byte[] replaceNumber(byte[] json, String field, String replacement) {
            String text = text(json);
            String replaced = text.replaceFirst("\"" + field + "\":-?[0-9.]+", "\"" + field + "\":"
                    + java.util.regex.Matcher.quoteReplacement(replacement));
            if (replaced.equals(text)) {
                throw new IllegalStateException("no number field " + field + " in " + text);
            }
            return replaced.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public String toString() {
        return "FaultWorkload[" + file.getFileName() + ": seed " + seed + ", " + frames + " lines (" + generated
                + " generated, " + late + " late, " + duplicates + " duplicates, " + poisonLines + " poison), "
                + markets + " markets]";
    }
}
