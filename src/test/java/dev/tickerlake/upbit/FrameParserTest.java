package dev.tickerlake.upbit;

import static dev.tickerlake.upbit.Frames.line;
import static dev.tickerlake.upbit.Frames.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FrameParserTest {

    private final FrameParser parser = new FrameParser();

    @Test
    void parsesEachFixtureFrameWithItsTypeMarketAndTime() {
        UpbitFrame ticker = parser.parse(utf8(line("ticker.jsonl", 0)));
        assertThat(ticker.type()).isEqualTo(FrameType.TICKER);
        assertThat(ticker.market()).isEqualTo("KRW-BTC");
        assertThat(ticker.timestamp()).isEqualTo(1714521600123L);
        assertThat(ticker.rawTopic()).isEqualTo("upbit-ticker");

        UpbitFrame trade = parser.parse(utf8(line("trade.jsonl", 1)));
        assertThat(trade.type()).isEqualTo(FrameType.TRADE);
        assertThat(trade.market()).isEqualTo("KRW-ETH");
        assertThat(trade.timestamp()).as("timestamp sent as a JSON string").isEqualTo(1714555815042L);

        UpbitFrame orderbook = parser.parse(utf8(line("orderbook.jsonl", 0)));
        assertThat(orderbook.type()).isEqualTo(FrameType.ORDERBOOK);
        assertThat(orderbook.rawTopic()).isEqualTo("upbit-orderbook");
        assertThat(orderbook.fields().get("orderbook_units").size()).isEqualTo(15);
    }

    @Test
    void simpleFramesAreNormalisedToDefaultNames() {
        UpbitFrame ticker = parser.parse(utf8(line("ticker.jsonl", 3)));
        assertThat(ticker.type()).isEqualTo(FrameType.TICKER);
        assertThat(ticker.market()).isEqualTo("KRW-BTC");
        assertThat(ticker.fields().has("trade_price")).isTrue();
        assertThat(ticker.fields().has("tp")).isFalse();
        assertThat(ticker.fields().get("acc_trade_volume_24h").decimalValue()).isEqualByComparingTo("2421.91430225");
        // the trade's trade_date is 'td', the ticker's 'tdt'
        assertThat(parser.parse(utf8(line("trade.jsonl", 2))).fields().get("trade_date").textValue()).isEqualTo("2024-05-01");

        UpbitFrame orderbook = parser.parse(utf8(line("orderbook.jsonl", 1)));
        assertThat(orderbook.fields().get("orderbook_units").get(0).fieldNames())
                .toIterable().containsExactly("ask_price", "bid_price", "ask_size", "bid_size");
        assertThat(orderbook.fields().get("level").intValue()).isEqualTo(1000);
    }

    @Test
    void normalisingKeepsTheFrameFieldsAndTheirOrder() {
        UpbitFrame simple = parser.parse(utf8(line("ticker.jsonl", 3)));
        UpbitFrame plain = parser.parse(utf8(line("ticker.jsonl", 0)));
        assertThat(simple.fields()).isEqualTo(plain.fields());
        List<String> simpleNames = new ArrayList<>();
        simple.fields().fieldNames().forEachRemaining(simpleNames::add);
        List<String> plainNames = new ArrayList<>();
        plain.fields().fieldNames().forEachRemaining(plainNames::add);
        assertThat(simpleNames).isEqualTo(plainNames);
    }

    @Test
    void identifiesTypeAndMarketForTheRawTopic() {
        assertThat(parser.identify(utf8(line("ticker.jsonl", 1)))).isEqualTo(new FrameId(FrameType.TICKER, "KRW-ETH"));
        assertThat(parser.identify(utf8(line("trade.jsonl", 2)))).isEqualTo(new FrameId(FrameType.TRADE, "KRW-BTC"));
        FrameId orderbook = parser.identify(utf8(line("orderbook.jsonl", 1)));
        assertThat(orderbook.topic()).isEqualTo("upbit-orderbook");
        assertThat(orderbook.market()).isEqualTo("KRW-ETH");
    }

    @Test
    void identifyRejectsNonDataFrames() {
        assertRejected(() -> parser.identify(utf8("{\"status\":\"UP\"}")), "status-frame");
        assertRejected(() -> parser.identify(utf8("{\"error\":{\"name\":\"NO_TICKET\",\"message\":\"ticket missing\"}}")),
                "error-frame");
        assertRejected(() -> parser.identify(utf8("{\"type\":\"candle.1s\",\"code\":\"KRW-BTC\"}")), "unknown-type");
        assertRejected(() -> parser.identify(utf8("{\"type\":\"trade\"}")), "missing-field");
        assertRejected(() -> parser.identify(utf8("{\"type\":\"trade\",\"code\":null}")), "missing-field");
        assertRejected(() -> parser.identify(utf8("{\"type\":\"trade\",\"code\":7}")), "bad-value");
        assertRejected(() -> parser.identify(new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xc3, 0x28, '"', '}'}),
                "invalid-utf8");
        assertRejected(() -> parser.identify(utf8("[{\"type\":\"trade\"}]")), "not-an-object");
        assertRejected(() -> parser.identify(utf8("{\"type\":\"tra")), "truncated");
        assertRejected(() -> parser.identify(utf8("")), "empty");
    }

    @Test
    void leadingByteOrderMarkIsSkipped() {
        assertThat(parser.parse(utf8("\uFEFF" + line("trade.jsonl", 0))).market()).isEqualTo("KRW-BTC");
    }

    @Test
    void frameSizeLimitIsConfigurable() {
        byte[] frame = utf8(line("trade.jsonl", 0));
        assertThat(new FrameParser(frame.length).parse(frame).market()).isEqualTo("KRW-BTC");
        assertRejected(() -> new FrameParser(frame.length - 1).parse(frame), "too-large");
        assertRejected(() -> new FrameParser(frame.length - 1).identify(frame), "too-large");
    }

    @Test
    void rejectionsCarryAHumanMessage() {
        assertThatThrownBy(() -> parser.parse(utf8("{\"type\":\"ticker\",\"code\":\"KRW-BTC\"}")))
                .isInstanceOf(FrameRejectedException.class)
                .hasMessageContaining("timestamp")
                .satisfies(e -> assertThat(((FrameRejectedException) e).errorClass()).isEqualTo("missing-field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framesThatAreNotTickerData")
    void rejectsFramesThatAreNotData(String description, byte[] frame, String errorClass) {
        assertRejected(() -> parser.parse(frame), errorClass);
    }

    static Stream<Arguments> framesThatAreNotTickerData() {
        String trade = line("trade.jsonl", 0);
        String ticker = line("ticker.jsonl", 0);
        return Stream.of(
                Arguments.of("no bytes", new byte[0], "empty"),
                Arguments.of("blank line", utf8(" \r\n\t "), "empty"),
                Arguments.of("plain text", utf8("hello upbit"), "not-json"),
                Arguments.of("single-quoted JSON", utf8("{'type':'trade'}"), "not-json"),
                Arguments.of("HTML error page", utf8("<html><body>502 Bad Gateway</body></html>"), "not-json"),
                Arguments.of("cut in the middle", utf8(trade.substring(0, trade.length() / 2)), "truncated"),
                Arguments.of("closing brace missing", utf8(trade.substring(0, trade.length() - 1)), "truncated"),
                Arguments.of("JSON array", utf8("[" + trade + "]"), "not-an-object"),
                Arguments.of("JSON number", utf8("42"), "not-an-object"),
                Arguments.of("JSON string", utf8("\"ticker\""), "not-an-object"),
                Arguments.of("JSON null", utf8("null"), "not-an-object"),
                Arguments.of("garbage after the object", utf8(trade + "xyz"), "trailing-data"),
                Arguments.of("a second object after the first", utf8(trade + trade), "trailing-data"),
                Arguments.of("a stray bracket after the object", utf8(trade + " ]"), "trailing-data"),
                Arguments.of("invalid UTF-8 byte", withBytes("{\"type\":\"trade\",\"code\":\"KRW-", 0xC3, 0x28, "\"}"), "invalid-utf8"),
                Arguments.of("overlong UTF-8 encoding", withBytes("{\"type\":\"trade\",\"x\":\"", 0xC0, 0xAF, "\"}"), "invalid-utf8"),
                Arguments.of("UTF-8 encoded surrogate", withBytes("{\"type\":\"trade\",\"x\":\"", 0xED, 0xA0, 0x80, "\"}"), "invalid-utf8"),
                Arguments.of("frame over 64 KiB", utf8(trade.replace("}", ",\"pad\":\"" + "x".repeat(70_000) + "\"}")), "too-large"),
                Arguments.of("same key twice", utf8(trade.replace("{\"type\":\"trade\",", "{\"type\":\"trade\",\"code\":\"KRW-ETH\",")), "duplicate-key"),
                Arguments.of("Upbit status frame", utf8("{\"status\":\"UP\"}"), "status-frame"),
                Arguments.of("Upbit error frame", utf8("{\"error\":{\"name\":\"WRONG_FORMAT\",\"message\":\"bad request\"}}"), "error-frame"),
                Arguments.of("candle frame", utf8(trade.replace("\"type\":\"trade\"", "\"type\":\"candle.1s\"")), "unknown-type"),
                Arguments.of("numeric type", utf8(trade.replace("\"type\":\"trade\"", "\"type\":3")), "unknown-type"),
                Arguments.of("no type", utf8(trade.replace("\"type\":\"trade\",", "")), "missing-field"),
                Arguments.of("no code", utf8(trade.replace("\"code\":\"KRW-BTC\",", "")), "missing-field"),
                Arguments.of("null code", utf8(trade.replace("\"KRW-BTC\"", "null")), "missing-field"),
                Arguments.of("no timestamp", utf8(trade.replace("\"timestamp\":1714521600123,", "")), "missing-field"),
                Arguments.of("ticker without trade_timestamp", utf8(ticker.replace("\"trade_timestamp\":1714521600100,", "")), "missing-field"),
                Arguments.of("trade without trade_timestamp", utf8(trade.replace("\"trade_timestamp\":1714521600100,", "")), "missing-field"),
                Arguments.of("timestamp as a word", utf8(trade.replace("1714521600123", "\"yesterday\"")), "bad-timestamp"),
                Arguments.of("timestamp in seconds", utf8(trade.replace("1714521600123", "1714521600")), "bad-timestamp"),
                Arguments.of("fractional timestamp", utf8(trade.replace("1714521600123", "1714521600123.5")), "bad-timestamp"),
                Arguments.of("boolean trade_timestamp", utf8(trade.replace("1714521600100,", "true,")), "bad-timestamp"),
                Arguments.of("numeric code", utf8(trade.replace("\"KRW-BTC\"", "42")), "bad-value"),
                Arguments.of("code with the key separator", utf8(trade.replace("\"KRW-BTC\"", "\"KRW|BTC\"")), "bad-value"),
                Arguments.of("both type and ty", utf8(trade.replace("{\"type\":\"trade\",", "{\"type\":\"trade\",\"ty\":\"trade\",")), "conflicting-field"),
                Arguments.of("SIMPLE and DEFAULT key for one field",
                        utf8(line("trade.jsonl", 2).replace("\"tp\":", "\"trade_price\":1,\"tp\":")), "conflicting-field"));
    }

    private static byte[] withBytes(String head, Object... rest) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(utf8(head));
        for (Object part : rest) {
            if (part instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(utf8((String) part));
            }
        }
        return out.toByteArray();
    }

    static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String errorClass) {
        assertThatThrownBy(call)
                .isInstanceOf(FrameRejectedException.class)
                .satisfies(e -> assertThat(((FrameRejectedException) e).errorClass())
                        .as("error class of: %s", e.getMessage()).isEqualTo(errorClass));
    }
}
