package dev.tickerlake.health;

import java.util.Locale;

/**
 * How much of a partition's retention window the records a consumer group has not read yet take: the oldest unread
 * record's age against {@code retention.ms}, and the unread bytes against {@code retention.bytes} (-1 = no limit;
 * unread bytes -1 = not known). {@code deletedUnread} counts records the broker deleted before the group read them.
 */
public record UnreadShare(long unreadRecords, long oldestUnreadAgeMs, long retentionMs, long unreadBytes,
                          long retentionBytes, long deletedUnread) {

    /** Share of the time window the oldest unread record has used (0 with no time limit). */
    public double ofTime() {
        return retentionMs > 0 ? Math.max(0, oldestUnreadAgeMs) / (double) retentionMs : 0;
    }

    /** Share of the size limit the unread bytes take (0 with no size limit). */
    public double ofSize() {
        return retentionBytes > 0 && unreadBytes > 0 ? unreadBytes / (double) retentionBytes : 0;
    }

    /** The larger of both shares; records already deleted unread count as the whole window. */
    public double worst() {
        return deletedUnread > 0 ? Math.max(1, Math.max(ofTime(), ofSize())) : Math.max(ofTime(), ofSize());
    }

    /** True when the group is {@code warnAt} (e.g. 0.5) or more of the way to records deleted unread. */
    public boolean nearLimit(double warnAt) {
        return worst() >= warnAt;
    }

    /** The worse of two shares. */
    public UnreadShare max(UnreadShare other) {
        return other.worst() > worst() ? other : this;
    }

    /**
     * For a human, e.g. "73% of retention: 5120 records unread, the oldest 17.5 h old (retention 24.0 h), ~120.0 MiB
     * (retention 256.0 MiB per partition)".
     */
    public String describe() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.0f%% of retention: ", worst() * 100));
        if (deletedUnread > 0) {
            text.append(deletedUnread).append(" records deleted unread; ");
        }
        text.append(unreadRecords).append(" records unread");
        if (unreadRecords > 0) {
            text.append(", the oldest ").append(duration(Math.max(0, oldestUnreadAgeMs))).append(" old");
        }
        text.append(" (retention ").append(retentionMs > 0 ? duration(retentionMs) : "unlimited").append(')');
        if (unreadBytes >= 0) {
            text.append(", ~").append(mebibytes(unreadBytes));
        }
        text.append(" (retention ").append(retentionBytes > 0 ? mebibytes(retentionBytes) + " per partition" : "unlimited")
                .append(')');
        return text.toString();
    }

    private static String duration(long millis) {
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        return millis < 3_600_000
                ? String.format(Locale.ROOT, "%.1f min", millis / 60_000.0)
                : String.format(Locale.ROOT, "%.1f h", millis / 3_600_000.0);
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
