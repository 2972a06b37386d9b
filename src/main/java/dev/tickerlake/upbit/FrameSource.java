package dev.tickerlake.upbit;

/** A producer of Upbit frames (the exchange's WebSocket, a replay file, a generator) that feeds a {@link FrameSink}. */
public interface FrameSource extends AutoCloseable {

    /** Starts producing on the source's own thread(s) and returns at once. A source starts once. */
    void start(FrameSink sink);

    /** What the source is doing now: state, frames emitted, recent rate, last error. */
    SourceStats stats();

    /** Stops producing and releases threads and connections; safe to call twice. Never throws. */
    @Override
    void close();
}
