package dev.tickerlake.cdc;

import static dev.tickerlake.upbit.Frames.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tickerlake.embedded.EmbeddedKafka;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envelopes of several rows go to the partition Kafka's partitioner gives their rows' keys on {@code upbit-cdc} as it
 * exists, here with 3 partitions (not tickerlake.kafka.partitions' 4): the count is asked from the broker.
 */
class CdcBatchPartitionsIT {

    @TempDir
    Path dir;

    @Test
    void theRowsKeysAreHashedOverThePartitionsTheTopicHas() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka("127.0.0.1", EmbeddedKafka.freePort(), dir.resolve("kafka"));
             DefaultCamelContext context = new DefaultCamelContext()) {
            kafka.start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("upbit-cdc", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            List<Exchange> records = new ArrayList<>();
            List<String> frames = CdcBatchGroupingTest.mixedFrames(200);
            for (int i = 0; i < frames.size(); i++) {
                Exchange exchange = new DefaultExchange(context);
                exchange.getMessage().setHeader("kafka.TOPIC", "upbit-raw");
                exchange.getMessage().setHeader("kafka.PARTITION", 0);
                exchange.getMessage().setHeader("kafka.OFFSET", (long) i);
                exchange.getMessage().setBody(utf8(frames.get(i)));
                records.add(exchange);
            }

            CdcBatch.Result result = new CdcBatch(65536, "text", 50, 262144, kafka.bootstrapServers()).map(records);

            assertThat(result.rows()).isEqualTo(200);
            List<Integer> used = new ArrayList<>();
            for (Message envelope : result.envelopes()) {
                int partition = envelope.getHeader(KafkaConstants.PARTITION_KEY, Integer.class);
                String key = envelope.getHeader("kafka.KEY", String.class);
                assertThat(partition).isEqualTo(
                        BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 3));
                used.add(partition);
            }
            assertThat(used).containsOnly(0, 1, 2).contains(0, 1, 2);
        }
    }
}
