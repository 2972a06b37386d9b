package dev.tickerlake.cdc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tickerlake.upbit.FrameParser;
import dev.tickerlake.upbit.FrameRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.DefaultMessage;

/**
 * The bean the CDC route calls once per batch of raw records (camel-kafka's batching consumer hands it a poll's
 * worth of records as a list of exchanges): each frame becomes either an envelope message for {@code upbit-cdc}
 * (keyed {@code table|pk}) or a dead-letter message for {@code upbit-dlq} (the frame as received, its key, and the
 * cause in the {@code tickerlake-error-*} headers). Order is kept: envelopes leave in the order their frames came.
 *
 * <p>Why batches: the route then hands Kafka a whole batch at once and waits for all acknowledgements together,
 * instead of one round trip per frame; the consumer commits the batch's offsets only after that.
 */
public final class CdcBatch {

    /** Header with where a raw record came from: {@code topic/partition/offset}. */
    public static final String SOURCE = "tickerlake-source";
    public static final String ERROR_CLASS = "tickerlake-error-class";
    public static final String ERROR_MESSAGE = "tickerlake-error-message";
    private static final String KAFKA_KEY = "kafka.KEY";

    private final CdcMapper mapper;
    /** Only for its limit on a dead letter's size. */
    private final FrameParser frames;

    /** @see CdcMapper#CdcMapper(int, String) */
    public CdcBatch(int maxFrameBytes, String stringType) {
        this.mapper = new CdcMapper(maxFrameBytes, stringType);
        this.frames = new FrameParser(maxFrameBytes);
    }

    /** What a batch became: envelopes for {@code upbit-cdc} and dead letters for {@code upbit-dlq}. */
    public record Result(List<Message> envelopes, List<Message> deadLetters) {
    }

    public Result map(List<Exchange> records) {
        List<Message> envelopes = new ArrayList<>(records.size());
        List<Message> deadLetters = new ArrayList<>();
        for (Exchange record : records) {
            Message raw = record.getMessage();
            String source = raw.getHeader("kafka.TOPIC") + "/" + raw.getHeader("kafka.PARTITION") + "/"
                    + raw.getHeader("kafka.OFFSET");
            byte[] frame = raw.getBody(byte[].class);
            try {
                Envelope envelope = mapper.map(frame);
                Message message = new DefaultMessage(record.getContext());
                message.setHeader(KAFKA_KEY, envelope.key());
                message.setHeader(SOURCE, source);
                message.setBody(envelope.value());
                envelopes.add(message);
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
            }
        }
        return new Result(envelopes, deadLetters);
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
