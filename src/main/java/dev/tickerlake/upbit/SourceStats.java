package dev.tickerlake.upbit;

import java.time.Instant;

/**
 * A snapshot of a {@link FrameSource}'s health and throughput.
 *
 * @param source          what the source is ({@code upbit-websocket}, {@code replay:<file>}, {@code synthetic})
 * @param state           its life-cycle state
 * @param framesEmitted   frames the sink accepted since the start
 * @param framesPerSecond frames per second over the last ten seconds
 * @param sinkFailures    frames lost because the sink threw (and, from {@link Feed#stats}, frames not delivered to Kafka)
 * @param lastError       the last error seen (connection, error frame, file, sink), or null
 * @param lastErrorAt     when it was seen, or null
 */
public record SourceStats(String source, SourceState state, long framesEmitted, double framesPerSecond,
                          long sinkFailures, String lastError, Instant lastErrorAt) {
}
