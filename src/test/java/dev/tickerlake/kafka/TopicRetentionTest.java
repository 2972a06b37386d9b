package dev.tickerlake.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class TopicRetentionTest {

    @Test
    void sizeIsPerTopicAndSplitOverItsPartitionsWithSegmentsAnEighthOfTheLimits() {
        TopicRetention retention = TopicRetention.parse("24h", "1GiB");

        assertThat(retention.topicConfigs(4)).containsExactly(
                entry("retention.ms", "86400000"),
                entry("retention.bytes", "268435456"),
                entry("segment.ms", "10800000"),
                entry("segment.bytes", "33554432"));
    }

    @Test
    void minusOneMeansNoLimitAndSetsNoSegmentSize() {
        assertThat(TopicRetention.parse("-1", "-1").topicConfigs(4)).containsExactly(
                entry("retention.ms", "-1"), entry("retention.bytes", "-1"));
    }

    @Test
    void brokerDefaultsAreTheSameLimitsUnderTheBrokersNames() {
        assertThat(TopicRetention.parse("72h", "512MiB").brokerDefaults(4)).containsOnlyKeys(
                "log.retention.ms", "log.retention.bytes", "log.roll.ms", "log.segment.bytes")
                .containsEntry("log.retention.bytes", String.valueOf(128L << 20));
    }

    @Test
    void sizesReadTheUsualSpellings() {
        assertThat(TopicRetention.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(TopicRetention.parseSize("1536 MiB")).isEqualTo(1536L << 20);
        assertThat(TopicRetention.parseSize("64k")).isEqualTo(64L << 10);
        assertThat(TopicRetention.parseSize("1.5g")).isEqualTo(3L << 29);
        assertThat(TopicRetention.parseSize("1000")).isEqualTo(1000);
        assertThat(TopicRetention.parseSize("-1")).isEqualTo(-1);
        assertThatThrownBy(() -> TopicRetention.parseSize("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> TopicRetention.parseSize("0")).hasMessageContaining("not a size");
    }

    @Test
    void theShippedSettingsBoundEveryTopicAndAlignOnlyTheEmbeddedBroker() throws Exception {
        Properties shipped = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            shipped.load(in);
        }
        RetentionSettings embedded = RetentionSettings.fromSettings(shipped::getProperty, true);
        for (String topic : new String[] {"upbit-ticker", "upbit-trade", "upbit-orderbook", "upbit-cdc", "upbit-dlq"}) {
            TopicRetention retention = embedded.of(topic);
            assertThat(retention.time()).as(topic).isPositive().isLessThanOrEqualTo(Duration.ofDays(7));
            assertThat(retention.size()).as(topic).isPositive();
        }
        assertThat(embedded.alignExisting()).isTrue();
        assertThat(RetentionSettings.fromSettings(shipped::getProperty, false).alignExisting()).isFalse();
        assertThat(RetentionSettings.fromSettings(Map.of("tickerlake.kafka.align-retention", "true")::get, false)
                .alignExisting()).isTrue();
        assertThatThrownBy(() -> RetentionSettings.fromSettings(
                Map.of("tickerlake.kafka.retention-warning", "50")::get, true))
                .hasMessageContaining("tickerlake.kafka.retention-warning");
    }
}
