package dev.tickerlake.support;

import java.time.Duration;
import java.util.Locale;

/** The durations of tickerlake's settings, written {@code 500ms}, {@code 60s}, {@code 10m}, {@code 1h} or ISO-8601. */
public final class Durations {

    private Durations() {
    }

    /** Parses {@code 500ms}, {@code 1.5s}, {@code 10m}, {@code 1h}, {@code PT1M} or a plain number of seconds. */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            char unit = t.charAt(t.length() - 1);
            String number = t.substring(0, t.length() - 1).trim();
            return switch (unit) {
                case 's' -> Duration.ofMillis(Math.round(Double.parseDouble(number) * 1000));
                case 'm' -> Duration.ofSeconds(Long.parseLong(number) * 60);
                case 'h' -> Duration.ofHours(Long.parseLong(number));
                default -> Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration (500ms, 60s, 10m, 1h, PT1M): " + text);
        }
    }
}
