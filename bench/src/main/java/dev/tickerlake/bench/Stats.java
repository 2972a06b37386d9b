package dev.tickerlake.bench;

import java.util.Arrays;
import java.util.List;

/** Median, spread and percentiles of measured values (nearest-rank percentiles, as a reader would count them). */
public final class Stats {

    private Stats() {
    }

    /** The median: the middle value, or the mean of the two middle values. */
    public static double median(List<Double> values) {
        double[] sorted = sorted(values);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static double min(List<Double> values) {
        return sorted(values)[0];
    }

    public static double max(List<Double> values) {
        double[] sorted = sorted(values);
        return sorted[sorted.length - 1];
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least {@code p}% of values at or below it. */
    public static double percentile(double[] sortedValues, double p) {
        if (sortedValues.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedValues.length);
        return sortedValues[Math.max(0, Math.min(sortedValues.length - 1, rank - 1))];
    }

    public static double percentile(long[] sortedValues, double p) {
        return percentile(Arrays.stream(sortedValues).asDoubleStream().toArray(), p);
    }

    private static double[] sorted(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }
}
