package dev.tickerlake.upbit;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.tickerlake.health.OverallHealthCheck;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured {@link FrameSource} and hands each frame to a route ({@code direct:upbit-frame}) with its origin
 * in the {@code tickerlake-source} header. Sends are asynchronous and bounded, so Kafka batches them while the source
 * keeps its order; a slow Kafka slows the source down instead of filling memory. Also the feed's health: DOWN when the
 * exchange is unreachable (overall health only: readiness must stay UP so the admin API keeps serving).
 */
public final class Feed extends OverallHealthCheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Feed.class);

    private final CamelContext context;
    private final String target;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private volatile FrameSource source;
    private AsyncProducer producer;

    public Feed(CamelContext context, String target, int maxInFlight) {
        super("feed");
        this.context = context;
        this.target = target;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /**
     * Builds the source that {@code tickerlake.source} names and starts it; returns at once. {@code none} starts no
     * source: the raw topics are fed by something else and tickerlake only consumes them.
     */
    public synchronized void start() throws Exception {
        if (source != null) {
            return;
        }
        if ("none".equalsIgnoreCase(context.getPropertiesComponent().resolveProperty("tickerlake.source").orElse(""))) {
            LOG.info("Feed: no source (tickerlake.source=none); consuming what arrives on the raw topics");
            return;
        }
        producer = context.getEndpoint(target).createAsyncProducer();
        producer.start();
        source = FrameSources.fromSettings(key -> context.getPropertiesComponent().resolveProperty(key).orElse(null));
        LOG.info("Feed starting: {}", source.stats().source());
        source.start(this::send);
    }

    private void send(byte[] frame, String origin) {
        inFlight.acquireUninterruptibly();
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(frame);
        exchange.getMessage().setHeader("tickerlake-source", origin);
        producer.process(exchange, doneSync -> inFlight.release());
    }

    public SourceStats stats() {
        FrameSource running = source;
        return running == null ? null : running.stats();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        SourceStats stats = stats();
        if (stats == null) {
            builder.detail("state", "NEW").unknown();
            return;
        }
        builder.detail("source", stats.source())
                .detail("state", stats.state().name())
                .detail("frames", stats.framesEmitted())
                .detail("framesPerSecond", Math.round(stats.framesPerSecond()));
        if (stats.lastError() != null) {
            builder.detail("lastError", stats.lastError());
        }
        if (stats.state() == SourceState.DOWN) {
            builder.message("feed is down: " + stats.lastError()).down();
        } else {
            builder.up();
        }
    }

    /** Stops the source, then waits (briefly) for frames still on their way to Kafka. */
    @Override
    public synchronized void close() throws Exception {
        if (source == null) {
            return;
        }
        source.close();
        if (!inFlight.tryAcquire(maxInFlight, 5, TimeUnit.SECONDS)) {
            LOG.warn("Feed stopped with frames still on their way to Kafka");
        }
        producer.stop();
        source = null;
    }
}
