package dev.tickerlake.cdc;

import static dev.tickerlake.upbit.Frames.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A batch of raw records splits into envelopes (in order, keyed, with their source) and dead letters with causes. */
class CdcBatchTest {

    // Small frames and their envelopes written out by hand (DESIGN.md: canal-json INSERT, mysqlType, pkNames, values as
    // strings); CdcMapperTest maps full Upbit frames.

    static final String TICKER = "{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"trade_price\":95000000,"
            + "\"trade_timestamp\":1714521600100,\"timestamp\":1714521600123}";
    static final String TRADE = "{\"type\":\"trade\",\"code\":\"KRW-ETH\",\"trade_price\":4250000.5,"
            + "\"trade_timestamp\":1714521600100,\"timestamp\":1714521600150,\"sequential_id\":1714521600100000}";
    private static final String ORDERBOOK = "{\"type\":\"orderbook\",\"code\":\"KRW-BTC\","
            + "\"timestamp\":1714521600200,\"orderbook_units\":[{\"ask_price\":95001000,\"bid_price\":95000000,"
            + "\"ask_size\":0.5,\"bid_size\":1.25}]}";

    static final String TICKER_ENVELOPE = "{\"database\":\"upbit\",\"table\":\"ticker\","
            + "\"pkNames\":[\"market\",\"dt\"],\"isDdl\":false,\"type\":\"INSERT\","
            + "\"es\":1714521600123,\"ts\":1714521600123,"
            + "\"mysqlType\":{\"market\":\"text\",\"dt\":\"text\",\"symbol\":\"text\",\"type\":\"text\","
            + "\"price\":\"double\",\"trade_timestamp\":\"datetime(3)\",\"timestamp\":\"datetime(3)\"},"
            + "\"data\":[{\"market\":\"KRW-BTC\",\"dt\":\"2024-05-01\",\"symbol\":\"BTC\",\"type\":\"ticker\","
            + "\"price\":\"95000000.0\",\"trade_timestamp\":\"2024-05-01 00:00:00.100\","
            + "\"timestamp\":\"2024-05-01 00:00:00.123\"}],\"old\":null}";
    static final String TRADE_ENVELOPE = "{\"database\":\"upbit\",\"table\":\"trade\","
            + "\"pkNames\":[\"market\",\"sequential_id\",\"dt\"],\"isDdl\":false,\"type\":\"INSERT\","
            + "\"es\":1714521600150,\"ts\":1714521600150,"
            + "\"mysqlType\":{\"market\":\"text\",\"dt\":\"text\",\"sequential_id\":\"bigint\",\"type\":\"text\","
            + "\"trade_price\":\"double\",\"trade_timestamp\":\"datetime(3)\",\"timestamp\":\"datetime(3)\"},"
            + "\"data\":[{\"market\":\"KRW-ETH\",\"dt\":\"2024-05-01\",\"sequential_id\":\"1714521600100000\","
            + "\"type\":\"trade\",\"trade_price\":\"4250000.5\",\"trade_timestamp\":\"2024-05-01 00:00:00.100\","
            + "\"timestamp\":\"2024-05-01 00:00:00.150\"}],\"old\":null}";
    private static final String ORDERBOOK_ENVELOPE = "{\"database\":\"upbit\",\"table\":\"orderbook\","
            + "\"pkNames\":[\"market\",\"dt\"],\"isDdl\":false,\"type\":\"INSERT\","
            + "\"es\":1714521600200,\"ts\":1714521600200,"
            + "\"mysqlType\":{\"market\":\"text\",\"dt\":\"text\",\"type\":\"text\",\"timestamp\":\"datetime(3)\","
            + "\"ask_price_1\":\"double\",\"ask_size_1\":\"double\",\"bid_price_1\":\"double\",\"bid_size_1\":\"double\"},"
            + "\"data\":[{\"market\":\"KRW-BTC\",\"dt\":\"2024-05-01\",\"type\":\"orderbook\","
            + "\"timestamp\":\"2024-05-01 00:00:00.200\",\"ask_price_1\":\"95001000.0\",\"ask_size_1\":\"0.5\","
            + "\"bid_price_1\":\"95000000.0\",\"bid_size_1\":\"1.25\"}],\"old\":null}";

    private static CamelContext context;
    private final CdcBatch batch = new CdcBatch(65536, "text");

    @BeforeAll
    static void context() {
        context = new DefaultCamelContext();
    }

    @AfterAll
    static void close() throws Exception {
        context.close();
    }

    @Test
    void goodFramesBecomeEnvelopesInOrderAndBadOnesDeadLetters() {
        byte[] ticker = utf8(TICKER);
        byte[] trade = utf8(TRADE);
        byte[] notJson = utf8("{not json");
        byte[] orderbook = utf8(ORDERBOOK);

        CdcBatch.Result result = batch.map(List.of(record("upbit-ticker", 0, 10, "KRW-BTC", ticker),
                record("upbit-trade", 1, 11, "KRW-ETH", trade), record("upbit-trade", 1, 12, "KRW-XRP", notJson),
                record("upbit-orderbook", 2, 13, "KRW-BTC", orderbook)));

        assertThat(result.envelopes()).extracting(m -> new String(m.getBody(byte[].class), StandardCharsets.UTF_8))
                .containsExactly(TICKER_ENVELOPE, TRADE_ENVELOPE, ORDERBOOK_ENVELOPE);
        assertThat(result.envelopes()).extracting(m -> m.getHeader("kafka.KEY")).containsExactly(
                "ticker|KRW-BTC|2024-05-01", "trade|KRW-ETH|1714521600100000|2024-05-01",
                "orderbook|KRW-BTC|2024-05-01");
        assertThat(result.envelopes()).extracting(m -> m.getHeader(CdcBatch.SOURCE))
                .containsExactly("upbit-ticker/0/10", "upbit-trade/1/11", "upbit-orderbook/2/13");

        assertThat(result.deadLetters()).hasSize(1);
        Message deadLetter = result.deadLetters().get(0);
        assertThat(deadLetter.getBody()).isEqualTo(notJson);
        assertThat(deadLetter.getHeader("kafka.KEY")).isEqualTo("KRW-XRP");
        assertThat(deadLetter.getHeader(CdcBatch.SOURCE)).isEqualTo("upbit-trade/1/12");
        assertThat(deadLetter.getHeader(CdcBatch.ERROR_CLASS)).isEqualTo("not-json");
        assertThat(deadLetter.getHeader(CdcBatch.ERROR_MESSAGE, String.class)).startsWith("not JSON: ");
        assertThat(deadLetter.getHeader("tickerlake-frame-bytes")).isEqualTo("9");
    }

    @Test
    void aRawRecordLargerThanTheLimitBecomesADeadLetterOfItsFirstBytesAndItsSize() {
        byte[] huge = utf8("{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"pad\":\"" + "x".repeat(1_000_000) + "\"}");

        CdcBatch.Result result = batch.map(List.of(record("upbit-ticker", 0, 7, "KRW-BTC", huge)));

        Message deadLetter = result.deadLetters().get(0);
        assertThat(deadLetter.getHeader(CdcBatch.ERROR_CLASS)).isEqualTo("too-large");
        // 41 bytes before the padding, 1,000,000 of it, 2 after.
        assertThat(deadLetter.getHeader(CdcBatch.ERROR_MESSAGE))
                .isEqualTo("frame of 1000043 bytes exceeds the limit of 65536 bytes");
        assertThat(deadLetter.getHeader("tickerlake-frame-bytes")).isEqualTo("1000043");
        assertThat(deadLetter.getHeader(CdcBatch.SOURCE)).isEqualTo("upbit-ticker/0/7");
        assertThat(deadLetter.getBody(byte[].class)).hasSize(65536).isEqualTo(java.util.Arrays.copyOf(huge, 65536));
        assertThat(result.envelopes()).isEmpty();
    }

    @Test
    void anEmptyBatchGivesNothing() {
        CdcBatch.Result result = batch.map(List.of());
        assertThat(result.envelopes()).isEmpty();
        assertThat(result.deadLetters()).isEmpty();
    }

    private static Exchange record(String topic, int partition, long offset, String key, byte[] value) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader("kafka.TOPIC", topic);
        exchange.getMessage().setHeader("kafka.PARTITION", partition);
        exchange.getMessage().setHeader("kafka.OFFSET", offset);
        exchange.getMessage().setHeader("kafka.KEY", key);
        exchange.getMessage().setBody(value);
        return exchange;
    }
}
