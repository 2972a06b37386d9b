package dev.tickerlake.upbit;

/** What the feed needs to publish a raw frame: its type (hence topic) and market code (the Kafka key). */
public record FrameId(FrameType type, String market) {

    /** The raw Kafka topic, e.g. {@code upbit-trade}. */
    public String topic() {
        return type.rawTopic();
    }
}
