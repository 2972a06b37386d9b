package dev.tickerlake.upbit;

/** Life cycle of a {@link FrameSource}, as health checks and JMX report it. */
public enum SourceState {
    /** Built, not started. */
    NEW,
    /** Started; the first connection (or file open) is under way. */
    STARTING,
    /** Producing frames (WebSocket: connected and subscribed). */
    UP,
    /** Cannot produce now (exchange unreachable, connection lost, file unreadable); see the last error. */
    DOWN,
    /** Finished on its own: the end of a replay that does not loop, or a frame limit reached. */
    COMPLETED,
    /** Closed. */
    STOPPED
}
