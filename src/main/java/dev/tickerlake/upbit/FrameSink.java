package dev.tickerlake.upbit;

/**
 * Receives the frames a {@link FrameSource} produces: the frame's bytes (UTF-8 JSON, unvalidated) and where it came
 * from ({@code upbit-websocket}, {@code <file name>:<line>}, {@code synthetic}).
 * <p>
 * A source calls its sink from one thread at a time, in the order it received the frames. A call may block
 * (back-pressure from Kafka); the source then waits (the WebSocket stops reading, so TCP flow control slows the
 * server). A call that throws loses that frame: the source counts it, logs it (at most every 10 s) and goes on, so a
 * sink that must not lose frames retries inside {@code accept}.
 */
@FunctionalInterface
public interface FrameSink {

    void accept(byte[] frame, String origin);

    /**
     * A frame longer than the source's limit ({@code tickerlake.cdc.max-frame-bytes}): only its first bytes were
     * kept ({@code prefix}); {@code size} is its whole length. It must become a dead letter carrying both, never vanish.
     * The default hands the prefix on as a frame, which then fails validation downstream.
     */
    default void acceptOversized(byte[] prefix, long size, String origin) {
        accept(prefix, origin);
    }
}
