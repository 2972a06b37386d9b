package dev.tickerlake.upbit;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential back-off with jitter: the n-th delay is a random value in [½, 1] × min(max, initial × 2ⁿ). */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int attempt;

    Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, got " + initial + ", " + max);
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    synchronized long nextDelayMillis() {
        long ceiling = initialMillis << Math.min(attempt, 30);
        if (ceiling <= 0 || ceiling > maxMillis) {
            ceiling = maxMillis;
        }
        attempt++;
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    synchronized void reset() {
        attempt = 0;
    }

    synchronized int attempts() {
        return attempt;
    }
}
