package dev.tickerlake.upbit;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads Upbit's numeric values exactly: JSON numbers in any spelling and numbers sent as JSON strings. */
public final class FrameValues {

    /** Epoch milliseconds accepted as a frame time: 2000-01-01 (inclusive) to 2100-01-01 (exclusive), UTC. */
    public static final long MIN_EPOCH_MILLIS = 946_684_800_000L;
    public static final long MAX_EPOCH_MILLIS = 4_102_444_800_000L;

    /** Longer numeric strings are not numbers a feed sends; the cap keeps parsing linear. */
    private static final int MAX_NUMBER_TEXT = 1000;

    private FrameValues() {
    }

    /** The exact decimal value of {@code node}, or a {@link RejectReason#BAD_NUMBER} rejection naming {@code field}. */
    public static BigDecimal decimal(JsonNode node, String field) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            String text = node.textValue();
            if (!text.isEmpty() && text.length() <= MAX_NUMBER_TEXT && isNumberSyntax(text)) {
                try {
                    return new BigDecimal(text);
                } catch (NumberFormatException e) {
                    // exponent out of int range: falls through to the rejection
                }
            }
        }
        throw new FrameRejectedException(RejectReason.BAD_NUMBER,
                "field '" + field + "' is not a number: " + abbreviate(node.toString()));
    }

    /**
     * The epoch milliseconds in {@code node} (a required field): absent or null is {@link RejectReason#MISSING_FIELD},
     * anything but an integral time between 2000 and 2100 is {@link RejectReason#BAD_TIMESTAMP}.
     */
    public static long epochMillis(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw new FrameRejectedException(RejectReason.MISSING_FIELD, "required field '" + field + "' is missing");
        }
        BigDecimal value;
        try {
            value = decimal(node, field);
        } catch (FrameRejectedException e) {
            throw new FrameRejectedException(RejectReason.BAD_TIMESTAMP,
                    "field '" + field + "' is not epoch milliseconds: " + abbreviate(node.toString()));
        }
        if (value.compareTo(BigDecimal.valueOf(MIN_EPOCH_MILLIS)) < 0
                || value.compareTo(BigDecimal.valueOf(MAX_EPOCH_MILLIS)) >= 0
                || value.stripTrailingZeros().scale() > 0) {
            throw new FrameRejectedException(RejectReason.BAD_TIMESTAMP,
                    "field '" + field + "' is not epoch milliseconds between 2000 and 2100: "
                            + abbreviate(node.toString()));
        }
        return value.longValueExact();
    }

    /** {@code text} shortened for an error message. */
    public static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /** JSON number syntax (optionally with a leading '+'), so that BigDecimal's extra spellings are not accepted. */
    private static boolean isNumberSyntax(String s) {
        int i = 0;
        int n = s.length();
        if (s.charAt(i) == '-' || s.charAt(i) == '+') {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
