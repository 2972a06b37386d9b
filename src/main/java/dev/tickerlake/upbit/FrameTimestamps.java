package dev.tickerlake.upbit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and shifts the epoch-millisecond fields of a raw frame in place, byte for byte: {@code timestamp} /
 * {@code trade_timestamp} (DEFAULT keys) and {@code tms} / {@code ttms} (SIMPLE keys). Every other byte stays as it was.
 */
final class FrameTimestamps {

    static final long UNREADABLE = Long.MIN_VALUE;

    private static final byte[][] MESSAGE_TIME_KEYS = keys("timestamp", "tms");
    private static final byte[][] SHIFTED_KEYS = keys("timestamp", "trade_timestamp", "tms", "ttms");

    private FrameTimestamps() {
    }

    /** The frame's message time ({@code timestamp}, else {@code tms}) as an integer, or {@link #UNREADABLE}. */
    static long messageTime(byte[] frame) {
        for (byte[] key : MESSAGE_TIME_KEYS) {
            for (int at = indexOf(frame, key, 0); at >= 0; at = indexOf(frame, key, at + key.length)) {
                int start = valueStart(frame, at + key.length);
                int end = start < 0 ? -1 : integerEnd(frame, start);
                if (end > 0) {
                    return parse(frame, start, end);
                }
            }
        }
        return UNREADABLE;
    }

    /** A copy of the frame with every integer timestamp field moved by {@code deltaMillis}. */
    static byte[] shift(byte[] frame, long deltaMillis) {
        List<int[]> spans = new ArrayList<>(4);
        for (byte[] key : SHIFTED_KEYS) {
            for (int at = indexOf(frame, key, 0); at >= 0; at = indexOf(frame, key, at + key.length)) {
                int start = valueStart(frame, at + key.length);
                int end = start < 0 ? -1 : integerEnd(frame, start);
                if (end > 0) {
                    spans.add(new int[] {start, end});
                }
            }
        }
        if (spans.isEmpty()) {
            return frame;
        }
        spans.sort((a, b) -> Integer.compare(a[0], b[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length + 8);
        int copied = 0;
        for (int[] span : spans) {
            out.write(frame, copied, span[0] - copied);
            out.writeBytes(Long.toString(parse(frame, span[0], span[1]) + deltaMillis).getBytes(StandardCharsets.US_ASCII));
            copied = span[1];
        }
        out.write(frame, copied, frame.length - copied);
        return out.toByteArray();
    }

    private static byte[][] keys(String... names) {
        byte[][] keys = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            keys[i] = ('"' + names[i] + '"').getBytes(StandardCharsets.US_ASCII);
        }
        return keys;
    }

    private static int indexOf(byte[] data, byte[] key, int from) {
        outer:
        for (int i = from; i <= data.length - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (data[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Where the value after a key starts ({@code "key" : value}), or -1 when the key is not followed by a colon. */
    private static int valueStart(byte[] data, int i) {
        while (i < data.length && isSpace(data[i])) {
            i++;
        }
        if (i >= data.length || data[i] != ':') {
            return -1;
        }
        i++;
        while (i < data.length && isSpace(data[i])) {
            i++;
        }
        return i < data.length ? i : -1;
    }

    /** End of a plain JSON integer starting at {@code start}, or -1 when the value is not one. */
    private static int integerEnd(byte[] data, int start) {
        int i = start;
        if (i < data.length && data[i] == '-') {
            i++;
        }
        int digits = i;
        while (i < data.length && data[i] >= '0' && data[i] <= '9') {
            i++;
        }
        if (i == digits || i - digits > 18) {
            return -1;
        }
        if (i < data.length && (data[i] == '.' || data[i] == 'e' || data[i] == 'E')) {
            return -1;
        }
        return i;
    }

    private static long parse(byte[] data, int start, int end) {
        return Long.parseLong(new String(data, start, end - start, StandardCharsets.US_ASCII));
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
