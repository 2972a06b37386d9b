package dev.tickerlake.sync;

/**
 * Envelope rows shaped like the CDC mapping's ticker, trade and orderbook rows. The ticker mixes the string spellings
 * ({@code varchar(n)}, {@code text}, {@code longtext}) so the created table shows what each becomes; trade and
 * orderbook spell every string {@code text}.
 */
final class UpbitRows {

    private UpbitRows() {
    }

    static CanalRow ticker(String market, long timestamp, long tradeTimestamp, double price) {
        return CanalRow.of("ticker", "market", "dt")
                .column("market", "varchar(32)", market)
                .column("dt", "varchar(10)", CanalRow.day(tradeTimestamp))
                .column("type", "varchar(32)", "ticker")
                .column("symbol", "text", market.substring(market.indexOf('-') + 1))
                .column("price", "double", price)
                .column("volume", "double", 1234.5 + price / 1000)
                .column("change_rate", "double", -0.0125)
                .column("abs_change_rate", "double", 0.0125)
                .column("timestamp", "datetime(3)", CanalRow.datetime(timestamp))
                .column("trade_timestamp", "datetime(3)", CanalRow.datetime(tradeTimestamp))
                .column("is_trading_suspended", "boolean", false)
                .column("stream_type", "longtext", "REALTIME")
                .build();
    }

    static CanalRow trade(String market, long sequentialId, long timestamp, double price, double volume) {
        return CanalRow.of("trade", "market", "sequential_id", "dt")
                .column("market", "text", market)
                .column("sequential_id", "bigint", sequentialId)
                .column("dt", "text", CanalRow.day(timestamp))
                .column("type", "text", "trade")
                .column("trade_price", "double", price)
                .column("trade_volume", "double", volume)
                .column("ask_bid", "text", sequentialId % 2 == 0 ? "ASK" : "BID")
                .column("timestamp", "datetime(3)", CanalRow.datetime(timestamp + 3))
                .column("trade_timestamp", "datetime(3)", CanalRow.datetime(timestamp))
                .column("stream_type", "text", "REALTIME")
                .build();
    }

    static CanalRow orderbook(String market, long timestamp, double bestAsk) {
        return CanalRow.of("orderbook", "market", "dt")
                .column("market", "text", market)
                .column("dt", "text", CanalRow.day(timestamp))
                .column("type", "text", "orderbook")
                .column("timestamp", "datetime(3)", CanalRow.datetime(timestamp))
                .column("total_ask_size", "double", 12.5)
                .column("total_bid_size", "double", 30.25)
                .column("ask_price_1", "double", bestAsk)
                .column("ask_size_1", "double", 0.5)
                .column("bid_price_1", "double", bestAsk - 1000)
                .column("bid_size_1", "double", 0.75)
                .column("ask_price_2", "double", bestAsk + 1000)
                .column("ask_size_2", "double", 1.5)
                .column("bid_price_2", "double", bestAsk - 2000)
                .column("bid_size_2", "double", 2.75)
                .column("stream_type", "text", "REALTIME")
                .build();
    }
}
