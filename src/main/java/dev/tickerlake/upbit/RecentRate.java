package dev.tickerlake.upbit;

/** Events per second over the last ten seconds, from per-second buckets (cheap to mark, exact enough to report). */
final class RecentRate {

    static final int WINDOW_SECONDS = 10;

    private final long[] second = new long[WINDOW_SECONDS + 1];
    private final long[] count = new long[WINDOW_SECONDS + 1];
    private long firstMarkMillis = -1;

    RecentRate() {
        java.util.Arrays.fill(second, Long.MIN_VALUE);
    }

    synchronized void mark(long nowMillis) {
        long s = Math.floorDiv(nowMillis, 1000);
        int i = (int) Math.floorMod(s, second.length);
        if (second[i] != s) {
            second[i] = s;
            count[i] = 0;
        }
        count[i]++;
        if (firstMarkMillis < 0) {
            firstMarkMillis = nowMillis;
        }
    }

    synchronized double perSecond(long nowMillis) {
        if (firstMarkMillis < 0) {
            return 0;
        }
        long s = Math.floorDiv(nowMillis, 1000);
        long sum = 0;
        for (int i = 0; i < second.length; i++) {
            if (second[i] >= s - WINDOW_SECONDS && second[i] <= s) {
                sum += count[i];
            }
        }
        long from = Math.max(firstMarkMillis, (s - WINDOW_SECONDS) * 1000);
        long spanMillis = Math.max(1000, nowMillis - from);
        return sum * 1000.0 / spanMillis;
    }
}
