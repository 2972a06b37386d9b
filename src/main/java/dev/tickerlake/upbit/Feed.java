package dev.tickerlake.upbit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.tickerlake.health.OverallHealthCheck;
import dev.tickerlake.support.Errors;
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
 * keeps its order; a slow Kafka slows the source down instead of filling memory. A frame whose exchange fails (the
 * route gave up on it: Kafka refused it, the dead-letter send failed, or the route stopped while it was retrying) is
 * lost: it is counted in {@code SinkFailures}, and logged once per burst of failures, not once per frame. On close,
 * frames still on their way are waited for a while, and one line says how many were not delivered. Also the feed's
 * health: DOWN when the exchange is unreachable (overall health only: readiness must stay UP so the admin API keeps
 * serving).
 */
public final class Feed extends OverallHealthCheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Feed.class);

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final String target;
    private final int maxInFlight;
    private final Duration drainTimeout;
    private final Semaphore inFlight;
    private final LongAdder undelivered = new LongAdder();
    /** Guards the burst state below: a burst starts at a failure after a success and ends at the next success. */
    private final Object burstLock = new Object();
    private boolean inBurst;
    private long burstStartCount;
    private volatile boolean closing;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile FrameSource source;
    private AsyncProducer producer;

    /** A feed declared as a bean: the registry hands it its CamelContext when it is bound (it is CamelContextAware). */
    public Feed(String target, int maxInFlight) {
        this(null, target, maxInFlight, DRAIN_TIMEOUT);
    }

    /** {@code drainTimeout}: how long {@link #close} waits for frames still on their way to Kafka. */
    Feed(CamelContext context, String target, int maxInFlight, Duration drainTimeout) {
        super("feed");
        setCamelContext(context);
        this.target = target;
        this.maxInFlight = maxInFlight;
        this.drainTimeout = drainTimeout;
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
        CamelContext context = getCamelContext();
        if ("none".equalsIgnoreCase(context.getPropertiesComponent().resolveProperty("tickerlake.source").orElse(""))) {
            LOG.info("Feed: no source (tickerlake.source=none); consuming what arrives on the raw topics");
            return;
        }
        closing = false;
        producer = context.getEndpoint(target).createAsyncProducer();
        producer.start();
        source = FrameSources.fromSettings(key -> context.getPropertiesComponent().resolveProperty(key).orElse(null));
        LOG.info("Feed starting: {}", source.stats().source());
        source.start(new FrameSink() {
            @Override
            public void accept(byte[] frame, String origin) {
                send(frame, origin, null);
            }

            @Override
            public void acceptOversized(byte[] prefix, long size, String origin) {
                send(prefix, origin, size);
            }
        });
    }

    /** {@code size}: the whole frame's length when {@code frame} is only its first bytes, else null. */
    private void send(byte[] frame, String origin, Long size) {
        inFlight.acquireUninterruptibly();
        Exchange exchange = new DefaultExchange(getCamelContext());
        exchange.getMessage().setBody(frame);
        exchange.getMessage().setHeader("tickerlake-source", origin);
        if (size != null) {
            exchange.getMessage().setHeader(FrameParser.FRAME_BYTES, size);
        }
        producer.process(exchange, doneSync -> {
            try {
                delivered(exchange);
            } finally {
                inFlight.release();
            }
        });
    }

    /** Counts a failed exchange as an undelivered frame; one log line when a burst of failures starts and ends. */
    private void delivered(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure == null) {
            synchronized (burstLock) {
                if (!inBurst) {
                    return;
                }
                inBurst = false;
                if (!closing) {
                    LOG.info("Feed: frames reach Kafka again; {} frames were lost in that burst", undelivered.sum()
                            - burstStartCount);
                }
            }
            return;
        }
        undelivered.increment();
        String cause = Errors.describe(failure);
        lastError = "not delivered to Kafka: " + cause;
        lastErrorAt = Instant.now();
        synchronized (burstLock) {
            if (inBurst) {
                return;
            }
            inBurst = true;
            burstStartCount = undelivered.sum() - 1;
        }
        if (!closing) {
            LOG.warn("Feed: a frame from {} was not delivered to Kafka and is lost ({}); further losses are counted in "
                    + "SinkFailures until frames get through again", exchange.getMessage().getHeader(
                    "tickerlake-source"), cause);
        }
    }

    /**
     * The source's stats, with the frames lost after the source handed them over (failed exchanges) added to its sink
     * failures, and the latest error of either.
     */
    public SourceStats stats() {
        FrameSource running = source;
        if (running == null) {
            return null;
        }
        SourceStats stats = running.stats();
        long lost = undelivered.sum();
        if (lost == 0) {
            return stats;
        }
        Instant feedErrorAt = lastErrorAt;
        boolean feedErrorIsLatest = feedErrorAt != null
                && (stats.lastErrorAt() == null || feedErrorAt.isAfter(stats.lastErrorAt()));
        return new SourceStats(stats.source(), stats.state(), stats.framesEmitted(), stats.framesPerSecond(),
                stats.sinkFailures() + lost, feedErrorIsLatest ? lastError : stats.lastError(),
                feedErrorIsLatest ? feedErrorAt : stats.lastErrorAt());
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

    /**
     * Stops the source, then waits (5 s at most) for frames still on their way to Kafka; says in one line how many
     * frames were not delivered when some were not.
     */
    @Override
    public synchronized void close() throws Exception {
        FrameSource running = source;
        if (running == null) {
            return;
        }
        long lostBefore = undelivered.sum();
        running.close();
        closing = true;
        boolean drained = inFlight.tryAcquire(maxInFlight, drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        long stillInFlight = drained ? 0 : maxInFlight - inFlight.availablePermits();
        if (drained) {
            inFlight.release(maxInFlight);
        }
        long notDelivered = stillInFlight + undelivered.sum() - lostBefore;
        if (notDelivered > 0) {
            LOG.warn("Feed stopped: {} frames not delivered to Kafka ({} still on their way after {} ms); {} lost since "
                    + "the start", notDelivered, stillInFlight, drainTimeout.toMillis(), undelivered.sum() + stillInFlight);
        }
        producer.stop();
        source = null;
    }
}
