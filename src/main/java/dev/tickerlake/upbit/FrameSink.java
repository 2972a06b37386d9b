package dev.tickerlake.upbit;

/**
 * Receives the frames a {@link FrameSource} produces: the frame's bytes (UTF-8 JSON, unvalidated) and where it came
 * from ({@code upbit-websocket}, {@code <file name>:<line>}, {@code synthetic}).
 * <p>
 * A call may block (back-pressure from Kafka); the source then waits. A call that throws loses that frame: the source
 * counts and logs it and goes on, so a sink that must not lose frames retries inside {@code accept}.
 */
@FunctionalInterface
public interface FrameSink {

    void accept(byte[] frame, String origin);
}
