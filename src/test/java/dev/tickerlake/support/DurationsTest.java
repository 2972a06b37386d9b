package dev.tickerlake.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsEveryWayASettingWritesADuration() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsTextThatIsNoDuration() {
        assertThatThrownBy(() -> Durations.parse("soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a duration (500ms, 60s, 10m, 1h, PT1M): soon");
    }
}
