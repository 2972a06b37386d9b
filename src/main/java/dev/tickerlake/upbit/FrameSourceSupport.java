package dev.tickerlake.upbit;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every source shares: state, last error, frame counting and the guarded call into the sink. */
abstract class FrameSourceSupport implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(FrameSourceSupport.class);
    private static final long SINK_FAILURE_LOG_INTERVAL_MILLIS = 10_000;

    private final String name;
    private final BiConsumer<SourceState, String> stateListener;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final RecentRate rate = new RecentRate();
    private volatile SourceState state = SourceState.NEW;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private long lastSinkFailureLogMillis;

    FrameSourceSupport(String name, BiConsumer<SourceState, String> stateListener) {
        this.name = name;
        this.stateListener = stateListener;
    }

    @Override
    public SourceStats stats() {
        return new SourceStats(name, state, emitted.get(), rate.perSecond(System.currentTimeMillis()),
                sinkFailures.get(), lastError, lastErrorAt);
    }

    SourceState state() {
        return state;
    }

    /** Moves to {@code next}; {@code cause} says why (null when there is nothing to say). */
    void state(SourceState next, String cause) {
        SourceState previous;
        synchronized (this) {
            previous = state;
            if (previous == SourceState.STOPPED || previous == next) {
                return;
            }
            state = next;
        }
        if (stateListener != null) {
            try {
                stateListener.accept(next, cause);
            } catch (RuntimeException e) {
                LOG.warn("{}: state listener failed: {}", name, Errors.describe(e));
            }
        }
    }

    /** Moves to STARTING, or throws when the source was started or closed before. */
    synchronized void markStarting() {
        if (state != SourceState.NEW) {
            throw new IllegalStateException(name + " is " + state + "; a source starts once");
        }
        state(SourceState.STARTING, null);
    }

    void error(String message) {
        lastError = message;
        lastErrorAt = Instant.now();
    }

    /** Hands one frame to the sink; true when the sink took it. */
    boolean emit(FrameSink sink, byte[] frame, String origin) {
        try {
            sink.accept(frame, origin);
        } catch (RuntimeException e) {
            long failures = sinkFailures.incrementAndGet();
            error("sink: " + Errors.describe(e));
            long now = System.currentTimeMillis();
            if (state != SourceState.STOPPED && now - lastSinkFailureLogMillis >= SINK_FAILURE_LOG_INTERVAL_MILLIS) {
                lastSinkFailureLogMillis = now;
                LOG.warn("{}: the sink refused a frame from {} ({} refused so far): {}", name, origin, failures,
                        Errors.describe(e));
            }
            return false;
        }
        emitted.incrementAndGet();
        rate.mark(System.currentTimeMillis());
        return true;
    }

    long emitted() {
        return emitted.get();
    }

    double framesPerSecond() {
        return rate.perSecond(System.currentTimeMillis());
    }

    String name() {
        return name;
    }
}
