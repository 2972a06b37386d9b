package dev.tickerlake.upbit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FrameHeaderTest {

    @Test
    void readsTypeAndMarketOfDefaultAndSimpleFrames() {
        assertThat(read("{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"trade_price\":1.0}"))
                .isEqualTo(new FrameHeader(FrameHeader.Kind.DATA, "ticker", "KRW-BTC"));
        assertThat(read("{\"tp\":1.0,\"obu\":[{\"ap\":1}],\"ty\":\"orderbook\",\"cd\":\"KRW-ETH\"}"))
                .isEqualTo(new FrameHeader(FrameHeader.Kind.DATA, "orderbook", "KRW-ETH"));
    }

    @Test
    void recognisesTheKeepAliveAnswerAndErrorFrames() {
        assertThat(read("{\"status\":\"UP\"}").kind()).isEqualTo(FrameHeader.Kind.STATUS);
        assertThat(read("{\"error\":{\"name\":\"NO_TICKET\",\"message\":\"ticket is required\"}}").kind())
                .isEqualTo(FrameHeader.Kind.ERROR);
    }

    @Test
    void treatsAnythingElseAsData() {
        assertThat(read("{not json").kind()).isEqualTo(FrameHeader.Kind.DATA);
        assertThat(read("[1,2]")).isEqualTo(new FrameHeader(FrameHeader.Kind.DATA, null, null));
        assertThat(read("{\"type\":\"trade\",\"status\":\"x\"}").kind()).isEqualTo(FrameHeader.Kind.DATA);
    }

    private static FrameHeader read(String frame) {
        return FrameHeader.read(frame.getBytes(StandardCharsets.UTF_8));
    }
}
