package dev.tickerlake.upbit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SlidingWindowRateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsFivePerSecondThenMakesTheSixthWaitForTheOldestToLeaveTheWindow() {
        SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(5, Duration.ofSeconds(1));
        long t = 42 * SECOND;
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.delayNanos(t + i * 1000)).isZero();
            limiter.record(t + i * 1000);
        }
        assertThat(limiter.delayNanos(t + 10_000)).isEqualTo(SECOND - 10_000);
        assertThat(limiter.delayNanos(t + SECOND)).isZero();
    }

    @Test
    void acquireNeverExceedsTheLimitInAnyWindow() throws Exception {
        SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(3, Duration.ofMillis(100));
        long[] granted = new long[9];
        for (int i = 0; i < granted.length; i++) {
            limiter.acquire();
            granted[i] = System.nanoTime();
        }
        for (int i = 3; i < granted.length; i++) {
            assertThat(granted[i] - granted[i - 3]).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        }
    }
}
