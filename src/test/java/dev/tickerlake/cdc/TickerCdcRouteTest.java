package dev.tickerlake.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The {@code ticker-cdc} route ({@code routes/ticker-cdc.camel.yaml}, with the counters of
 * {@code routes/dead-letters.camel.yaml}) on Camel's test kit: a batch as camel-kafka's batching consumer hands it over
 * comes in on {@code direct:raw-records}, and the {@code kafka:} producers are mocks that send nothing.
 */
@CamelMainTest(
        // Only these two route files and the settings below, not the application's application.properties (which
        // would start the HTTP and management servers).
        propertyPlaceholderLocations = "false",
        properties = {
                "camel.main.routes-include-pattern=classpath:camel/ticker-cdc.camel.yaml,classpath:camel/dead-letters.camel.yaml",
                "tickerlake.cdc.group-id=tickerlake-cdc",
                "tickerlake.cdc.batch-size=2000",
                "tickerlake.cdc.batch-wait=100",
                "tickerlake.cdc.max-poll-interval=300000",
                "tickerlake.cdc.retry-attempts=1",
                "tickerlake.cdc.send-timeout=30000",
                "tickerlake.cdc.producer-batch-bytes=262144",
                "tickerlake.cdc.max-frame-bytes=65536",
                "tickerlake.cdc.string-type=text",
                "tickerlake.cdc.envelope-max-rows=1",
                "tickerlake.cdc.envelope-max-bytes=262144",
                "tickerlake.kafka.bootstrap-servers=127.0.0.1:9"},
        advices = @AdviceRouteMapping(route = "ticker-cdc", advice = TickerCdcRouteTest.FromDirect.class),
        // The kafka: producers become mocks that send nothing: mock:kafka:upbit-cdc, mock:kafka:upbit-dlq.
        mockEndpointsAndSkip = "kafka:*")
class TickerCdcRouteTest {

    // Small frames and their envelopes, written out by hand once in CdcBatchTest (CdcMapperTest maps full Upbit frames).
    private static final String TICKER = CdcBatchTest.TICKER;
    private static final String TRADE = CdcBatchTest.TRADE;
    private static final String NOT_JSON = "{not json";

    private static final String TICKER_ENVELOPE = CdcBatchTest.TICKER_ENVELOPE;
    private static final String TRADE_ENVELOPE = CdcBatchTest.TRADE_ENVELOPE;

    /**
     * The batch comes from {@code direct:raw-records} instead of the Kafka consumer. Not the annotation's
     * replaceRouteFromWith: that advice logs the route as XML first, the dump's getter gives the route's error handler
     * a redelivery policy next to its redeliveryPolicyRef, and Camel then refuses to build the route.
     */
    static final class FromDirect extends AdviceWithRouteBuilder {
        FromDirect() {
            setLogRouteAsXml(false);
        }

        @Override
        public void configure() throws Exception {
            replaceFromWith("direct:raw-records");
        }
    }

    /**
     * Kafka clients that never connect: the skipped {@code kafka:} producers are still started, and camel-kafka then
     * makes its client (autowired into the kafka component from the registry).
     */
    @ReplaceInRegistry
    KafkaClientFactory kafkaClientFactory() {
        return new DefaultKafkaClientFactory() {
            @Override
            public Producer getProducer(Properties kafkaProps) {
                return new MockProducer<>();
            }

            @Override
            public String getBrokers(KafkaConfiguration configuration) {
                return "no-broker:9092";
            }
        };
    }

    @BeanInject
    CamelContext context;

    @Produce("direct:raw-records")
    ProducerTemplate consumer;

    @EndpointInject("mock:kafka:upbit-cdc")
    MockEndpoint upbitCdc;

    @EndpointInject("mock:kafka:upbit-dlq")
    MockEndpoint upbitDlq;

    @BeanInject("cdcCounters")
    CdcCounters counters;

    /** What the manual commits did, in order: which record committed, and what had been sent by then. */
    private final List<String> commits = new ArrayList<>();

    @Test
    void aBatchSendsItsEnvelopesAndItsDeadLettersThenCommitsTheLastRecordOfEachPartition() throws Exception {
        upbitCdc.expectedMessageCount(1);
        upbitDlq.expectedMessageCount(1);

        Exchange done = consumer.send(batch(
                record("upbit-ticker", 0, 10, "KRW-BTC", TICKER),
                record("upbit-trade", 1, 11, "KRW-ETH", TRADE),
                record("upbit-trade", 1, 12, "KRW-XRP", NOT_JSON)));

        assertThat(done.getException()).isNull();
        MockEndpoint.assertIsSatisfied(context);

        List<Message> envelopes = sentBatch(upbitCdc);
        assertThat(envelopes).extracting(m -> new String(m.getBody(byte[].class), StandardCharsets.UTF_8))
                .containsExactly(TICKER_ENVELOPE, TRADE_ENVELOPE);
        assertThat(envelopes).extracting(m -> m.getHeader("kafka.KEY"))
                .containsExactly("ticker|KRW-BTC|2024-05-01", "trade|KRW-ETH|1714521600100000|2024-05-01");
        assertThat(envelopes).extracting(m -> m.getHeader("tickerlake-source"))
                .containsExactly("upbit-ticker/0/10", "upbit-trade/1/11");

        List<Message> deadLetters = sentBatch(upbitDlq);
        assertThat(deadLetters).hasSize(1);
        Message deadLetter = deadLetters.get(0);
        assertThat(deadLetter.getBody(byte[].class)).asString(StandardCharsets.UTF_8).isEqualTo(NOT_JSON);
        assertThat(deadLetter.getHeader("kafka.KEY")).isEqualTo("KRW-XRP");
        assertThat(deadLetter.getHeader("tickerlake-source")).isEqualTo("upbit-trade/1/12");
        assertThat(deadLetter.getHeader("tickerlake-error-class")).isEqualTo("not-json");
        assertThat(deadLetter.getHeader("tickerlake-error-message", String.class)).startsWith("not JSON: ");
        assertThat(deadLetter.getHeader("tickerlake-frame-bytes")).isEqualTo("9");

        assertThat(counters.getEnvelopesOut()).isEqualTo(2);
        assertThat(counters.getDeadLetters()).isEqualTo(1);
        assertThat(commits).containsExactly(
                "upbit-ticker/0/10 after 1 upbit-cdc and 1 upbit-dlq sends",
                "upbit-trade/1/12 after 1 upbit-cdc and 1 upbit-dlq sends");
    }

    @Test
    void aBatchOfGoodFramesSendsNoDeadLetters() throws Exception {
        upbitCdc.expectedMessageCount(1);
        upbitDlq.expectedMessageCount(0);

        consumer.send(batch(record("upbit-ticker", 3, 7, "KRW-BTC", TICKER)));

        MockEndpoint.assertIsSatisfied(context);
        assertThat(sentBatch(upbitCdc)).extracting(m -> m.getHeader("kafka.KEY"))
                .containsExactly("ticker|KRW-BTC|2024-05-01");
        assertThat(counters.getEnvelopesOut()).isEqualTo(1);
        assertThat(counters.getDeadLetters()).isZero();
        assertThat(commits).containsExactly("upbit-ticker/3/7 after 1 upbit-cdc and 0 upbit-dlq sends");
    }

    @Test
    void aBatchKafkaDoesNotAcknowledgeIsRetriedThenFailsUncommitted() throws Exception {
        // tickerlake.cdc.retry-attempts=1: the first send and one retry.
        upbitCdc.expectedMessageCount(2);
        upbitCdc.whenAnyExchangeReceived(exchange -> {
            throw new TimeoutException("Expiring 2 record(s) for upbit-cdc-0: 30000 ms has passed since batch creation");
        });

        Exchange failed = consumer.send(batch(
                record("upbit-ticker", 0, 10, "KRW-BTC", TICKER),
                record("upbit-trade", 1, 12, "KRW-XRP", NOT_JSON)));

        assertThat(failed.getException()).isInstanceOf(TimeoutException.class);
        MockEndpoint.assertIsSatisfied(context);
        assertThat(upbitDlq.getReceivedCounter()).isZero();
        assertThat(counters.getEnvelopesOut()).isZero();
        assertThat(counters.getDeadLetters()).isZero();
        assertThat(commits).isEmpty();
    }

    /** The exchange camel-kafka's consumer hands over with {@code batching=true}: its body is the records. */
    private Exchange batch(Exchange... records) {
        Exchange batch = new DefaultExchange(context);
        batch.getMessage().setBody(List.of(records));
        return batch;
    }

    /** One polled record as camel-kafka gives it, with the manual commit it carries ({@code allowManualCommit}). */
    private Exchange record(String topic, int partition, long offset, String key, String value) {
        Exchange record = new DefaultExchange(context);
        Message message = record.getMessage();
        message.setHeader("kafka.TOPIC", topic);
        message.setHeader("kafka.PARTITION", partition);
        message.setHeader("kafka.OFFSET", offset);
        message.setHeader("kafka.KEY", key);
        message.setHeader("CamelKafkaManualCommit", (KafkaManualCommit) () -> commits.add(topic + "/" + partition
                + "/" + offset + " after " + upbitCdc.getReceivedCounter() + " upbit-cdc and "
                + upbitDlq.getReceivedCounter() + " upbit-dlq sends"));
        message.setBody(value.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** The messages of the one batch a mock received ({@code batchWithIndividualHeaders}: a list of messages). */
    @SuppressWarnings("unchecked")
    private static List<Message> sentBatch(MockEndpoint mock) {
        assertThat(mock.getReceivedExchanges()).hasSize(1);
        return mock.getReceivedExchanges().get(0).getMessage().getBody(List.class);
    }
}
