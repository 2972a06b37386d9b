package dev.tickerlake.cdc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tickerlake.upbit.FrameParser;
import dev.tickerlake.upbit.FrameRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bean the CDC route calls once per batch of raw records (camel-kafka's batching consumer hands it a poll's
 * worth of records as a list of exchanges): each frame becomes either a row of an envelope message for
 * {@code upbit-cdc} or a dead-letter message for {@code upbit-dlq} (the frame as received, its key, and the cause in
 * the {@code tickerlake-error-*} headers), one per rejected frame.
 *
 * <p>Several rows per envelope: canal-json's {@code data} is an array, and fewer, larger Kafka records cost the
 * producer and Paimon's action less per row. An envelope holds rows of one table with the same columns (one
 * {@code mysqlType}: an orderbook of another depth starts a new one), in batch order, at most {@code maxRows} rows
 * and {@code maxBytes} bytes (a single larger row goes alone). {@code maxRows} 1 gives one envelope per frame, keyed
 * {@code table|pk}, byte for byte as before.
 *
 * <p>Per-key order: one primary key's changes must reach the same partition of {@code upbit-cdc}, in order, across
 * batches and restarts, as the one-row envelopes keyed {@code table|pk} did. An envelope of several rows cannot be
 * keyed by all of them, and keying it by its first row would scatter the others' keys over partitions. So each row's
 * partition is computed from its own key exactly as Kafka's default partitioner does ({@code murmur2} of the UTF-8
 * key modulo the topic's partition count, asked from Kafka once: the topic may exist with another count than
 * {@code tickerlake.kafka.partitions}, and an explicit partition beyond it would fail every send), rows
 * are grouped per partition and table, and each envelope is sent to that partition explicitly (header {@code kafka.PARTITION_KEY};
 * its key is its first row's, which lands there too). One key's rows are of one table: within a partition and table,
 * envelopes close and leave in the order of their rows (a row of other columns closes the open one first).
 *
 * <p>Why batches: the route then hands Kafka a whole batch at once and waits for all acknowledgements together,
 * instead of one round trip per frame; the consumer commits the batch's offsets only after that.
 */
public final class CdcBatch {

    /** Header with where a raw record came from: {@code topic/partition/offset} (an envelope's: its first row's). */
    public static final String SOURCE = "tickerlake-source";
    public static final String ERROR_CLASS = "tickerlake-error-class";
    public static final String ERROR_MESSAGE = "tickerlake-error-message";
    private static final String KAFKA_KEY = "kafka.KEY";
    private static final int TABLES = CdcTable.values().length;
    private static final Logger LOG = LoggerFactory.getLogger(CdcBatch.class);
    /** Where the route sends envelopes (routes/ticker-cdc.camel.yaml). */
    private static final String CDC_TOPIC = "upbit-cdc";

    private final CdcMapper mapper;
    private final CanalJsonEncoder encoder;
    /** Only for its limit on a dead letter's size. */
    private final FrameParser frames;
    private final int maxRows;
    private final int maxBytes;
    /** Where to ask for {@code upbit-cdc}'s partition count; null when it was given. */
    private final String bootstrapServers;
    /** Partitions of {@code upbit-cdc}; 0 until known. */
    private volatile int partitions;

    /** One row per envelope. @see CdcMapper#CdcMapper(int, String) */
    public CdcBatch(int maxFrameBytes, String stringType) {
        this(maxFrameBytes, stringType, 1, Integer.MAX_VALUE, null, 1);
    }

    /**
     * @param maxRows          most rows in one envelope (1: one envelope per frame, as before)
     * @param maxBytes         most bytes of one envelope of several rows
     * @param bootstrapServers the Kafka cluster of {@code upbit-cdc}: its partition count (what the rows' keys are
     *                         hashed over) is asked there before the first envelope of several rows, since the topic
     *                         may exist with another count than {@code tickerlake.kafka.partitions}
     * @see CdcMapper#CdcMapper(int, String)
     */
    public CdcBatch(int maxFrameBytes, String stringType, int maxRows, int maxBytes, String bootstrapServers) {
        this(maxFrameBytes, stringType, maxRows, maxBytes, bootstrapServers, 0);
    }

    /** As {@link #CdcBatch(int, String, int, int, String)} on a topic of {@code partitions} partitions (tests). */
    public static CdcBatch withPartitions(int maxFrameBytes, String stringType, int maxRows, int maxBytes,
                                          int partitions) {
        return new CdcBatch(maxFrameBytes, stringType, maxRows, maxBytes, null, partitions);
    }

    private CdcBatch(int maxFrameBytes, String stringType, int maxRows, int maxBytes, String bootstrapServers,
                     int partitions) {
        if (maxRows < 1 || maxBytes < 1 || (bootstrapServers == null && partitions < 1)) {
            throw new IllegalArgumentException("max rows, max bytes and partitions must be at least 1, were "
                    + maxRows + ", " + maxBytes + ", " + partitions);
        }
        this.mapper = new CdcMapper(maxFrameBytes, stringType);
        this.encoder = mapper.encoder();
        this.frames = new FrameParser(maxFrameBytes);
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
    }

    /**
     * The partition count of {@code upbit-cdc}, asked once (Kafka's default partitioner hashes a key over the count it
     * sees too). Throws while Kafka cannot answer: the route retries the batch.
     */
    private int partitions() {
        int known = partitions;
        if (known > 0) {
            return known;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.CLIENT_ID_CONFIG, "tickerlake-cdc-partitions"))) {
            known = admin.describeTopics(List.of(CDC_TOPIC)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(CDC_TOPIC).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted asking Kafka for the partitions of " + CDC_TOPIC, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot ask Kafka for the partitions of " + CDC_TOPIC + ": " + e, e);
        }
        LOG.info("{} has {} partitions: envelopes of up to {} rows ({} bytes) go to the partition of their rows' keys",
                CDC_TOPIC, known, maxRows, maxBytes);
        partitions = known;
        return known;
    }

    /**
     * What a batch became: envelopes for {@code upbit-cdc}, the rows they hold, and dead letters for
     * {@code upbit-dlq}.
     */
    public record Result(List<Message> envelopes, List<Message> deadLetters, int rows) {
    }

    /** The envelope being filled for one partition. */
    private static final class Open {
        final int partition;
        final String key;
        final String source;
        final List<Row> rows = new ArrayList<>();
        final List<byte[]> data = new ArrayList<>();
        int bytes;

        Open(int partition, String key, String source, int overhead) {
            this.partition = partition;
            this.key = key;
            this.source = source;
            this.bytes = overhead - 1;
        }
    }

    public Result map(List<Exchange> records) {
        int partitions = maxRows == 1 ? 1 : partitions();
        List<Message> envelopes = new ArrayList<>(maxRows == 1 ? records.size() : partitions * 4);
        List<Message> deadLetters = new ArrayList<>();
        // One envelope being filled per partition and table: rows of different tables never share a key, so their
        // envelopes are independent; within one (partition, table) envelopes close and leave in the order of their rows.
        Open[] open = new Open[partitions * TABLES];
        int rows = 0;
        for (Exchange record : records) {
            Message raw = record.getMessage();
            String source = raw.getHeader("kafka.TOPIC") + "/" + raw.getHeader("kafka.PARTITION") + "/"
                    + raw.getHeader("kafka.OFFSET");
            byte[] frame = raw.getBody(byte[].class);
            Row row;
            try {
                row = mapper.row(frame);
            } catch (FrameRejectedException rejected) {
                Message message = new DefaultMessage(record.getContext());
                Object key = raw.getHeader(KAFKA_KEY);
                if (key != null) {
                    message.setHeader(KAFKA_KEY, key);
                }
                message.setHeader(SOURCE, source);
                message.setHeader(ERROR_CLASS, rejected.errorClass());
                message.setHeader(ERROR_MESSAGE, rejected.getMessage());
                message.setHeader(FrameParser.FRAME_BYTES, frames.frameBytes(frame, null));
                message.setBody(frames.deadLetterBody(frame));
                deadLetters.add(message);
                continue;
            }
            rows++;
            String key = row.key();
            if (maxRows == 1) {
                // As before: keyed by table|pk, placed by Kafka's partitioner.
                Message message = new DefaultMessage(record.getContext());
                message.setHeader(KAFKA_KEY, key);
                message.setHeader(SOURCE, source);
                message.setBody(encoder.encode(row));
                envelopes.add(message);
                continue;
            }
            int partition = partitionOf(key, partitions);
            byte[] data = encoder.data(row);
            int slot = partition * TABLES + row.table().ordinal();
            Open envelope = open[slot];
            if (envelope != null && (envelope.rows.size() >= maxRows
                    || envelope.bytes + data.length + 1 > maxBytes
                    || !CanalJsonEncoder.sameColumns(envelope.rows.get(0), row))) {
                envelopes.add(message(record, envelope));
                envelope = null;
            }
            if (envelope == null) {
                envelope = new Open(partition, key, source, encoder.overheadBytes(row));
                open[slot] = envelope;
            }
            envelope.rows.add(row);
            envelope.data.add(data);
            envelope.bytes += data.length + 1;
        }
        for (Open envelope : open) {
            if (envelope != null) {
                envelopes.add(message(records.get(0), envelope));
            }
        }
        return new Result(envelopes, deadLetters, rows);
    }

    private Message message(Exchange record, Open envelope) {
        Message message = new DefaultMessage(record.getContext());
        message.setHeader(KAFKA_KEY, envelope.key);
        message.setHeader(KafkaConstants.PARTITION_KEY, envelope.partition);
        message.setHeader(SOURCE, envelope.source);
        message.setBody(encoder.message(envelope.rows, envelope.data));
        return message;
    }

    /**
     * The partition Kafka's default partitioner gives a record keyed {@code key} (a String key, serialized as UTF-8)
     * on a topic of {@code partitions} partitions.
     */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
    /**
     * Commits the batch's offsets, synchronously, once its envelopes and dead letters are acknowledged: the last
     * record of each partition commits up to itself. (camel-kafka's batching consumer commits nothing on its own when
     * Kafka's background auto-commit is off, and that auto-commit could commit records not yet mapped.)
     */
    public void commit(List<Exchange> records) {
        Map<String, KafkaManualCommit> lastOfPartition = new LinkedHashMap<>();
        for (Exchange record : records) {
            Message raw = record.getMessage();
            KafkaManualCommit commit = raw.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit != null) {
                lastOfPartition.put(raw.getHeader("kafka.TOPIC") + "/" + raw.getHeader("kafka.PARTITION"), commit);
            }
        }
        lastOfPartition.values().forEach(KafkaManualCommit::commit);
    }
}
