package dev.tickerlake.upbit;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic generator of Upbit frames in the DEFAULT format: for one seed, market list and sequence of clock
 * readings it yields the same bytes every time (no wall clock, no shared randomness inside).
 * <p>
 * Mix: {@value #TICKER_PERCENT}% ticker, {@value #TRADE_PERCENT}% trade, {@value #ORDERBOOK_PERCENT}% orderbook.
 * Every trade moves its market's state; a ticker shows the market's latest trade, so about 37% of tickers repeat a
 * trade already reported, as Upbit's do. Markets are picked with Zipf weights (the first ones, KRW-BTC and KRW-ETH,
 * trade most). Prices follow a geometric random walk rounded to an Upbit-like KRW tick; sizes are log-normal with 8
 * decimals; the trading day (opening, high, low, accumulations, previous close) rolls over at 00:00 UTC; a 24 h
 * accumulation adds the fading rest of the previous day. Orderbooks carry {@value #ORDERBOOK_LEVELS} levels, best
 * first, with totals equal to the sums of their sizes. {@code sequential_id} is unique per generator and increasing
 * ({@code max(previous + 1, trade_timestamp × 1000)}). The first frame of each type per market is a
 * {@code SNAPSHOT}, later ones {@code REALTIME}. Numbers are written in plain decimal notation.
 */
public final class SyntheticFrames {

    public static final int TICKER_PERCENT = 40;
    public static final int TRADE_PERCENT = 25;
    public static final int ORDERBOOK_PERCENT = 35;
    public static final int ORDERBOOK_LEVELS = 15;

    /** Well-known markets first, with plausible KRW prices; later markets are KRW-S0001, KRW-S0002, … */
    private static final String[] KNOWN_MARKETS = {
        "KRW-BTC", "KRW-ETH", "KRW-XRP", "KRW-SOL", "KRW-DOGE", "KRW-ADA", "KRW-TRX", "KRW-LINK", "KRW-AVAX", "KRW-DOT",
    };
    private static final double[] KNOWN_PRICES = {
        95_000_000, 3_500_000, 3_000, 200_000, 300, 900, 350, 20_000, 30_000, 6_000,
    };
    private static final long DAY_MILLIS = 86_400_000L;
    /** Prices walk no lower than this, so that 15 bid levels below stay positive. */
    private static final double MIN_PRICE = 1.0;
    private static final double[] POW10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};

    /** One generated frame: its type, market and JSON bytes. */
    public record Frame(String type, String market, byte[] json) {
    }

    private final List<String> markets;
    private final SplittableRandom random;
    private final double[] cumulativeWeight;
    private final StringBuilder json = new StringBuilder(2048);
    private Market[] states;
    private long lastSequentialId;
    private boolean firstField;
    private double spareGaussian = Double.NaN;
    private long cachedDay = Long.MIN_VALUE;
    private String cachedIsoDate;
    private String cachedCompactDate;

    public SyntheticFrames(int markets, long seed) {
        this(marketCodes(markets), seed);
    }

    public SyntheticFrames(List<String> markets, long seed) {
        if (markets.isEmpty()) {
            throw new IllegalArgumentException("at least one market");
        }
        this.markets = List.copyOf(markets);
        this.random = new SplittableRandom(seed);
        this.cumulativeWeight = new double[markets.size()];
        double sum = 0;
        for (int i = 0; i < cumulativeWeight.length; i++) {
            sum += 1.0 / (i + 1);
            cumulativeWeight[i] = sum;
        }
    }

    /** The first {@code n} market codes: KRW-BTC, KRW-ETH, … (10 well-known), then KRW-S0001, KRW-S0002, … */
    public static List<String> marketCodes(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("at least one market: " + n);
        }
        List<String> codes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            codes.add(i < KNOWN_MARKETS.length ? KNOWN_MARKETS[i]
                    : String.format("KRW-S%04d", i - KNOWN_MARKETS.length + 1));
        }
        return codes;
    }

    public List<String> markets() {
        return markets;
    }

    /** The next frame, made at {@code epochMillis} (its {@code timestamp}); times should not go backwards. */
    public Frame next(long epochMillis) {
        if (states == null) {
            initialise(epochMillis);
        }
        Market market = states[pickMarket()];
        int kind = random.nextInt(100);
        if (kind < TICKER_PERCENT) {
            return new Frame("ticker", market.code, ticker(market, epochMillis));
        } else if (kind < TICKER_PERCENT + TRADE_PERCENT) {
            return new Frame("trade", market.code, trade(market, epochMillis));
        }
        return new Frame("orderbook", market.code, orderbook(market, epochMillis));
    }

    private int pickMarket() {
        double x = random.nextDouble() * cumulativeWeight[cumulativeWeight.length - 1];
        int low = 0;
        int high = cumulativeWeight.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulativeWeight[mid] < x) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private void initialise(long now) {
        states = new Market[markets.size()];
        for (int i = 0; i < states.length; i++) {
            Market m = new Market(markets.get(i));
            int known = indexOfKnown(m.code);
            double base = known >= 0 ? KNOWN_PRICES[known]
                    : StrictMath.exp(random.nextDouble(StrictMath.log(MIN_PRICE), StrictMath.log(200_000)));
            m.price = Math.max(MIN_PRICE, toTick(base));
            m.prevClose = Math.max(MIN_PRICE, toTick(m.price * (1 + 0.02 * gaussian())));
            m.open = m.prevClose;
            m.high = Math.max(Math.max(m.open, m.price), toTick(Math.max(m.open, m.price) * (1 + 0.01 * random.nextDouble())));
            m.low = Math.min(Math.min(m.open, m.price), toTick(Math.min(m.open, m.price) * (1 - 0.01 * random.nextDouble())));
            m.day = Math.floorDiv(now, DAY_MILLIS);
            double dayFraction = (double) Math.floorMod(now, DAY_MILLIS) / DAY_MILLIS;
            double dailyVolume = 2e11 / (i + 1) / m.price;
            m.accVolume = round(dailyVolume * dayFraction, 8);
            m.accPrice = round(m.accVolume * m.price, 8);
            m.accAskVolume = round(m.accVolume * random.nextDouble(0.4, 0.6), 8);
            m.accBidVolume = round(m.accVolume - m.accAskVolume, 8);
            m.previousDayVolume = dailyVolume * random.nextDouble(0.8, 1.2);
            m.previousDayPrice = m.previousDayVolume * m.prevClose;
            m.high52 = toTick(Math.max(m.high, m.price * random.nextDouble(1.2, 2.0)));
            m.low52 = toTick(Math.min(m.low, m.price * random.nextDouble(0.3, 0.8)));
            m.high52Date = LocalDate.ofEpochDay(m.day - 1 - random.nextInt(364)).toString();
            m.low52Date = LocalDate.ofEpochDay(m.day - 1 - random.nextInt(364)).toString();
            m.lastTradeTimestamp = now - random.nextInt(5000);
            m.lastTradeVolume = tradeVolume(m.price);
            m.lastAskBid = random.nextBoolean() ? "ASK" : "BID";
            m.bestBid = m.price;
            m.bestAsk = toTick(m.price + tick(m.price));
            m.bestAskSize = bookSize(m.bestAsk);
            m.bestBidSize = bookSize(m.bestBid);
            states[i] = m;
        }
    }

    private static int indexOfKnown(String code) {
        for (int i = 0; i < KNOWN_MARKETS.length; i++) {
            if (KNOWN_MARKETS[i].equals(code)) {
                return i;
            }
        }
        return -1;
    }

    /** Starts a new UTC trading day when {@code now} is past the market's current one. */
    private void roll(Market m, long now) {
        long day = Math.floorDiv(now, DAY_MILLIS);
        if (day <= m.day) {
            return;
        }
        m.day = day;
        m.prevClose = m.price;
        m.open = m.price;
        m.high = m.price;
        m.low = m.price;
        m.previousDayVolume = m.accVolume;
        m.previousDayPrice = m.accPrice;
        m.accVolume = 0;
        m.accPrice = 0;
        m.accAskVolume = 0;
        m.accBidVolume = 0;
    }

    private byte[] trade(Market m, long now) {
        roll(m, now);
        double price = Math.max(MIN_PRICE, toTick(m.price * StrictMath.exp(0.0008 * gaussian())));
        double volume = tradeVolume(price);
        String askBid = random.nextBoolean() ? "ASK" : "BID";
        m.price = price;
        m.lastTradeVolume = volume;
        m.lastAskBid = askBid;
        m.lastTradeTimestamp = now;
        m.accVolume = round(m.accVolume + volume, 8);
        m.accPrice = round(m.accPrice + volume * price, 8);
        if ("ASK".equals(askBid)) {
            m.accAskVolume = round(m.accAskVolume + volume, 8);
            m.bestBid = price;
            m.bestAsk = toTick(price + tick(price));
        } else {
            m.accBidVolume = round(m.accBidVolume + volume, 8);
            m.bestAsk = price;
            m.bestBid = toTick(price - tick(price));
        }
        m.high = Math.max(m.high, price);
        m.low = Math.min(m.low, price);
        String date = isoDate(now);
        if (price > m.high52) {
            m.high52 = price;
            m.high52Date = date;
        }
        if (price < m.low52) {
            m.low52 = price;
            m.low52Date = date;
        }
        lastSequentialId = Math.max(lastSequentialId + 1, now * 1000);
        double signedChange = difference(price, m.prevClose);

        begin();
        string("type", "trade");
        string("code", m.code);
        integer("timestamp", now);
        string("trade_date", date);
        string("trade_time", time(now, true));
        integer("trade_timestamp", now);
        number("trade_price", price);
        number("trade_volume", volume);
        string("ask_bid", askBid);
        number("prev_closing_price", m.prevClose);
        string("change", change(signedChange));
        number("change_price", Math.abs(signedChange));
        integer("sequential_id", lastSequentialId);
        number("best_ask_price", m.bestAsk);
        number("best_ask_size", m.bestAskSize);
        number("best_bid_price", m.bestBid);
        number("best_bid_size", m.bestBidSize);
        string("stream_type", m.tradeSnapshotSent ? "REALTIME" : "SNAPSHOT");
        m.tradeSnapshotSent = true;
        return end();
    }

    private byte[] ticker(Market m, long now) {
        roll(m, now);
        double signedChange = difference(m.price, m.prevClose);
        double signedRate = round(signedChange / m.prevClose, 8);
        double rest = 1 - (double) Math.floorMod(now, DAY_MILLIS) / DAY_MILLIS;

        begin();
        string("type", "ticker");
        string("code", m.code);
        number("opening_price", m.open);
        number("high_price", m.high);
        number("low_price", m.low);
        number("trade_price", m.price);
        number("prev_closing_price", m.prevClose);
        string("change", change(signedChange));
        number("change_price", Math.abs(signedChange));
        number("signed_change_price", signedChange);
        number("change_rate", Math.abs(signedRate));
        number("signed_change_rate", signedRate);
        number("trade_volume", m.lastTradeVolume);
        number("acc_trade_volume", m.accVolume);
        number("acc_trade_volume_24h", round(m.accVolume + m.previousDayVolume * rest, 8));
        number("acc_trade_price", m.accPrice);
        number("acc_trade_price_24h", round(m.accPrice + m.previousDayPrice * rest, 8));
        string("trade_date", compactDate(m.lastTradeTimestamp));
        string("trade_time", time(m.lastTradeTimestamp, false));
        integer("trade_timestamp", m.lastTradeTimestamp);
        string("ask_bid", m.lastAskBid);
        number("acc_ask_volume", m.accAskVolume);
        number("acc_bid_volume", m.accBidVolume);
        number("highest_52_week_price", m.high52);
        string("highest_52_week_date", m.high52Date);
        number("lowest_52_week_price", m.low52);
        string("lowest_52_week_date", m.low52Date);
        string("market_state", "ACTIVE");
        bool("is_trading_suspended", false);
        key("delisting_date");
        json.append("null");
        string("market_warning", "NONE");
        integer("timestamp", now);
        string("stream_type", m.tickerSnapshotSent ? "REALTIME" : "SNAPSHOT");
        m.tickerSnapshotSent = true;
        return end();
    }

    private byte[] orderbook(Market m, long now) {
        double[] askPrice = new double[ORDERBOOK_LEVELS];
        double[] bidPrice = new double[ORDERBOOK_LEVELS];
        double[] askSize = new double[ORDERBOOK_LEVELS];
        double[] bidSize = new double[ORDERBOOK_LEVELS];
        double totalAsk = 0;
        double totalBid = 0;
        for (int i = 0; i < ORDERBOOK_LEVELS; i++) {
            askPrice[i] = i == 0 ? m.bestAsk : toTick(askPrice[i - 1] + tick(askPrice[i - 1]));
            bidPrice[i] = i == 0 ? m.bestBid : toTick(bidPrice[i - 1] - tick(bidPrice[i - 1]));
            askSize[i] = bookSize(askPrice[i]);
            bidSize[i] = bookSize(bidPrice[i]);
            totalAsk += askSize[i];
            totalBid += bidSize[i];
        }
        m.bestAskSize = askSize[0];
        m.bestBidSize = bidSize[0];

        begin();
        string("type", "orderbook");
        string("code", m.code);
        integer("timestamp", now);
        number("total_ask_size", round(totalAsk, 8));
        number("total_bid_size", round(totalBid, 8));
        key("orderbook_units");
        json.append('[');
        for (int i = 0; i < ORDERBOOK_LEVELS; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('{');
            firstField = true;
            number("ask_price", askPrice[i]);
            number("bid_price", bidPrice[i]);
            number("ask_size", askSize[i]);
            number("bid_size", bidSize[i]);
            json.append('}');
        }
        json.append(']');
        firstField = false;
        string("stream_type", m.orderbookSnapshotSent ? "REALTIME" : "SNAPSHOT");
        integer("level", 0);
        m.orderbookSnapshotSent = true;
        return end();
    }

    private double tradeVolume(double price) {
        return Math.max(1e-8, round(StrictMath.exp(StrictMath.log(300_000) + 1.3 * gaussian()) / price, 8));
    }

    private double bookSize(double price) {
        return Math.max(1e-8, round(StrictMath.exp(StrictMath.log(2_000_000) + 1.2 * gaussian()) / price, 8));
    }

    private static String change(double signedChange) {
        return signedChange > 0 ? "RISE" : signedChange < 0 ? "FALL" : "EVEN";
    }

    /** Upbit-like KRW price unit for a price. */
    static double tick(double price) {
        if (price >= 2_000_000) {
            return 1000;
        } else if (price >= 1_000_000) {
            return 500;
        } else if (price >= 500_000) {
            return 100;
        } else if (price >= 100_000) {
            return 50;
        } else if (price >= 10_000) {
            return 10;
        } else if (price >= 1_000) {
            return 1;
        } else if (price >= 100) {
            return 0.1;
        } else if (price >= 10) {
            return 0.01;
        } else if (price >= 1) {
            return 0.001;
        } else if (price >= 0.1) {
            return 0.0001;
        }
        return 0.00001;
    }

    private static int decimals(double tick) {
        int d = 0;
        while (d < 8 && tick * POW10[d] < 0.999) {
            d++;
        }
        return d;
    }

    private static double toTick(double price) {
        double tick = tick(price);
        return round(Math.rint(price / tick) * tick, decimals(tick));
    }

    /** {@code a - b} for two prices, rounded to the finer of their ticks' decimals (no floating-point residue). */
    private static double difference(double a, double b) {
        return round(a - b, Math.max(decimals(tick(a)), decimals(tick(b))));
    }

    static double round(double value, int decimals) {
        double scale = POW10[decimals];
        double scaled = value * scale;
        if (Math.abs(scaled) >= 9e15) {
            return value;
        }
        return Math.rint(scaled) / scale;
    }

    private double gaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u;
        double v;
        double s;
        do {
            u = random.nextDouble() * 2 - 1;
            v = random.nextDouble() * 2 - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spareGaussian = v * factor;
        return u * factor;
    }

    private String isoDate(long epochMillis) {
        cacheDate(epochMillis);
        return cachedIsoDate;
    }

    private String compactDate(long epochMillis) {
        cacheDate(epochMillis);
        return cachedCompactDate;
    }

    private void cacheDate(long epochMillis) {
        long day = Math.floorDiv(epochMillis, DAY_MILLIS);
        if (day != cachedDay) {
            cachedDay = day;
            cachedIsoDate = LocalDate.ofEpochDay(day).toString();
            cachedCompactDate = cachedIsoDate.replace("-", "");
        }
    }

    /** UTC time of day, {@code HH:mm:ss} (trade) or {@code HHmmss} (ticker). */
    private static String time(long epochMillis, boolean colons) {
        int seconds = (int) (Math.floorMod(epochMillis, DAY_MILLIS) / 1000);
        int h = seconds / 3600;
        int m = seconds / 60 % 60;
        int s = seconds % 60;
        char[] out = new char[colons ? 8 : 6];
        int i = 0;
        out[i++] = (char) ('0' + h / 10);
        out[i++] = (char) ('0' + h % 10);
        if (colons) {
            out[i++] = ':';
        }
        out[i++] = (char) ('0' + m / 10);
        out[i++] = (char) ('0' + m % 10);
        if (colons) {
            out[i++] = ':';
        }
        out[i++] = (char) ('0' + s / 10);
        out[i] = (char) ('0' + s % 10);
        return new String(out);
    }

    private void begin() {
        json.setLength(0);
        json.append('{');
        firstField = true;
    }

    private byte[] end() {
        json.append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void key(String name) {
        if (!firstField) {
            json.append(',');
        }
        firstField = false;
        json.append('"').append(name).append("\":");
    }

    private void string(String name, String value) {
        key(name);
        json.append('"').append(value).append('"');
    }

    private void integer(String name, long value) {
        key(name);
        json.append(value);
    }

    private void bool(String name, boolean value) {
        key(name);
        json.append(value);
    }

    private void number(String name, double value) {
        key(name);
        appendPlain(json, value);
    }

    /** A double in plain decimal notation ({@code 95000000.0}, {@code 0.00012345}), never scientific. */
    static void appendPlain(StringBuilder out, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value).append(".0");
            return;
        }
        String text = Double.toString(value);
        out.append(text.indexOf('E') < 0 ? text : new java.math.BigDecimal(text).toPlainString());
    }

    /** The evolving state of one market. */
    private static final class Market {
        final String code;
        double price;
        double prevClose;
        double open;
        double high;
        double low;
        long day;
        double accVolume;
        double accPrice;
        double accAskVolume;
        double accBidVolume;
        double previousDayVolume;
        double previousDayPrice;
        double high52;
        double low52;
        String high52Date;
        String low52Date;
        long lastTradeTimestamp;
        double lastTradeVolume;
        String lastAskBid;
        double bestAsk;
        double bestBid;
        double bestAskSize;
        double bestBidSize;
        boolean tickerSnapshotSent;
        boolean tradeSnapshotSent;
        boolean orderbookSnapshotSent;

        Market(String code) {
            this.code = Objects.requireNonNull(code);
        }
    }
}
