package dev.tickerlake.bench;

import java.util.Locale;

/** Progress lines on standard output, each with the time since the harness started. */
final class Progress {

    private static final long START = System.nanoTime();

    private Progress() {
    }

    static void say(String format, Object... args) {
        long seconds = (System.nanoTime() - START) / 1_000_000_000L;
        System.out.printf(Locale.ROOT, "[%02d:%02d] %s%n", seconds / 60, seconds % 60,
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    static double elapsedSeconds() {
        return (System.nanoTime() - START) / 1e9;
    }

    static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
