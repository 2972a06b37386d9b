package dev.tickerlake.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnreadShareTest {

    private static final long HOUR = 3_600_000;
    private static final long MIB = 1 << 20;

    @Test
    void theOldestUnreadRecordsAgeCountsAgainstRetentionMs() {
        UnreadShare share = new UnreadShare(100, 13 * HOUR, 24 * HOUR, 10 * MIB, 256 * MIB, 0);

        assertThat(share.ofTime()).isCloseTo(13 / 24.0, within());
        assertThat(share.nearLimit(0.5)).isTrue();
        assertThat(share.nearLimit(0.6)).isFalse();
        assertThat(share.describe()).startsWith("54% of retention: 100 records unread, the oldest 13.0 h old "
                + "(retention 24.0 h), ~10.0 MiB (retention 256.0 MiB per partition)");
    }

    @Test
    void unreadBytesCountAgainstRetentionBytes() {
        UnreadShare share = new UnreadShare(100_000, 5 * 60_000, 24 * HOUR, 200 * MIB, 256 * MIB, 0);

        assertThat(share.worst()).isCloseTo(200 / 256.0, within());
        assertThat(share.nearLimit(0.5)).isTrue();
    }

    @Test
    void noLimitMeansNothingToWarnAbout() {
        UnreadShare share = new UnreadShare(1_000_000, 1000 * HOUR, -1, 10_000 * MIB, -1, 0);

        assertThat(share.worst()).isZero();
        assertThat(share.nearLimit(0.01)).isFalse();
        assertThat(share.describe()).contains("(retention unlimited)");
    }

    @Test
    void recordsAlreadyDeletedUnreadAreTheWholeWindow() {
        UnreadShare share = new UnreadShare(0, 0, 24 * HOUR, 0, 256 * MIB, 42);

        assertThat(share.worst()).isEqualTo(1.0);
        assertThat(share.nearLimit(1.0)).isTrue();
        assertThat(share.describe()).contains("42 records deleted unread");
    }

    @Test
    void nothingUnreadIsZero() {
        UnreadShare share = new UnreadShare(0, 0, 24 * HOUR, 0, 256 * MIB, 0);

        assertThat(share.worst()).isZero();
        assertThat(share.max(new UnreadShare(1, HOUR, 24 * HOUR, 1, 256 * MIB, 0)).unreadRecords()).isEqualTo(1);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
