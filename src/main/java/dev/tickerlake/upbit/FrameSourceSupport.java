package dev.tickerlake.upbit;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import dev.tickerlake.support.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every source shares: state, last error, frame counting, the guarded call into the sink, and the lifecycle of
 * the source's worker thread (closed flag, interrupt and join on close, completion with the frames emitted).
 */
abstract class FrameSourceSupport implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(FrameSourceSupport.class);
    private static final long SINK_FAILURE_LOG_INTERVAL_MILLIS = 10_000;
    private static final long WORKER_JOIN_MILLIS = 5000;

    private final String name;
    private final BiConsumer<SourceState, String> stateListener;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final RecentRate rate = new RecentRate();
    private final CompletableFuture<Long> completion = new CompletableFuture<>();
    private volatile SourceState state = SourceState.NEW;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private long lastSinkFailureLogMillis;
    private volatile boolean closed;
    private Thread worker;

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
        return emit(() -> sink.accept(frame, origin), origin);
    }

    /** Hands the first bytes of a frame longer than the limit to the sink, with its size; true when the sink took it. */
    boolean emitOversized(FrameSink sink, byte[] prefix, long size, String origin) {
        return emit(() -> sink.acceptOversized(prefix, size, origin), origin);
    }

    private boolean emit(Runnable handOver, String origin) {
        try {
            handOver.run();
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

    /** Runs {@code work} on the source's worker thread, a daemon named {@code threadName}; called once, from start. */
    synchronized void startWorker(Runnable work, String threadName) {
        worker = new Thread(work, threadName);
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Stops the source: closed flag, STOPPED, the worker thread interrupted and awaited (5 s at most), then the
     * completion completed with the frames emitted. Safe to call twice.
     */
    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        stopWorker();
        completeRun();
    }

    /** Sets the closed flag and moves to STOPPED; false (and nothing done) when the source was closed before. */
    boolean markClosed() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        state(SourceState.STOPPED, "closed");
        return true;
    }

    boolean closed() {
        return closed;
    }

    /** Interrupts the worker thread, when there is one, and waits 5 s at most for it to end. */
    void stopWorker() {
        Thread thread;
        synchronized (this) {
            thread = worker;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(WORKER_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Completes with the number of frames emitted when the source's run ends (sources with a finite run expose it). */
    CompletableFuture<Long> runCompletion() {
        return completion;
    }

    /** Completes the run with the frames emitted so far (no effect when completed before). */
    void completeRun() {
        completion.complete(emitted());
    }

    /** A builder's copy of {@code values}, which must not be empty ("at least one {@code what}"). */
    static List<String> nonEmptyCopy(Collection<String> values, String what) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("at least one " + what);
        }
        return List.copyOf(values);
    }
}
