package dev.tickerlake.upbit;

import java.util.Map;

/** Upbit's SIMPLE-format (abbreviated) keys and the DEFAULT names they stand for, per frame type. */
public final class SimpleKeys {

    /** Ticker keys; {@code ts} and {@code msfi} are the deprecated trade_status and market_state_for_ios. */
    private static final Map<String, String> TICKER = Map.ofEntries(
            Map.entry("ty", "type"),
            Map.entry("cd", "code"),
            Map.entry("op", "opening_price"),
            Map.entry("hp", "high_price"),
            Map.entry("lp", "low_price"),
            Map.entry("tp", "trade_price"),
            Map.entry("pcp", "prev_closing_price"),
            Map.entry("c", "change"),
            Map.entry("cp", "change_price"),
            Map.entry("scp", "signed_change_price"),
            Map.entry("cr", "change_rate"),
            Map.entry("scr", "signed_change_rate"),
            Map.entry("tv", "trade_volume"),
            Map.entry("atv", "acc_trade_volume"),
            Map.entry("atv24h", "acc_trade_volume_24h"),
            Map.entry("atp", "acc_trade_price"),
            Map.entry("atp24h", "acc_trade_price_24h"),
            Map.entry("tdt", "trade_date"),
            Map.entry("ttm", "trade_time"),
            Map.entry("ttms", "trade_timestamp"),
            Map.entry("ab", "ask_bid"),
            Map.entry("aav", "acc_ask_volume"),
            Map.entry("abv", "acc_bid_volume"),
            Map.entry("h52wp", "highest_52_week_price"),
            Map.entry("h52wdt", "highest_52_week_date"),
            Map.entry("l52wp", "lowest_52_week_price"),
            Map.entry("l52wdt", "lowest_52_week_date"),
            Map.entry("ts", "trade_status"),
            Map.entry("ms", "market_state"),
            Map.entry("msfi", "market_state_for_ios"),
            Map.entry("its", "is_trading_suspended"),
            Map.entry("dd", "delisting_date"),
            Map.entry("mw", "market_warning"),
            Map.entry("tms", "timestamp"),
            Map.entry("st", "stream_type"));

    /** Trade keys; note {@code td} here where the ticker has {@code tdt}. */
    private static final Map<String, String> TRADE = Map.ofEntries(
            Map.entry("ty", "type"),
            Map.entry("cd", "code"),
            Map.entry("tp", "trade_price"),
            Map.entry("tv", "trade_volume"),
            Map.entry("ab", "ask_bid"),
            Map.entry("pcp", "prev_closing_price"),
            Map.entry("c", "change"),
            Map.entry("cp", "change_price"),
            Map.entry("td", "trade_date"),
            Map.entry("ttm", "trade_time"),
            Map.entry("ttms", "trade_timestamp"),
            Map.entry("tms", "timestamp"),
            Map.entry("sid", "sequential_id"),
            Map.entry("bap", "best_ask_price"),
            Map.entry("bas", "best_ask_size"),
            Map.entry("bbp", "best_bid_price"),
            Map.entry("bbs", "best_bid_size"),
            Map.entry("st", "stream_type"));

    private static final Map<String, String> ORDERBOOK = Map.ofEntries(
            Map.entry("ty", "type"),
            Map.entry("cd", "code"),
            Map.entry("tas", "total_ask_size"),
            Map.entry("tbs", "total_bid_size"),
            Map.entry("obu", "orderbook_units"),
            Map.entry("tms", "timestamp"),
            Map.entry("lv", "level"),
            Map.entry("st", "stream_type"));

    /** Keys inside one element of {@code orderbook_units}. */
    private static final Map<String, String> ORDERBOOK_UNIT = Map.of(
            "ap", "ask_price",
            "bp", "bid_price",
            "as", "ask_size",
            "bs", "bid_size");

    private SimpleKeys() {
    }

    /** SIMPLE key → DEFAULT name for top-level fields of {@code type}. */
    public static Map<String, String> of(FrameType type) {
        return switch (type) {
            case TICKER -> TICKER;
            case TRADE -> TRADE;
            case ORDERBOOK -> ORDERBOOK;
        };
    }

    /** SIMPLE key → DEFAULT name inside an orderbook unit. */
    public static Map<String, String> orderbookUnit() {
        return ORDERBOOK_UNIT;
    }
}
