package dev.tickerlake.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.tickerlake.support.Durations;

/**
 * How long and how much one topic keeps: {@code time} (-1 ms = no limit) and {@code size}, the bytes of the whole
 * topic (-1 = no limit), which Kafka applies per partition ({@code retention.bytes} = size / partitions).
 */
public record TopicRetention(Duration time, long size) {

    /** Segments are a fraction of the limits: Kafka deletes whole closed segments, never the one being written. */
    static final int SEGMENTS_PER_LIMIT = 8;
    static final long MIN_SEGMENT_BYTES = 1L << 20;
    static final long MAX_SEGMENT_BYTES = 1L << 30;
    static final long MIN_SEGMENT_MS = Duration.ofMinutes(1).toMillis();
    static final long MAX_SEGMENT_MS = Duration.ofDays(7).toMillis();

    /** The topic configurations that bound a topic of {@code partitions} partitions to this retention. */
    public Map<String, String> topicConfigs(int partitions) {
        Map<String, String> configs = new LinkedHashMap<>();
        long ms = time.toMillis();
        long bytes = retentionBytes(partitions);
        configs.put("retention.ms", String.valueOf(ms));
        configs.put("retention.bytes", String.valueOf(bytes));
        if (ms > 0) {
            configs.put("segment.ms", String.valueOf(clamp(ms / SEGMENTS_PER_LIMIT, MIN_SEGMENT_MS, MAX_SEGMENT_MS)));
        }
        if (bytes > 0) {
            configs.put("segment.bytes",
                    String.valueOf(clamp(bytes / SEGMENTS_PER_LIMIT, MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES)));
        }
        return configs;
    }

    /** The same limits as broker defaults ({@code log.*}), for the embedded broker. */
    public Map<String, String> brokerDefaults(int partitions) {
        Map<String, String> defaults = new LinkedHashMap<>();
        topicConfigs(partitions).forEach((key, value) -> defaults.put(switch (key) {
            case "segment.ms" -> "log.roll.ms";
            default -> "log." + key;
        }, value));
        return defaults;
    }

    /** Kafka's {@code retention.bytes} (per partition) for a topic of {@code partitions} partitions. */
    public long retentionBytes(int partitions) {
        return size < 0 ? -1 : Math.max(1, size / Math.max(1, partitions));
    }

    /** A duration ({@code 72h}, {@code 30m}, {@code PT1H}) and a size ({@code 1GiB}, {@code 512MiB}, bytes, -1). */
    public static TopicRetention parse(String time, String size) {
        Duration duration = time.trim().equals("-1") ? Duration.ofMillis(-1) : Durations.parse(time);
        return new TopicRetention(duration, parseSize(size));
    }

    /** Bytes from {@code 1GiB}, {@code 512MiB}, {@code 64KiB} (also {@code g}, {@code m}, {@code k}), a number or -1. */
    public static long parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "").trim();
        try {
            if (t.equals("-1")) {
                return -1;
            }
            long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1;
            };
            String number = unit == 1 ? t : t.substring(0, t.length() - 1).trim();
            long bytes = Math.round(Double.parseDouble(number) * unit);
            if (bytes <= 0) {
                throw new NumberFormatException();
            }
            return bytes;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a size (1GiB, 512MiB, 64KiB, bytes, or -1): " + text);
        }
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
