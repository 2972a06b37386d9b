package dev.tickerlake.upbit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One validated Upbit data frame: its type, market code and message time, and its fields under Upbit's DEFAULT
 * names (SIMPLE keys already normalised, orderbook units included). {@code fields} must not be modified.
 */
public record UpbitFrame(FrameType type, String market, long timestamp, ObjectNode fields) {

    /** The raw Kafka topic of this frame, e.g. {@code upbit-ticker}. */
    public String rawTopic() {
        return type.rawTopic();
    }
}
