package dev.tickerlake.upbit;

import java.util.Optional;

/** The kinds of Upbit data frames tickerlake ingests, with their wire name and raw Kafka topic. */
public enum FrameType {
    TICKER("ticker"),
    TRADE("trade"),
    ORDERBOOK("orderbook");

    private final String wireName;

    FrameType(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the frame's {@code type} field, e.g. {@code ticker}. */
    public String wireName() {
        return wireName;
    }

    /** The raw topic frames of this type are published to, e.g. {@code upbit-ticker}. */
    public String rawTopic() {
        return "upbit-" + wireName;
    }

    /** The type whose wire name is {@code name}, if tickerlake knows it. */
    public static Optional<FrameType> ofWireName(String name) {
        for (FrameType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
