package dev.tickerlake.kafka;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** How long and how much tickerlake's topics keep ({@code tickerlake.kafka.*-retention*}), and when health warns. */
public record RetentionSettings(TopicRetention raw, TopicRetention cdc, TopicRetention dlq, boolean alignExisting,
                                double warnAt) {

    public static final String CDC_TOPIC = "upbit-cdc";
    public static final String DLQ_TOPIC = "upbit-dlq";

    public RetentionSettings {
        if (!(warnAt > 0 && warnAt <= 1)) {
            throw new IllegalArgumentException("tickerlake.kafka.retention-warning must be above 0 and at most 1: "
                    + warnAt);
        }
    }

    /** The retention of {@code topic}: the CDC topic's, the dead letters', or the raw topics' for any other. */
    public TopicRetention of(String topic) {
        return switch (topic) {
            case CDC_TOPIC -> cdc;
            case DLQ_TOPIC -> dlq;
            default -> raw;
        };
    }

    /**
     * From tickerlake's settings ({@code settings} answers null for an unset key). Existing topics are aligned when
     * {@code tickerlake.kafka.align-retention} is true, or when it is empty and the broker is the embedded one.
     */
    public static RetentionSettings fromSettings(Function<String, String> settings, boolean embeddedKafka) {
        String align = value(settings, "tickerlake.kafka.align-retention", "").toLowerCase(Locale.ROOT);
        if (!align.isEmpty() && !align.equals("true") && !align.equals("false")) {
            throw new IllegalArgumentException("tickerlake.kafka.align-retention must be true, false or empty: "
                    + align);
        }
        return new RetentionSettings(
                topic(settings, "tickerlake.kafka.raw-retention", "24h", "tickerlake.kafka.raw-retention-size", "512MiB"),
                topic(settings, "tickerlake.kafka.cdc-retention", "72h", "tickerlake.kafka.cdc-retention-size", "2GiB"),
                topic(settings, "tickerlake.kafka.dlq-retention", "168h", "tickerlake.kafka.dlq-retention-size", "256MiB"),
                align.isEmpty() ? embeddedKafka : Boolean.parseBoolean(align),
                Double.parseDouble(value(settings, "tickerlake.kafka.retention-warning", "0.5")));
    }

    /**
     * From the settings as written in application.properties, in the order of its {@code tickerlake.kafka.*} keys
     * (a YAML bean's factory arguments; blank = the default): raw, cdc and dlq retention and size, align-retention,
     * retention-warning; {@code embeddedKafka} whether tickerlake runs the broker itself.
     */
    public static RetentionSettings of(String rawRetention, String rawRetentionSize, String cdcRetention,
                                       String cdcRetentionSize, String dlqRetention, String dlqRetentionSize,
                                       String alignRetention, String retentionWarning, boolean embeddedKafka) {
        Map<String, String> settings = new HashMap<>();
        settings.put("tickerlake.kafka.raw-retention", rawRetention);
        settings.put("tickerlake.kafka.raw-retention-size", rawRetentionSize);
        settings.put("tickerlake.kafka.cdc-retention", cdcRetention);
        settings.put("tickerlake.kafka.cdc-retention-size", cdcRetentionSize);
        settings.put("tickerlake.kafka.dlq-retention", dlqRetention);
        settings.put("tickerlake.kafka.dlq-retention-size", dlqRetentionSize);
        settings.put("tickerlake.kafka.align-retention", alignRetention);
        settings.put("tickerlake.kafka.retention-warning", retentionWarning);
        return fromSettings(settings::get, embeddedKafka);
    }

    private static TopicRetention topic(Function<String, String> settings, String timeKey, String time, String sizeKey,
                                        String size) {
        try {
            return TopicRetention.parse(value(settings, timeKey, time), value(settings, sizeKey, size));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(timeKey + " / " + sizeKey + ": " + e.getMessage(), e);
        }
    }

    private static String value(Function<String, String> settings, String key, String fallback) {
        String value = settings.apply(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
