package dev.tickerlake.cdc;

import static dev.tickerlake.upbit.Frames.line;
import static dev.tickerlake.upbit.Frames.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.tickerlake.upbit.FrameRejectedException;
import dev.tickerlake.upbit.Frames;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CdcMapperTest {

    private final CdcMapper mapper = new CdcMapper();

    @Test
    void tickerBecomesATypedCanalInsertKeyedByMarketAndDay() {
        Envelope envelope = mapper.map(utf8(line("ticker.jsonl", 0)));
        EnvelopeJson json = EnvelopeJson.of(envelope);

        assertThat(envelope.table()).isEqualTo("ticker");
        assertThat(envelope.key()).isEqualTo("ticker|KRW-BTC|2024-05-01");
        assertThat(json.root().get("database").textValue()).isEqualTo("upbit");
        assertThat(json.root().get("table").textValue()).isEqualTo("ticker");
        assertThat(json.root().get("pkNames")).extracting(n -> n.textValue()).containsExactly("market", "dt");
        assertThat(json.root().get("isDdl").booleanValue()).isFalse();
        assertThat(json.root().get("type").textValue()).isEqualTo("INSERT");
        assertThat(json.root().get("es").longValue()).isEqualTo(1714521600123L);
        assertThat(json.root().get("ts").longValue()).isEqualTo(1714521600123L);
        assertThat(json.root().get("old").isNull()).isTrue();
        assertThat(json.root().get("data")).hasSize(1);

        assertThat(json.columns()).isEqualTo(json.typedColumns());
        assertThat(columns(json)).containsExactly(
                tuple("market", "text", "KRW-BTC"),
                tuple("dt", "text", "2024-05-01"),
                tuple("symbol", "text", "BTC"),
                tuple("type", "text", "ticker"),
                tuple("price", "double", "95000000.0"),
                tuple("opening_price", "double", "94500000.0"),
                tuple("high_price", "double", "95500000.0"),
                tuple("low_price", "double", "94000000.0"),
                tuple("prev_closing_price", "double", "94500000.0"),
                tuple("change", "text", "RISE"),
                tuple("change_price", "double", "500000.0"),
                tuple("signed_change_price", "double", "500000.0"),
                tuple("change_rate", "double", "0.0052910053"),
                tuple("abs_change_rate", "double", "0.0052910053"),
                tuple("trade_volume", "double", "0.00105263"),
                tuple("acc_trade_volume", "double", "1003.21517889"),
                tuple("acc_trade_price", "double", "95078733694.3792"),
                tuple("volume", "double", "2421.91430225"),
                tuple("acc_trade_price_24h", "double", "228827082483.70729"),
                tuple("trade_date", "text", "20240501"),
                tuple("trade_time", "text", "000000"),
                tuple("trade_timestamp", "datetime(3)", "2024-05-01 00:00:00.100"),
                tuple("ask_bid", "text", "BID"),
                tuple("acc_ask_volume", "double", "512.4"),
                tuple("acc_bid_volume", "double", "490.81517889"),
                tuple("highest_52_week_price", "double", "105000000.0"),
                tuple("highest_52_week_date", "text", "2024-03-14"),
                tuple("lowest_52_week_price", "double", "35000000.0"),
                tuple("lowest_52_week_date", "text", "2023-06-15"),
                tuple("market_state", "text", "ACTIVE"),
                tuple("is_trading_suspended", "boolean", "false"),
                tuple("delisting_date", "text", null),
                tuple("market_warning", "text", "NONE"),
                tuple("timestamp", "datetime(3)", "2024-05-01 00:00:00.123"),
                tuple("stream_type", "text", "SNAPSHOT"));
    }

    @Test
    void tickerRenamesAreNotStoredTwice() {
        EnvelopeJson json = EnvelopeJson.of(mapper.map(utf8(line("ticker.jsonl", 2))));
        assertThat(json.columns()).doesNotContain("trade_price", "acc_trade_volume_24h", "signed_change_rate", "code");
        assertThat(json.value("price")).isEqualTo("741.0");
        assertThat(json.value("volume")).isEqualTo("31700000.0");
    }

    @Test
    void changeRateIsSignedAndAbsChangeRateUnsigned() {
        String falling = line("ticker.jsonl", 2)
                .replace("\"change\":\"RISE\"", "\"change\":\"FALL\"")
                .replace("\"signed_change_rate\":0.0150684932", "\"signed_change_rate\":-0.0150684932");
        EnvelopeJson json = EnvelopeJson.of(mapper.map(utf8(falling)));
        assertThat(json.value("change_rate")).isEqualTo("-0.0150684932");
        assertThat(json.value("abs_change_rate")).isEqualTo("0.0150684932");
    }

    @Test
    void numberSpellingsNullsAndUnknownFieldsAreKept() {
        EnvelopeJson json = EnvelopeJson.of(mapper.map(utf8(line("ticker.jsonl", 1))));
        assertThat(json.value("opening_price")).as("number sent as a string").isEqualTo("4250000.0");
        assertThat(json.value("price")).isEqualTo("4250000.0");
        assertThat(json.value("change_price")).as("0E-8").isEqualTo("0.0");
        assertThat(json.value("trade_volume")).as("8.428e-05").isEqualTo("0.00008428");
        assertThat(Double.parseDouble(json.value("trade_volume"))).isEqualTo(8.428e-05);
        assertThat(json.value("acc_trade_price")).isEqualTo("30123456789.12");
        assertThat(json.value("acc_ask_volume")).isEqualTo("3500.05");

        assertThat(json.value("trade_status")).as("JSON null stays null").isNull();
        assertThat(json.value("market_state_for_ios")).isNull();
        assertThat(json.value("delisting_date")).isNull();
        assertThat(json.mysqlType("delisting_date")).isEqualTo("text");

        assertThat(columns(json)).endsWith(
                tuple("mystery_field", "text", "{\"a\":1}"),
                tuple("new_code", "text", "X1"),
                tuple("new_flag", "text", "true"));
    }

    @Test
    void absentFieldsAreNotColumnsAndPresentFieldsAreNeverNull() {
        EnvelopeJson json = EnvelopeJson.of(mapper.map(utf8(line("ticker.jsonl", 0))));
        assertThat(json.columns()).doesNotContain("trade_status", "market_state_for_ios");
        json.columns().stream().filter(c -> !c.equals("delisting_date"))
                .forEach(c -> assertThat(json.value(c)).as(c).isNotNull());
    }

    @Test
    void dtIsTheUtcDayOfTheTradeNotOfTheMessage() {
        Envelope envelope = mapper.map(utf8(line("ticker.jsonl", 2)));
        EnvelopeJson json = EnvelopeJson.of(envelope);
        assertThat(json.value("timestamp")).isEqualTo("2024-05-01 00:00:00.050");
        assertThat(json.value("trade_timestamp")).isEqualTo("2024-04-30 23:59:59.999");
        assertThat(json.value("dt")).isEqualTo("2024-04-30");
        assertThat(envelope.key()).isEqualTo("ticker|KRW-XRP|2024-04-30");
        assertThat(json.value("delisting_date")).isEqualTo("2024-12-31");
        assertThat(json.value("trade_status")).isEqualTo("ACTIVE");
    }

    @Test
    void simpleFormatGivesTheSameEnvelopeAsDefault() {
        assertThat(mapper.map(utf8(line("ticker.jsonl", 3))).value())
                .isEqualTo(mapper.map(utf8(line("ticker.jsonl", 0))).value());
        assertThat(mapper.map(utf8(line("trade.jsonl", 2))).value())
                .isEqualTo(mapper.map(utf8(line("trade.jsonl", 0))).value());
    }

    @Test
    void tradeIsKeyedByMarketSequentialIdAndDay() {
        Envelope envelope = mapper.map(utf8(line("trade.jsonl", 0)));
        EnvelopeJson json = EnvelopeJson.of(envelope);
        assertThat(envelope.table()).isEqualTo("trade");
        assertThat(envelope.key()).isEqualTo("trade|KRW-BTC|1714521600100000|2024-05-01");
        assertThat(json.root().get("pkNames")).extracting(n -> n.textValue()).containsExactly("market", "sequential_id", "dt");
        assertThat(columns(json)).containsExactly(
                tuple("market", "text", "KRW-BTC"),
                tuple("dt", "text", "2024-05-01"),
                tuple("sequential_id", "bigint", "1714521600100000"),
                tuple("type", "text", "trade"),
                tuple("trade_price", "double", "95000000.0"),
                tuple("trade_volume", "double", "0.00105263"),
                tuple("ask_bid", "text", "BID"),
                tuple("prev_closing_price", "double", "94500000.0"),
                tuple("change", "text", "RISE"),
                tuple("change_price", "double", "500000.0"),
                tuple("trade_date", "text", "2024-05-01"),
                tuple("trade_time", "text", "00:00:00"),
                tuple("trade_timestamp", "datetime(3)", "2024-05-01 00:00:00.100"),
                tuple("best_ask_price", "double", "95001000.0"),
                tuple("best_ask_size", "double", "0.5"),
                tuple("best_bid_price", "double", "95000000.0"),
                tuple("best_bid_size", "double", "0.00125"),
                tuple("timestamp", "datetime(3)", "2024-05-01 00:00:00.123"),
                tuple("stream_type", "text", "REALTIME"));
    }

    @Test
    void tradeNumbersSentAsStrings() {
        Envelope envelope = mapper.map(utf8(line("trade.jsonl", 1)));
        EnvelopeJson json = EnvelopeJson.of(envelope);
        assertThat(envelope.key()).isEqualTo("trade|KRW-ETH|17145558150000001|2024-05-01");
        assertThat(json.value("sequential_id")).isEqualTo("17145558150000001");
        assertThat(json.value("timestamp")).isEqualTo("2024-05-01 09:30:15.042");
        assertThat(json.value("trade_volume")).isEqualTo("0.00008428");
        assertThat(json.value("best_bid_size")).isEqualTo("0.0");
        assertThat(json.value("stream_type")).isEqualTo("SNAPSHOT");
        assertThat(json.root().get("es").longValue()).isEqualTo(1714555815042L);
    }

    @Test
    void orderbookLevelsAreFlattenedBestFirst() {
        Envelope envelope = mapper.map(utf8(line("orderbook.jsonl", 0)));
        EnvelopeJson json = EnvelopeJson.of(envelope);
        assertThat(envelope.key()).isEqualTo("orderbook|KRW-BTC|2024-05-01");
        List<String> expected = new ArrayList<>(List.of("market", "dt", "type", "total_ask_size", "total_bid_size",
                "level", "timestamp", "stream_type"));
        for (int level = 1; level <= 15; level++) {
            expected.addAll(List.of("ask_price_" + level, "ask_size_" + level, "bid_price_" + level, "bid_size_" + level));
        }
        assertThat(json.columns()).containsExactlyElementsOf(expected).doesNotContain("orderbook_units");
        assertThat(json.value("ask_price_1")).isEqualTo("95001000.0");
        assertThat(json.value("bid_price_1")).isEqualTo("95000000.0");
        assertThat(json.value("ask_size_1")).isEqualTo("0.01234567");
        assertThat(json.value("bid_size_1")).as("2.4E-4").isEqualTo("0.00024");
        assertThat(json.value("ask_price_15")).isEqualTo("95015000.0");
        assertThat(json.value("bid_price_15")).isEqualTo("94986000.0");
        assertThat(json.mysqlType("bid_size_15")).isEqualTo("double");
        assertThat(json.value("level")).isEqualTo("0.0");
        assertThat(json.value("timestamp")).isEqualTo("2024-05-01 00:00:00.200");
    }

    @Test
    void orderbookInSimpleFormatAndWithoutStreamType() {
        EnvelopeJson simple = EnvelopeJson.of(mapper.map(utf8(line("orderbook.jsonl", 1))));
        assertThat(simple.value("market")).isEqualTo("KRW-ETH");
        assertThat(simple.value("level")).isEqualTo("1000.0");
        assertThat(simple.columns()).contains("ask_price_5", "bid_size_5").doesNotContain("ask_price_6", "obu");

        Envelope bare = mapper.map(utf8(line("orderbook.jsonl", 2)));
        EnvelopeJson json = EnvelopeJson.of(bare);
        assertThat(bare.key()).as("dt from timestamp for the orderbook").isEqualTo("orderbook|KRW-XRP|2024-04-30");
        assertThat(json.columns()).doesNotContain("stream_type");
        assertThat(json.value("total_ask_size")).isEqualTo("1000000.5");
        assertThat(json.value("ask_price_1")).isEqualTo("742.0");
        assertThat(json.value("bid_size_1")).isEqualTo("0.0");
    }

    @Test
    void stringColumnSpellingIsConfigurable() {
        EnvelopeJson json = EnvelopeJson.of(new CdcMapper(65536, "varchar(65535)").map(utf8(line("trade.jsonl", 0))));
        assertThat(json.mysqlType("market")).isEqualTo("varchar(65535)");
        assertThat(json.mysqlType("trade_price")).isEqualTo("double");
    }

    @Test
    void sameFrameGivesByteIdenticalEnvelopeAndKey() {
        CdcMapper other = new CdcMapper();
        for (String frame : Frames.all()) {
            Envelope first = mapper.map(utf8(frame));
            Envelope second = mapper.map(utf8(frame));
            Envelope fromAnotherMapper = other.map(utf8(frame));
            assertThat(second.value()).isEqualTo(first.value());
            assertThat(second.key()).isEqualTo(first.key());
            assertThat(fromAnotherMapper.value()).isEqualTo(first.value());
        }
    }

    @Test
    void fieldOrderInTheFrameDoesNotChangeTheEnvelope() {
        String frame = line("trade.jsonl", 0);
        String reordered = frame.replace("{\"type\":\"trade\",\"code\":\"KRW-BTC\",", "{\"code\":\"KRW-BTC\",")
                .replace("\"stream_type\":\"REALTIME\"}", "\"stream_type\":\"REALTIME\",\"type\":\"trade\"}");
        assertThat(mapper.map(utf8(reordered)).value()).isEqualTo(mapper.map(utf8(frame)).value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framesWhoseValuesDoNotFitTheirColumns")
    void rejectsValuesThatDoNotFitTheirColumns(String description, String frame, String errorClass) {
        assertThatThrownBy(() -> mapper.map(utf8(frame)))
                .isInstanceOf(FrameRejectedException.class)
                .satisfies(e -> assertThat(((FrameRejectedException) e).errorClass())
                        .as("error class of: %s", e.getMessage()).isEqualTo(errorClass));
    }

    static Stream<Arguments> framesWhoseValuesDoNotFitTheirColumns() {
        String ticker = line("ticker.jsonl", 0);
        String trade = line("trade.jsonl", 0);
        String orderbook = line("orderbook.jsonl", 2);
        String unit = "{\"ask_price\":\"742\",\"bid_price\":741.0,\"ask_size\":1000000.50000000,\"bid_size\":0E-8}";
        return Stream.of(
                Arguments.of("price as a word", ticker.replace("\"trade_price\":95000000.0", "\"trade_price\":\"abc\""), "bad-number"),
                Arguments.of("price as a boolean", ticker.replace("\"trade_price\":95000000.0", "\"trade_price\":true"), "bad-number"),
                Arguments.of("price as an object", ticker.replace("\"trade_price\":95000000.0", "\"trade_price\":{\"v\":1}"), "bad-number"),
                Arguments.of("price beyond DOUBLE", ticker.replace("\"trade_price\":95000000.0", "\"trade_price\":1e400"), "bad-number"),
                Arguments.of("price NaN as a string", ticker.replace("\"trade_price\":95000000.0", "\"trade_price\":\"NaN\""), "bad-number"),
                Arguments.of("fractional sequential_id", trade.replace("1714521600100000", "1714521600100000.5"), "bad-number"),
                Arguments.of("suspended 'maybe'", ticker.replace("\"is_trading_suspended\":false", "\"is_trading_suspended\":\"maybe\""), "bad-value"),
                Arguments.of("trade without sequential_id", trade.replace("\"sequential_id\":1714521600100000,", ""), "missing-field"),
                Arguments.of("null sequential_id", trade.replace("1714521600100000", "null"), "missing-field"),
                Arguments.of("orderbook without units", orderbook.replace("\"orderbook_units\":[" + unit + "],", ""), "missing-field"),
                Arguments.of("units not an array", orderbook.replace("[" + unit + "]", "\"" + "none" + "\""), "bad-orderbook-unit"),
                Arguments.of("unit not an object", orderbook.replace("[" + unit + "]", "[" + unit + ",742]"), "bad-orderbook-unit"),
                Arguments.of("unit without bid_size", orderbook.replace(",\"bid_size\":0E-8", ""), "bad-orderbook-unit"),
                Arguments.of("31 levels", orderbook.replace("[" + unit + "]", "[" + (unit + ",").repeat(30) + unit + "]"), "bad-orderbook-unit"),
                Arguments.of("unit price as a word", orderbook.replace("\"ask_price\":\"742\"", "\"ask_price\":\"cheap\""), "bad-number"),
                Arguments.of("unknown field with a space", ticker.replace("{", "{\"new field\":1,"), "bad-field-name"),
                Arguments.of("unknown field with an accent", ticker.replace("{", "{\"pr\u00efce\":1,"), "bad-field-name"),
                Arguments.of("unknown 'price' beside trade_price", ticker.replace("{", "{\"price\":1,"), "conflicting-field"),
                Arguments.of("unknown 'DT'", ticker.replace("{", "{\"DT\":\"x\","), "conflicting-field"),
                Arguments.of("unknown 'market'", trade.replace("{", "{\"market\":\"KRW-ETH\","), "conflicting-field"),
                Arguments.of("unknown level column", orderbook.replace("{", "{\"ask_price_40\":1,"), "conflicting-field"),
                Arguments.of("unknown fields differing by case", ticker.replace("{", "{\"foo\":1,\"Foo\":2,"), "conflicting-field"));
    }

    private static List<Tuple> columns(EnvelopeJson json) {
        return json.columns().stream().map(c -> tuple(c, json.mysqlType(c), json.value(c))).toList();
    }
}
