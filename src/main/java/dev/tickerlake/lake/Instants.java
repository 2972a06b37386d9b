package dev.tickerlake.lake;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Pattern;

/** Points in time as text: ISO-8601 UTC written with milliseconds, ISO-8601 read with or without an offset. */
public final class Instants {

    /** ISO-8601 UTC with milliseconds, e.g. {@code 2024-05-01T00:00:00.123Z}. */
    private static final DateTimeFormatter ISO_UTC_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** A '+' of an offset that arrived as ' ' because the query string was not encoded. */
    private static final Pattern SPACE_FOR_PLUS_OFFSET = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T.*) (\\d{2}(:?\\d{2})?)$");

    private Instants() {
    }

    /** A point in time as ISO-8601 UTC; milliseconds always shown, finer digits only when present. */
    public static String isoUtc(Instant instant) {
        return instant.getNano() % 1_000_000 == 0
                ? ISO_UTC_MILLIS.format(instant)
                : DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /** Epoch milliseconds as ISO-8601 UTC. */
    public static String isoUtc(long epochMillis) {
        return isoUtc(Instant.ofEpochMilli(epochMillis));
    }

    /** ISO-8601 date-time (offset optional, UTC when absent; ' ' accepted for 'T') or date; null when neither. */
    public static Instant parse(String text) {
        String iso = text.trim();
        if (iso.length() > 10 && iso.charAt(10) == ' ') {
            iso = iso.substring(0, 10) + 'T' + iso.substring(11);
        }
        iso = SPACE_FOR_PLUS_OFFSET.matcher(iso).replaceFirst("$1+$2");
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(iso, ZonedDateTime::from, LocalDateTime::from);
            return parsed instanceof ZonedDateTime zoned
                    ? zoned.toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notDateTime) {
            try {
                return LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
