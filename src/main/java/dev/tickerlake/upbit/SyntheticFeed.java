package dev.tickerlake.upbit;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import dev.tickerlake.support.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline stand-in for the exchange: {@link SyntheticFrames} for N markets at R frames per second in total.
 * <p>
 * Frame i is due at {@code start + i / R} (scheduled by deadline, so the rate holds over time) and carries the
 * synthetic clock {@code startTime + floor(i × 1000 / R)} ms as its time: the same seed, markets, rate and start time
 * give the same frames, byte for byte. When the sink is slower than R the feed catches up in bursts, and after falling
 * more than a second behind it moves its schedule (the rate then is what the sink takes). {@link #generate} makes
 * exactly K frames as fast as possible (benchmarks), with the same clock.
 */
public final class SyntheticFeed extends FrameSourceSupport {

    /** The origin every frame of this source carries. */
    public static final String ORIGIN = "synthetic";
    /** Defaults of {@code tickerlake.synthetic.markets}, {@code .rate} and {@code .seed} (application.properties). */
    public static final int DEFAULT_MARKETS = 20;
    public static final int DEFAULT_RATE = 100;
    public static final long DEFAULT_SEED = 42;

    private static final Logger LOG = LoggerFactory.getLogger(SyntheticFeed.class);
    private static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final List<String> markets;
    private final double rate;
    private final long seed;
    private final Long startTime;
    private final long frameLimit;

    private SyntheticFeed(Builder b) {
        super(ORIGIN, b.stateListener);
        this.markets = b.markets;
        this.rate = b.rate;
        this.seed = b.seed;
        this.startTime = b.startTime;
        this.frameLimit = b.frameLimit;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> markets() {
        return markets;
    }

    @Override
    public synchronized void start(FrameSink sink) {
        Objects.requireNonNull(sink, "sink");
        markStarting();
        long clockStart = startTime != null ? startTime : System.currentTimeMillis();
        startWorker(() -> run(sink, clockStart), "synthetic-feed");
    }

    /** Completes with the number of frames emitted when the feed stops: frame limit reached or closed. */
    public CompletableFuture<Long> completion() {
        return runCompletion();
    }

    /**
     * Makes exactly {@code count} frames on the calling thread as fast as the sink takes them, with the same clock as
     * the paced feed (frame i at {@code startTime + i × 1000 / R} ms). Independent of {@link #start}.
     *
     * @return the frames the sink accepted
     */
    public long generate(long count, FrameSink sink) {
        SyntheticFrames frames = new SyntheticFrames(markets, seed);
        long clockStart = startTime != null ? startTime : System.currentTimeMillis();
        long accepted = 0;
        for (long i = 0; i < count; i++) {
            if (emit(sink, frames.next(clockTime(clockStart, i)).json(), ORIGIN)) {
                accepted++;
            }
        }
        return accepted;
    }

    private long clockTime(long clockStart, long i) {
        return clockStart + (long) Math.floor(i * 1000.0 / rate);
    }

    private void run(FrameSink sink, long clockStart) {
        SyntheticFrames frames = new SyntheticFrames(markets, seed);
        state(SourceState.UP, null);
        LOG.info("Synthetic feed: {} markets, {} frames/s, seed {}{}", markets.size(),
                String.format(Locale.ROOT, "%.1f", rate), seed, frameLimit > 0 ? ", " + frameLimit + " frames" : "");
        long scheduleStart = System.nanoTime();
        long i = 0;
        try {
            while (!closed() && (frameLimit == 0 || i < frameLimit)) {
                long due = scheduleStart + (long) (i * 1e9 / rate);
                long now = System.nanoTime();
                if (due > now) {
                    LockSupport.parkNanos(due - now);
                    if (Thread.interrupted() && closed()) {
                        break;
                    }
                    continue;
                }
                if (now - due > MAX_LAG_NANOS) {
                    scheduleStart += now - due;
                    LOG.warn("Synthetic feed is {} s behind {} frames/s (the sink is slower); moving the schedule",
                            String.format(Locale.ROOT, "%.1f", (now - due) / 1e9),
                            String.format(Locale.ROOT, "%.1f", rate));
                }
                emit(sink, frames.next(clockTime(clockStart, i)).json(), ORIGIN);
                i++;
            }
            if (!closed()) {
                state(SourceState.COMPLETED, null);
                LOG.info("Synthetic feed finished: {} frames", emitted());
            }
        } catch (RuntimeException e) {
            String cause = Errors.describe(e);
            error("synthetic feed: " + cause);
            state(SourceState.DOWN, cause);
            LOG.warn("Synthetic feed stopped: {}", cause);
        } finally {
            completeRun();
        }
    }

    /** Settings of a {@link SyntheticFeed}. */
    public static final class Builder {
        private List<String> markets = SyntheticFrames.marketCodes(DEFAULT_MARKETS);
        private double rate = DEFAULT_RATE;
        private long seed = DEFAULT_SEED;
        private Long startTime;
        private long frameLimit;
        private BiConsumer<SourceState, String> stateListener;

        private Builder() {
        }

        /** The first {@code n} markets of {@link SyntheticFrames#marketCodes}; default 20. */
        public Builder markets(int n) {
            this.markets = SyntheticFrames.marketCodes(n);
            return this;
        }

        /** These market codes. */
        public Builder markets(List<String> codes) {
            this.markets = nonEmptyCopy(codes, "market");
            return this;
        }

        /** Frames per second over all markets; default 100. */
        public Builder rate(double rate) {
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("synthetic rate must be > 0 frames/s: " + rate);
            }
            this.rate = rate;
            return this;
        }

        /** Seed of the generator; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Epoch ms of the synthetic clock's first frame; default: the wall clock when the feed starts. */
        public Builder startTime(long epochMillis) {
            this.startTime = epochMillis;
            return this;
        }

        /** Stop after this many frames (then COMPLETED); 0 (default) = run until closed. */
        public Builder frameLimit(long frameLimit) {
            if (frameLimit < 0) {
                throw new IllegalArgumentException("frame limit must be >= 0");
            }
            this.frameLimit = frameLimit;
            return this;
        }

        /** Told of every state change (UP, COMPLETED, STOPPED). */
        public Builder stateListener(BiConsumer<SourceState, String> stateListener) {
            this.stateListener = stateListener;
            return this;
        }

        public SyntheticFeed build() {
            return new SyntheticFeed(this);
        }
    }
}
