package dev.tickerlake.upbit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads and shifts the epoch-millisecond fields of a raw frame in place, byte for byte: {@code timestamp} /
 * {@code trade_timestamp} (DEFAULT keys) and {@code tms} / {@code ttms} (SIMPLE keys). Every other byte stays as it was.
 */
final class FrameTimestamps {

    static final long UNREADABLE = Long.MIN_VALUE;

    private static final byte[] TIMESTAMP = key("timestamp");
    private static final byte[] TMS = key("tms");
    /** The keys shifted on a loop; all start with {@code "t}, which lets one pass over the bytes find them. */
    private static final byte[][] SHIFTED = {TIMESTAMP, key("trade_timestamp"), TMS, key("ttms")};

    private FrameTimestamps() {
    }

    /** The frame's message time ({@code timestamp}, else {@code tms}) as an integer, or {@link #UNREADABLE}. */
    static long messageTime(byte[] frame) {
        long simple = UNREADABLE;
        for (int i = 0; i < frame.length - 1; i++) {
            if (frame[i] != '"' || frame[i + 1] != 't') {
                continue;
            }
            boolean isDefault = startsWith(frame, i, TIMESTAMP);
            if (!isDefault && (simple != UNREADABLE || !startsWith(frame, i, TMS))) {
                continue;
            }
            int start = valueStart(frame, i + (isDefault ? TIMESTAMP.length : TMS.length));
            int end = start < 0 ? -1 : integerEnd(frame, start);
            if (end < 0) {
                continue;
            }
            long value = parse(frame, start, end);
            if (isDefault) {
                return value;
            }
            simple = value;
        }
        return simple;
    }

    /** A copy of the frame with every integer timestamp field moved by {@code deltaMillis}. */
    static byte[] shift(byte[] frame, long deltaMillis) {
        ByteArrayOutputStream out = null;
        int copied = 0;
        for (int i = 0; i < frame.length - 1; i++) {
            if (frame[i] != '"' || frame[i + 1] != 't') {
                continue;
            }
            for (byte[] key : SHIFTED) {
                if (!startsWith(frame, i, key)) {
                    continue;
                }
                int start = valueStart(frame, i + key.length);
                int end = start < 0 ? -1 : integerEnd(frame, start);
                if (end > 0) {
                    if (out == null) {
                        out = new ByteArrayOutputStream(frame.length + 8);
                    }
                    out.write(frame, copied, start - copied);
                    out.writeBytes(Long.toString(parse(frame, start, end) + deltaMillis)
                            .getBytes(StandardCharsets.US_ASCII));
                    copied = end;
                    i = end - 1;
                }
                break;
            }
        }
        if (out == null) {
            return frame;
        }
        out.write(frame, copied, frame.length - copied);
        return out.toByteArray();
    }

    private static byte[] key(String name) {
        return ('"' + name + '"').getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] data, int at, byte[] key) {
        if (at + key.length > data.length) {
            return false;
        }
        for (int j = 0; j < key.length; j++) {
            if (data[at + j] != key[j]) {
                return false;
            }
        }
        return true;
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

    /** End of a plain JSON integer (at most 18 digits) starting at {@code start}, or -1 when the value is not one. */
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
        boolean negative = data[start] == '-';
        long value = 0;
        for (int i = negative ? start + 1 : start; i < end; i++) {
            value = value * 10 + (data[i] - '0');
        }
        return negative ? -value : value;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
