package dev.tickerlake.cdc;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tickerlake.upbit.FrameRejectedException;
import dev.tickerlake.upbit.FrameValues;
import dev.tickerlake.upbit.RejectReason;

/**
 * The column types of the CDC tables, each turning a (non-null) JSON value into the canonical string the envelope
 * carries and Paimon's CDC value parser reads back.
 */
public enum ColumnType {
    /** Measures. Written as the exact decimal read (plain notation unless the exponent is extreme). */
    DOUBLE {
        @Override
        public String encode(JsonNode value, String field) {
            return canonicalDouble(FrameValues.decimal(value, field), field);
        }
    },
    /** Counters and ids, e.g. {@code sequential_id}. */
    BIGINT {
        @Override
        public String encode(JsonNode value, String field) {
            BigDecimal number = FrameValues.decimal(value, field);
            if (number.compareTo(LONG_MIN) < 0 || number.compareTo(LONG_MAX) > 0
                    || number.stripTrailingZeros().scale() > 0) {
                throw new FrameRejectedException(RejectReason.BAD_NUMBER,
                        "field '" + field + "' is not a 64-bit integer: " + FrameValues.abbreviate(value.toString()));
            }
            return Long.toString(number.longValueExact());
        }
    },
    /** Epoch milliseconds, written as {@code yyyy-MM-dd HH:mm:ss.SSS} in UTC. */
    TIMESTAMP {
        @Override
        public String encode(JsonNode value, String field) {
            return formatTimestamp(FrameValues.epochMillis(value, field));
        }
    },
    /** {@code true}/{@code false}, also when sent as a string. */
    BOOLEAN {
        @Override
        public String encode(JsonNode value, String field) {
            if (value.isBoolean()) {
                return value.booleanValue() ? "true" : "false";
            }
            if (value.isTextual()) {
                String text = value.textValue();
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return text.toLowerCase(java.util.Locale.ROOT);
                }
            }
            throw new FrameRejectedException(RejectReason.BAD_VALUE,
                    "field '" + field + "' is not a boolean: " + FrameValues.abbreviate(value.toString()));
        }
    },
    /** Codes, enums, dates as text and every unknown field: a JSON string as is, any other value as its JSON text. */
    STRING {
        @Override
        public String encode(JsonNode value, String field) {
            return value.isTextual() ? value.textValue() : value.toString();
        }
    };

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final DateTimeFormatter TIMESTAMP_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withZone(ZoneOffset.UTC);
    /** Beyond this many decimal places either way, plain notation would be long: scientific notation instead. */
    private static final int MAX_PLAIN_SCALE = 30;

    /** The canonical text of {@code value}, a non-null JSON value of field {@code field}; rejects what does not fit. */
    public abstract String encode(JsonNode value, String field);

    /** {@code yyyy-MM-dd HH:mm:ss.SSS} in UTC. */
    public static String formatTimestamp(long epochMillis) {
        if (epochMillis < FrameValues.MIN_EPOCH_MILLIS || epochMillis >= FrameValues.MAX_EPOCH_MILLIS) {
            return TIMESTAMP_FORMAT.format(Instant.ofEpochMilli(epochMillis));
        }
        // Frame times (2000-2100): the day's text (cached) and the time of day by hand, as the formatter writes them.
        int millisOfDay = (int) (epochMillis % DAY_MILLIS);
        int seconds = millisOfDay / 1000;
        byte[] text = new byte[23];
        dayText(epochMillis / DAY_MILLIS).getBytes(0, 10, text, 0);
        text[10] = ' ';
        twoDigits(text, 11, seconds / 3600);
        text[13] = ':';
        twoDigits(text, 14, seconds / 60 % 60);
        text[16] = ':';
        twoDigits(text, 17, seconds % 60);
        text[19] = '.';
        int millis = millisOfDay % 1000;
        text[20] = (byte) ('0' + millis / 100);
        twoDigits(text, 21, millis % 100);
        return new String(text, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** {@code yyyy-MM-dd} in UTC: the {@code dt} partition of a row. */
    public static String formatDate(long epochMillis) {
        if (epochMillis < FrameValues.MIN_EPOCH_MILLIS || epochMillis >= FrameValues.MAX_EPOCH_MILLIS) {
            return DATE_FORMAT.format(Instant.ofEpochMilli(epochMillis));
        }
        return dayText(epochMillis / DAY_MILLIS);
    }

    private static final long DAY_MILLIS = 86_400_000L;

    /** The last day formatted (immutable, so a racy read sees a whole one): frames come in time order. */
    private static DayText lastDay = new DayText(0, DATE_FORMAT.format(Instant.EPOCH));

    private record DayText(long epochDay, String text) {
    }

    /** {@code yyyy-MM-dd} of a day between 2000 and 2100. */
    private static String dayText(long epochDay) {
        DayText last = lastDay;
        if (last.epochDay() == epochDay) {
            return last.text();
        }
        String text = DATE_FORMAT.format(Instant.ofEpochMilli(epochDay * DAY_MILLIS));
        lastDay = new DayText(epochDay, text);
        return text;
    }

    private static void twoDigits(byte[] text, int at, int value) {
        text[at] = (byte) ('0' + value / 10);
        text[at + 1] = (byte) ('0' + value % 10);
    }

    /**
     * The exact value of {@code number} in a form {@code Double.parseDouble} reads as the double nearest to it:
     * trailing zeros dropped, at least one fractional digit ({@code 95000000.0}, {@code 0.00008428}, {@code 0.0}).
     * Values outside DOUBLE's range are rejected.
     */
    public static String canonicalDouble(BigDecimal number, String field) {
        // adjusted exponent = position of the leading digit; only near ±308 can the value overflow a double
        long exponent = (long) number.precision() - number.scale() - 1;
        if (exponent > 300 && Double.isInfinite(number.doubleValue())) {
            throw new FrameRejectedException(RejectReason.BAD_NUMBER,
                    "field '" + field + "' is outside the DOUBLE range: " + FrameValues.abbreviate(number.toString()));
        }
        if (number.signum() == 0) {
            return "0.0";
        }
        BigDecimal stripped = number.stripTrailingZeros();
        if (stripped.scale() > MAX_PLAIN_SCALE || stripped.scale() < -MAX_PLAIN_SCALE) {
            return stripped.toString();
        }
        String plain = stripped.toPlainString();
        return stripped.scale() > 0 ? plain : plain + ".0";
    }
}
