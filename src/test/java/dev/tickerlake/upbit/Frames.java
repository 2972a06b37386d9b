package dev.tickerlake.upbit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Fixture frames under {@code src/test/resources/frames/}, one JSON frame per line. */
public final class Frames {

    private Frames() {
    }

    /** All lines of {@code frames/<file>}. */
    public static List<String> lines(String file) {
        try (InputStream in = Frames.class.getResourceAsStream("/frames/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture frames/" + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Line {@code index} (0-based) of {@code frames/<file>}. */
    public static String line(String file, int index) {
        return lines(file).get(index);
    }

    /** Every fixture frame of every type. */
    public static List<String> all() {
        return java.util.stream.Stream.of("ticker.jsonl", "trade.jsonl", "orderbook.jsonl")
                .flatMap(f -> lines(f).stream()).toList();
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
