package dev.tickerlake.faults;

import java.util.Locale;

/** Sizes for the short (CI) and full runs: system property {@code tickerlake.faults} = short (default) | full. */
public enum FaultScale {
    SHORT, FULL;

    public static final String PROPERTY = "tickerlake.faults";

    /** The scale this run asked for; an unknown value is an error, not a silent short run. */
    public static FaultScale current() {
        String value = System.getProperty(PROPERTY, "short").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "short" -> SHORT;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException(PROPERTY + " must be short or full, not '" + value + "'");
        };
    }

    public <T> T pick(T shortValue, T fullValue) {
        return this == FULL ? fullValue : shortValue;
    }

    /** {@code short} or {@code full}, as in file names. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
