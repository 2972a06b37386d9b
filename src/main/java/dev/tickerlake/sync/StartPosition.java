package dev.tickerlake.sync;

import java.util.Locale;

/**
 * Where a fresh sync job (one that restores no savepoint or checkpoint) starts reading the CDC topic: the consumer
 * group's committed offsets (the earliest offset when the group has none), the earliest offset, or the first offset
 * at or after an epoch-millisecond timestamp.
 */
public record StartPosition(Kind kind, long timestampMillis) {

    public enum Kind { COMMITTED, EARLIEST, TIMESTAMP }

    public static StartPosition committed() {
        return new StartPosition(Kind.COMMITTED, 0);
    }

    public static StartPosition earliest() {
        return new StartPosition(Kind.EARLIEST, 0);
    }

    public static StartPosition timestamp(long epochMillis) {
        return new StartPosition(Kind.TIMESTAMP, epochMillis);
    }

    /** Reads the admin API's {@code from}: blank or {@code committed}, {@code earliest}, or epoch milliseconds. */
    public static StartPosition parse(String from) {
        if (from == null || from.isBlank() || from.trim().equalsIgnoreCase("committed")) {
            return committed();
        }
        String value = from.trim().toLowerCase(Locale.ROOT);
        if (value.equals("earliest")) {
            return earliest();
        }
        try {
            long millis = Long.parseLong(value);
            if (millis >= 0) {
                return timestamp(millis);
            }
        } catch (NumberFormatException ignored) {
            // falls through to the explanation below
        }
        throw new IllegalArgumentException(
                "from must be 'committed', 'earliest' or epoch milliseconds, not '" + from + "'");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case COMMITTED -> "committed offsets";
            case EARLIEST -> "earliest offset";
            case TIMESTAMP -> "offsets at " + timestampMillis;
        };
    }
}
