package dev.tickerlake.upbit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/** Allows at most {@code permits} acquisitions in any window of the given length (Upbit's connect and subscribe limits). */
final class SlidingWindowRateLimiter {

    private final int permits;
    private final long windowNanos;
    private final ArrayDeque<Long> granted = new ArrayDeque<>();

    SlidingWindowRateLimiter(int permits, Duration window) {
        if (permits < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("need permits >= 1 and a positive window");
        }
        this.permits = permits;
        this.windowNanos = window.toNanos();
    }

    /** Takes a permit, waiting until one is free. */
    void acquire() throws InterruptedException {
        while (true) {
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                wait = delayNanos(now);
                if (wait == 0) {
                    record(now);
                    return;
                }
            }
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** How long to wait at {@code now} before a permit is free; 0 when one is free now. */
    synchronized long delayNanos(long now) {
        while (!granted.isEmpty() && now - granted.peekFirst() >= windowNanos) {
            granted.pollFirst();
        }
        return granted.size() < permits ? 0 : granted.peekFirst() + windowNanos - now;
    }

    /** Records a permit taken at {@code now}. */
    synchronized void record(long now) {
        granted.addLast(now);
    }
}
