package dev.tickerlake.upbit;

/**
 * Why a frame cannot become a row; {@link #errorClass()} is the short, stable name written to the dead-letter
 * header {@code tickerlake-error-class}.
 */
public enum RejectReason {
    /** No bytes, or only whitespace. */
    EMPTY("empty"),
    /** More bytes than the configured frame limit (or than the JSON parser's own limits). */
    TOO_LARGE("too-large"),
    /** Not well-formed UTF-8. */
    INVALID_UTF8("invalid-utf8"),
    /** Not JSON at all. */
    NOT_JSON("not-json"),
    /** JSON that ends before its object is closed. */
    TRUNCATED("truncated"),
    /** JSON, but an array, string, number, boolean or null instead of an object. */
    NOT_AN_OBJECT("not-an-object"),
    /** Anything but whitespace after the object. */
    TRAILING_DATA("trailing-data"),
    /** The same key twice in one JSON object. */
    DUPLICATE_KEY("duplicate-key"),
    /** Upbit's keep-alive answer {@code {"status":"UP"}}: not data. */
    STATUS_FRAME("status-frame"),
    /** Upbit's error answer {@code {"error":{...}}}: not data. */
    ERROR_FRAME("error-frame"),
    /** A {@code type} tickerlake does not ingest (or not a string). */
    UNKNOWN_TYPE("unknown-type"),
    /** A required field ({@code type}, {@code code}, a timestamp, a primary-key field) is absent or null. */
    MISSING_FIELD("missing-field"),
    /** A timestamp that is not integral epoch milliseconds between 2000 and 2100. */
    BAD_TIMESTAMP("bad-timestamp"),
    /** A numeric field holding something that is not a finite number of its column's type. */
    BAD_NUMBER("bad-number"),
    /** A non-numeric value its column cannot hold: a boolean that is not true/false, a malformed market code. */
    BAD_VALUE("bad-value"),
    /** An orderbook unit that is not an object with ask/bid price and size, or too many units. */
    BAD_ORDERBOOK_UNIT("bad-orderbook-unit"),
    /** An unknown field whose name cannot be a column name. */
    BAD_FIELD_NAME("bad-field-name"),
    /** Two fields for one column ({@code tp} and {@code trade_price}), or an unknown field named as a known column. */
    CONFLICTING_FIELD("conflicting-field");

    private final String errorClass;

    RejectReason(String errorClass) {
        this.errorClass = errorClass;
    }

    /** The short machine-friendly name, e.g. {@code not-json}. */
    public String errorClass() {
        return errorClass;
    }
}
