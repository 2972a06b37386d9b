package dev.tickerlake.upbit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FrameTimestampsTest {

    @Test
    void readsTheMessageTimeOfDefaultAndSimpleFrames() {
        assertThat(time("{\"trade_timestamp\":5,\"timestamp\":1718000000123}")).isEqualTo(1718000000123L);
        assertThat(time("{\"ttms\":5, \"tms\" : 1718000000123 }")).isEqualTo(1718000000123L);
        assertThat(time("{\"timestamp\":\"1718000000123\"}")).isEqualTo(FrameTimestamps.UNREADABLE);
        assertThat(time("{\"timestamp\":1.718E12}")).isEqualTo(FrameTimestamps.UNREADABLE);
        assertThat(time("{\"type\":\"timestamp\"}")).isEqualTo(FrameTimestamps.UNREADABLE);
    }

    @Test
    void shiftsOnlyTheTimestampFieldsAndKeepsEveryOtherByte() {
        String frame = "{\"type\":\"trade\", \"timestamp\" : 1000,\"trade_timestamp\":990,\"trade_price\":1000.0,"
                + "\"sequential_id\":1000000,\"note\":\"timestamp\",\"tms\":7,\"ttms\":-3}";
        assertThat(shift(frame, 500)).isEqualTo("{\"type\":\"trade\", \"timestamp\" : 1500,\"trade_timestamp\":1490,"
                + "\"trade_price\":1000.0,\"sequential_id\":1000000,\"note\":\"timestamp\",\"tms\":507,\"ttms\":497}");
        assertThat(shift("{\"type\":\"x\"}", 500)).isEqualTo("{\"type\":\"x\"}");
    }

    private static long time(String frame) {
        return FrameTimestamps.messageTime(frame.getBytes(StandardCharsets.UTF_8));
    }

    private static String shift(String frame, long delta) {
        return new String(FrameTimestamps.shift(frame.getBytes(StandardCharsets.UTF_8), delta), StandardCharsets.UTF_8);
    }
}
