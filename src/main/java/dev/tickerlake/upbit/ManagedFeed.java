package dev.tickerlake.upbit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;

/**
 * The feed's source for JMX ({@code dev.tickerlake:type=Source,name=<tickerlake.source>}) and {@code /observe/metrics}:
 * frames in, frames per second, connected.
 */
@ManagedResource(description = "Where frames come from: the Upbit WebSocket, a replay file or the synthetic feed")
public final class ManagedFeed implements MeterBinder {

    private final Feed feed;
    private final String kind;

    /** {@code kind}: the configured {@code tickerlake.source} (upbit, replay, synthetic, none). */
    public ManagedFeed(Feed feed, String kind) {
        this.feed = feed;
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    @ManagedAttribute(description = "The running source (upbit-websocket, replay:<file>, synthetic), empty before start")
    public String getSource() {
        SourceStats stats = feed.stats();
        return stats == null ? "" : stats.source();
    }

    @ManagedAttribute(description = "NEW, STARTING, UP, DOWN, COMPLETED or STOPPED")
    public String getState() {
        SourceStats stats = feed.stats();
        return stats == null ? SourceState.NEW.name() : stats.state().name();
    }

    @ManagedAttribute(description = "True while the source produces frames (WebSocket connected and subscribed)")
    public boolean isConnected() {
        SourceStats stats = feed.stats();
        return stats != null && stats.state() == SourceState.UP;
    }

    @ManagedAttribute(description = "Frames handed to the raw topics since the start")
    public long getFramesIn() {
        SourceStats stats = feed.stats();
        return stats == null ? 0 : stats.framesEmitted();
    }

    @ManagedAttribute(description = "Frames per second over the last ten seconds")
    public double getFramesPerSecond() {
        SourceStats stats = feed.stats();
        return stats == null ? 0 : stats.framesPerSecond();
    }

    @ManagedAttribute(description = "Frames lost: refused by the route, or not delivered to Kafka (refused, dead-letter "
            + "send failed, still retrying at shutdown)")
    public long getSinkFailures() {
        SourceStats stats = feed.stats();
        return stats == null ? 0 : stats.sinkFailures();
    }

    @ManagedAttribute(description = "The last error seen (connection, error frame, file, Kafka)")
    public String getLastError() {
        SourceStats stats = feed.stats();
        return stats == null ? null : stats.lastError();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("tickerlake.source.frames", this, ManagedFeed::getFramesIn)
                .description("Frames the source handed to the raw topics").tag("source", kind).register(registry);
        Gauge.builder("tickerlake.source.frames.rate", this, ManagedFeed::getFramesPerSecond)
                .baseUnit("per_second").description("Frames per second over the last ten seconds")
                .tag("source", kind).register(registry);
        Gauge.builder("tickerlake.source.connected", this, self -> self.isConnected() ? 1 : 0)
                .description("1 while the source produces frames").tag("source", kind).register(registry);
        FunctionCounter.builder("tickerlake.source.sink.failures", this, ManagedFeed::getSinkFailures)
                .description("Frames lost because Kafka refused them").tag("source", kind).register(registry);
    }
}
