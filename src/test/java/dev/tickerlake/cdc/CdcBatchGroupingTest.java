package dev.tickerlake.cdc;

import static dev.tickerlake.upbit.Frames.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.upbit.Frames;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several rows per envelope: rows of one table and column list, grouped by the partition of their own key, in order,
 * bounded by rows and bytes; Paimon's canal parser reads the same records from them as from one-row envelopes; max
 * rows 1 is the one-row envelope of before; dead letters stay one per frame.
 */
class CdcBatchGroupingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;
    private static CamelContext context;

    @BeforeAll
    static void context() {
        context = new DefaultCamelContext();
    }

    @AfterAll
    static void close() throws Exception {
        context.close();
    }

    @Test
    void maxRowsOneGivesTheOneRowEnvelopesOfBeforeByteForByteWithTheirKeysAndNoPartition() {
        List<String> frames = Frames.all();
        CdcMapper mapper = new CdcMapper(65536, "text");
        CdcBatch.Result result = CdcBatch.withPartitions(65536, "text", 1, 1000, PARTITIONS).map(records(frames));

        assertThat(result.envelopes()).hasSize(frames.size());
        assertThat(result.rows()).isEqualTo(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            Envelope expected = mapper.map(utf8(frames.get(i)));
            Message envelope = result.envelopes().get(i);
            assertThat(envelope.getBody(byte[].class)).isEqualTo(expected.value());
            assertThat(envelope.getHeader("kafka.KEY")).isEqualTo(expected.key());
            assertThat(envelope.getHeader(KafkaConstants.PARTITION_KEY)).isNull();
            assertThat(envelope.getHeader(CdcBatch.SOURCE)).isEqualTo("upbit-raw/0/" + i);
        }
        assertThat(new CdcBatch(65536, "text").map(records(frames)).envelopes())
                .extracting(m -> new String(m.getBody(byte[].class), StandardCharsets.UTF_8))
                .isEqualTo(result.envelopes().stream()
                        .map(m -> new String(m.getBody(byte[].class), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void theOneRowEncodingIsTheMultiRowEncodingOfOneRow() {
        CdcMapper mapper = new CdcMapper(65536, "text");
        Row row = mapper.row(utf8(CdcBatchTest.TICKER));
        assertThat(new String(mapper.encoder().encode(List.of(row)), StandardCharsets.UTF_8))
                .isEqualTo(CdcBatchTest.TICKER_ENVELOPE);
        assertThat(mapper.encoder().encode(row)).hasSize(mapper.encoder().overheadBytes(row)
                + mapper.encoder().data(row).length);
    }

    @Test
    void rowsGoToThePartitionOfTheirOwnKeyInOrderAndPaimonReadsTheSameRecords() throws IOException {
        List<String> frames = mixedFrames(600);
        CdcBatch.Result grouped = CdcBatch.withPartitions(65536, "text", 7, 262144, PARTITIONS).map(records(frames));
        CdcBatch.Result single = CdcBatch.withPartitions(65536, "text", 1, 262144, PARTITIONS).map(records(frames));

        assertThat(grouped.deadLetters()).isEmpty();
        assertThat(grouped.rows()).isEqualTo(frames.size());
        // Orderbooks alternate depth 1 and 2 (each change of columns closes an envelope): tickers and trades fill up.
        assertThat(grouped.envelopes().size()).isLessThan(frames.size() * 2 / 3);

        // Per partition and key, the rows in envelope order are that key's rows in frame order.
        Map<String, List<String>> expected = new HashMap<>();
        for (Message message : single.envelopes()) {
            String key = message.getHeader("kafka.KEY", String.class);
            JsonNode row = JSON.readTree(message.getBody(byte[].class)).get("data").get(0);
            expected.computeIfAbsent(partitionByKafka(key) + "/" + key, p -> new ArrayList<>()).add(row.toString());
        }
        Map<String, List<String>> actual = new HashMap<>();
        for (Message envelope : grouped.envelopes()) {
            int partition = envelope.getHeader(KafkaConstants.PARTITION_KEY, Integer.class);
            // Its key is its first row's, which Kafka's partitioner puts on the same partition.
            assertThat(partitionByKafka(envelope.getHeader("kafka.KEY", String.class))).isEqualTo(partition);
            JsonNode root = JSON.readTree(envelope.getBody(byte[].class));
            assertThat(root.get("data").size()).isBetween(1, 7);
            for (JsonNode row : root.get("data")) {
                String key = key(root, row);
                assertThat(partitionByKafka(key)).as(key).isEqualTo(partition);
                actual.computeIfAbsent(partition + "/" + key, p -> new ArrayList<>()).add(row.toString());
            }
        }
        assertThat(actual).isEqualTo(expected);

        // Paimon's canal parser reads from the envelopes of several rows the same records (database, table, schema,
        // row), partition and table by partition and table, in the same order.
        PaimonCanalReader paimon = new PaimonCanalReader();
        Map<String, List<Object>> fromSingle = new HashMap<>();
        for (Message message : single.envelopes()) {
            int partition = partitionByKafka(message.getHeader("kafka.KEY", String.class));
            paimon.readAll(message.getBody(byte[].class)).forEach(parsed -> fromSingle
                    .computeIfAbsent(partition + "/" + parsed.record().tableName(), p -> new ArrayList<>())
                    .add(parsed.record()));
        }
        Map<String, List<Object>> fromGrouped = new HashMap<>();
        for (Message envelope : grouped.envelopes()) {
            int partition = envelope.getHeader(KafkaConstants.PARTITION_KEY, Integer.class);
            paimon.readAll(envelope.getBody(byte[].class)).forEach(parsed -> fromGrouped
                    .computeIfAbsent(partition + "/" + parsed.record().tableName(), p -> new ArrayList<>())
                    .add(parsed.record()));
        }
        assertThat(fromGrouped).isEqualTo(fromSingle);
    }

    @Test
    void anEnvelopeHoldsOneTableAndOneColumnListAndItsNewestTimestamp() throws IOException {
        List<String> frames = mixedFrames(300);
        CdcBatch.Result result = CdcBatch.withPartitions(65536, "text", 100, 262144, PARTITIONS).map(records(frames));
        boolean depthsSplit = false;
        for (Message envelope : result.envelopes()) {
            JsonNode root = JSON.readTree(envelope.getBody(byte[].class));
            List<String> typed = new ArrayList<>();
            root.get("mysqlType").fieldNames().forEachRemaining(typed::add);
            long newest = 0;
            for (JsonNode row : root.get("data")) {
                List<String> columns = new ArrayList<>();
                row.fieldNames().forEachRemaining(columns::add);
                assertThat(columns).isEqualTo(typed);
                newest = Math.max(newest, millis(row.get("timestamp").asText()));
            }
            assertThat(root.get("es").asLong()).isEqualTo(newest);
            assertThat(root.get("ts").asLong()).isEqualTo(newest);
            depthsSplit |= root.get("table").asText().equals("orderbook") && typed.contains("ask_price_2");
        }
        assertThat(depthsSplit).as("orderbooks of depth 2 in envelopes of their own").isTrue();
        // Tickers and trades: at most 2 envelopes per partition (75 rows each over 4 partitions); orderbooks alternate
        // depth 1 and 2, which closes an envelope at every orderbook of the partition.
        assertThat(result.envelopes().stream().filter(m -> !m.getHeader("kafka.KEY", String.class)
                .startsWith("orderbook")).count()).isLessThanOrEqualTo(2 * 2 * PARTITIONS);
    }

    @Test
    void anEnvelopeStaysWithinItsBytesAndALargerRowGoesAlone() throws IOException {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            frames.add(ticker("KRW-BTC", 1714521600000L + i));
        }
        CdcMapper mapper = new CdcMapper(65536, "text");
        Row row = mapper.row(utf8(frames.get(0)));
        int one = mapper.encoder().encode(row).length;
        int perRow = mapper.encoder().data(row).length + 1;
        int limit = one + 3 * perRow;

        CdcBatch.Result result = CdcBatch.withPartitions(65536, "text", 100, limit, PARTITIONS).map(records(frames));

        // 4 rows fit, a fifth would not: 12 full envelopes and one of the last 2 rows.
        List<Integer> sizes = new ArrayList<>();
        for (Message envelope : result.envelopes()) {
            assertThat(envelope.getBody(byte[].class).length).isLessThanOrEqualTo(limit);
            sizes.add(JSON.readTree(envelope.getBody(byte[].class)).get("data").size());
        }
        assertThat(sizes).hasSize(13).containsOnly(4, 2).endsWith(2);

        CdcBatch.Result tiny = CdcBatch.withPartitions(65536, "text", 100, 10, PARTITIONS).map(records(frames));
        assertThat(tiny.envelopes()).hasSize(50);
        assertThat(tiny.envelopes().get(0).getBody(byte[].class)).isEqualTo(mapper.encoder().encode(row));
    }

    @Test
    void aRejectedFrameInBetweenIsOneDeadLetterAndTheRowsAroundItShareTheirEnvelope() throws IOException {
        List<String> frames = List.of(ticker("KRW-BTC", 1714521600001L), "{not json",
                ticker("KRW-BTC", 1714521600002L), "{\"type\":\"ticker\"}", ticker("KRW-BTC", 1714521600003L));

        CdcBatch.Result result = CdcBatch.withPartitions(65536, "text", 100, 262144, PARTITIONS).map(records(frames));

        assertThat(result.rows()).isEqualTo(3);
        assertThat(result.envelopes()).hasSize(1);
        JsonNode data = JSON.readTree(result.envelopes().get(0).getBody(byte[].class)).get("data");
        assertThat(data).extracting(row -> row.get("timestamp").asText()).containsExactly(
                "2024-05-01 00:00:00.001", "2024-05-01 00:00:00.002", "2024-05-01 00:00:00.003");
        assertThat(result.envelopes().get(0).getHeader(CdcBatch.SOURCE)).isEqualTo("upbit-raw/0/0");
        assertThat(result.deadLetters()).hasSize(2);
        assertThat(result.deadLetters()).extracting(m -> m.getHeader(CdcBatch.SOURCE))
                .containsExactly("upbit-raw/0/1", "upbit-raw/0/3");
        assertThat(result.deadLetters()).extracting(m -> m.getHeader(CdcBatch.ERROR_CLASS)).doesNotContainNull();
        assertThat(result.deadLetters().get(0).getBody(byte[].class)).isEqualTo(utf8("{not json"));
        assertThat(result.deadLetters().get(0).getHeader("kafka.KEY")).isEqualTo("KEY-1");
    }

    @Test
    void thePartitionOfAKeyIsKafkasDefaultPartitioners() {
        for (String key : List.of("ticker|KRW-BTC|2024-05-01", "trade|KRW-ETH|1|2024-05-01", "orderbook|KRW-XRP|x",
                "ticker|한글|2024-05-01")) {
            for (int partitions : new int[] {1, 3, 4, 12}) {
                assertThat(CdcBatch.partitionOf(key, partitions)).isEqualTo(
                        BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    private static int partitionByKafka(String key) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    /** The Kafka key the row would have had alone. */
    private static String key(JsonNode root, JsonNode row) {
        StringBuilder key = new StringBuilder(root.get("table").asText());
        for (JsonNode column : root.get("pkNames")) {
            key.append('|').append(row.get(column.asText()).asText());
        }
        return key.toString();
    }

    private static long millis(String timestamp) {
        return java.time.LocalDateTime.parse(timestamp.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC)
                .toEpochMilli();
    }

    private static String ticker(String market, long timestamp) {
        return "{\"type\":\"ticker\",\"code\":\"" + market + "\",\"trade_price\":95000000,"
                + "\"trade_timestamp\":" + timestamp + ",\"timestamp\":" + timestamp + "}";
    }

    /** Tickers, trades and orderbooks of depth 1 and 2 over 11 markets; repeated keys, increasing timestamps. */
    static List<String> mixedFrames(int count) {
        List<String> frames = new ArrayList<>();
        long t = 1714521600000L;
        for (int i = 0; i < count; i++) {
            String market = "KRW-M" + (i % 11);
            frames.add(switch (i % 4) {
                case 0 -> ticker(market, t + i);
                case 1 -> "{\"type\":\"trade\",\"code\":\"" + market + "\",\"trade_price\":" + (100 + i) + ".5,"
                        + "\"trade_timestamp\":" + (t + i) + ",\"timestamp\":" + (t + i) + ",\"sequential_id\":"
                        + (i % 37) + "}";
                case 2 -> "{\"type\":\"orderbook\",\"code\":\"" + market + "\",\"timestamp\":" + (t + i)
                        + ",\"orderbook_units\":[{\"ask_price\":" + (200 + i) + ",\"bid_price\":199,"
                        + "\"ask_size\":0.5,\"bid_size\":1.25}]}";
                default -> "{\"type\":\"orderbook\",\"code\":\"" + market + "\",\"timestamp\":" + (t + i)
                        + ",\"orderbook_units\":[{\"ask_price\":" + (200 + i) + ",\"bid_price\":199,"
                        + "\"ask_size\":0.5,\"bid_size\":1.25},{\"ask_price\":201,\"bid_price\":198,"
                        + "\"ask_size\":2,\"bid_size\":3}]}";
            });
        }
        return frames;
    }

    private static List<Exchange> records(List<String> frames) {
        List<Exchange> records = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setHeader("kafka.TOPIC", "upbit-raw");
            exchange.getMessage().setHeader("kafka.PARTITION", 0);
            exchange.getMessage().setHeader("kafka.OFFSET", (long) i);
            exchange.getMessage().setHeader("kafka.KEY", "KEY-" + i);
            exchange.getMessage().setBody(utf8(frames.get(i)));
            records.add(exchange);
        }
        return records;
    }
}
