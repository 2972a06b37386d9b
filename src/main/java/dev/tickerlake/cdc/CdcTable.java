package dev.tickerlake.cdc;

import static dev.tickerlake.cdc.ColumnType.BIGINT;
import static dev.tickerlake.cdc.ColumnType.BOOLEAN;
import static dev.tickerlake.cdc.ColumnType.DOUBLE;
import static dev.tickerlake.cdc.ColumnType.STRING;
import static dev.tickerlake.cdc.ColumnType.TIMESTAMP;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tickerlake.upbit.FrameType;

/**
 * The CDC tables of database {@code upbit}: primary keys and the known-field table (Upbit DEFAULT name → column
 * name and type, in column order). Fields not listed here become STRING columns under their own name.
 */
public enum CdcTable {
    TICKER(FrameType.TICKER, List.of("market", "dt"), List.of("dt", "symbol"), List.of(
            field("code", "market", STRING),
            field("type", STRING),
            field("trade_price", "price", DOUBLE),
            field("opening_price", DOUBLE),
            field("high_price", DOUBLE),
            field("low_price", DOUBLE),
            field("prev_closing_price", DOUBLE),
            field("change", STRING),
            field("change_price", DOUBLE),
            field("signed_change_price", DOUBLE),
            field("signed_change_rate", "change_rate", DOUBLE),
            field("change_rate", "abs_change_rate", DOUBLE),
            field("trade_volume", DOUBLE),
            field("acc_trade_volume", DOUBLE),
            field("acc_trade_price", DOUBLE),
            field("acc_trade_volume_24h", "volume", DOUBLE),
            field("acc_trade_price_24h", DOUBLE),
            field("trade_date", STRING),
            field("trade_time", STRING),
            field("trade_timestamp", TIMESTAMP),
            field("ask_bid", STRING),
            field("acc_ask_volume", DOUBLE),
            field("acc_bid_volume", DOUBLE),
            field("highest_52_week_price", DOUBLE),
            field("highest_52_week_date", STRING),
            field("lowest_52_week_price", DOUBLE),
            field("lowest_52_week_date", STRING),
            field("market_state", STRING),
            field("is_trading_suspended", BOOLEAN),
            field("delisting_date", STRING),
            field("market_warning", STRING),
            field("trade_status", STRING),
            field("market_state_for_ios", STRING),
            field("timestamp", TIMESTAMP),
            field("stream_type", STRING))),

    TRADE(FrameType.TRADE, List.of("market", "sequential_id", "dt"), List.of("dt"), List.of(
            field("code", "market", STRING),
            field("sequential_id", BIGINT),
            field("type", STRING),
            field("trade_price", DOUBLE),
            field("trade_volume", DOUBLE),
            field("ask_bid", STRING),
            field("prev_closing_price", DOUBLE),
            field("change", STRING),
            field("change_price", DOUBLE),
            field("trade_date", STRING),
            field("trade_time", STRING),
            field("trade_timestamp", TIMESTAMP),
            field("best_ask_price", DOUBLE),
            field("best_ask_size", DOUBLE),
            field("best_bid_price", DOUBLE),
            field("best_bid_size", DOUBLE),
            field("timestamp", TIMESTAMP),
            field("stream_type", STRING))),

    /** {@code orderbook_units} is not a column: its levels become {@code ask_price_1, ask_size_1, bid_price_1, ...}. */
    ORDERBOOK(FrameType.ORDERBOOK, List.of("market", "dt"), List.of("dt"), List.of(
            field("code", "market", STRING),
            field("type", STRING),
            field("total_ask_size", DOUBLE),
            field("total_bid_size", DOUBLE),
            field("level", DOUBLE),
            field("timestamp", TIMESTAMP),
            field("stream_type", STRING)));

    /** Fields of one orderbook unit, in column order per level; every one is required and a DOUBLE. */
    public static final List<String> ORDERBOOK_UNIT_FIELDS = List.of("ask_price", "ask_size", "bid_price", "bid_size");
    /** The frame field holding the orderbook levels. */
    public static final String ORDERBOOK_UNITS = "orderbook_units";

    private final FrameType frameType;
    private final List<String> primaryKey;
    private final List<String> derivedColumns;
    private static final Pattern LEVEL_COLUMN = Pattern.compile("(ask|bid)_(price|size)_[0-9]+");

    private final Map<String, KnownField> fields;
    private final Set<String> reservedColumns;

    CdcTable(FrameType frameType, List<String> primaryKey, List<String> derivedColumns, List<KnownField> fields) {
        this.frameType = frameType;
        this.primaryKey = primaryKey;
        this.derivedColumns = derivedColumns;
        Map<String, KnownField> byName = new LinkedHashMap<>();
        fields.forEach(f -> byName.put(f.upbitName(), f));
        this.fields = Collections.unmodifiableMap(byName);
        this.reservedColumns = Stream.concat(fields.stream().map(KnownField::column), derivedColumns.stream())
                .map(name -> name.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    private static KnownField field(String name, ColumnType type) {
        return new KnownField(name, name, type);
    }

    private static KnownField field(String name, String column, ColumnType type) {
        return new KnownField(name, column, type);
    }

    /** The table name, e.g. {@code ticker}. */
    public String tableName() {
        return frameType.wireName();
    }

    public FrameType frameType() {
        return frameType;
    }

    /** Primary-key columns in key order; {@code dt} is also the partition. */
    public List<String> primaryKey() {
        return primaryKey;
    }

    /** Columns computed rather than copied: {@code dt} always, {@code symbol} for the ticker. */
    public List<String> derivedColumns() {
        return derivedColumns;
    }

    /** The known fields by Upbit DEFAULT name, in column order. */
    public Map<String, KnownField> knownFields() {
        return fields;
    }

    /** Whether an unknown field may not use {@code column} (lower case) because a known column has that name. */
    boolean isReserved(String lowerCaseColumn) {
        return reservedColumns.contains(lowerCaseColumn)
                || (this == ORDERBOOK && LEVEL_COLUMN.matcher(lowerCaseColumn).matches());
    }

    public static CdcTable of(FrameType type) {
        return switch (type) {
            case TICKER -> TICKER;
            case TRADE -> TRADE;
            case ORDERBOOK -> ORDERBOOK;
        };
    }
}
