package dev.tickerlake.cdc;

import static dev.tickerlake.upbit.Frames.line;
import static dev.tickerlake.upbit.Frames.utf8;
import static org.assertj.core.api.Assertions.assertThat;

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

    private static CamelContext context;
    private final CdcBatch batch = new CdcBatch(65536, "text");
    private final CdcMapper mapper = new CdcMapper(65536, "text");

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
        byte[] ticker = utf8(line("ticker.jsonl", 0));
        byte[] trade = utf8(line("trade.jsonl", 0));
        byte[] notJson = utf8("{not json");
        byte[] orderbook = utf8(line("orderbook.jsonl", 0));

        CdcBatch.Result result = batch.map(List.of(record("upbit-ticker", 0, 10, "KRW-BTC", ticker),
                record("upbit-trade", 1, 11, "KRW-ETH", trade), record("upbit-trade", 1, 12, "KRW-XRP", notJson),
                record("upbit-orderbook", 2, 13, "KRW-BTC", orderbook)));

        assertThat(result.envelopes()).extracting(Message::getBody)
                .containsExactly(mapper.map(ticker).value(), mapper.map(trade).value(), mapper.map(orderbook).value());
        assertThat(result.envelopes()).extracting(m -> m.getHeader("kafka.KEY"))
                .containsExactly(mapper.map(ticker).key(), mapper.map(trade).key(), mapper.map(orderbook).key());
        assertThat(result.envelopes()).extracting(m -> m.getHeader(CdcBatch.SOURCE))
                .containsExactly("upbit-ticker/0/10", "upbit-trade/1/11", "upbit-orderbook/2/13");

        assertThat(result.deadLetters()).hasSize(1);
        Message deadLetter = result.deadLetters().get(0);
        assertThat(deadLetter.getBody()).isEqualTo(notJson);
        assertThat(deadLetter.getHeader("kafka.KEY")).isEqualTo("KRW-XRP");
        assertThat(deadLetter.getHeader(CdcBatch.SOURCE)).isEqualTo("upbit-trade/1/12");
        assertThat(deadLetter.getHeader(CdcBatch.ERROR_CLASS)).isEqualTo("not-json");
        assertThat(deadLetter.getHeader(CdcBatch.ERROR_MESSAGE, String.class)).isNotBlank();
    }

    @Test
    void aRawRecordLargerThanTheLimitBecomesADeadLetterOfItsFirstBytesAndItsSize() {
        byte[] huge = utf8("{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"pad\":\"" + "x".repeat(1_000_000) + "\"}");

        CdcBatch.Result result = batch.map(List.of(record("upbit-ticker", 0, 7, "KRW-BTC", huge)));

        Message deadLetter = result.deadLetters().get(0);
        assertThat(deadLetter.getHeader(CdcBatch.ERROR_CLASS)).isEqualTo("too-large");
        assertThat(deadLetter.getHeader(CdcBatch.ERROR_MESSAGE, String.class)).contains(huge.length + " bytes");
        assertThat(deadLetter.getHeader("tickerlake-frame-bytes")).isEqualTo(String.valueOf(huge.length));
        assertThat(deadLetter.getBody(byte[].class)).isEqualTo(java.util.Arrays.copyOf(huge, 65536));
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
