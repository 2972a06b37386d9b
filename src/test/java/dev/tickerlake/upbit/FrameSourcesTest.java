package dev.tickerlake.upbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class FrameSourcesTest {

    @Test
    void buildsTheSourceThatTickerlakeSourceNames() {
        try (FrameSource upbit = FrameSources.fromSettings(Map.of("tickerlake.upbit.markets", "krw-btc, KRW-ETH")::get);
             FrameSource synthetic = FrameSources.fromSettings(Map.of("tickerlake.source", "synthetic",
                     "tickerlake.synthetic.markets", "3", "tickerlake.synthetic.rate", "50")::get);
             FrameSource replay = FrameSources.fromSettings(Map.of("tickerlake.source", "replay",
                     "tickerlake.replay.file", "data/recorded.jsonl", "tickerlake.replay.speed", "0")::get)) {
            assertThat(upbit).isInstanceOf(UpbitWebSocketClient.class);
            assertThat(((UpbitWebSocketClient) upbit).markets()).isEmpty();
            assertThat(synthetic).isInstanceOf(SyntheticFeed.class);
            assertThat(((SyntheticFeed) synthetic).markets()).containsExactly("KRW-BTC", "KRW-ETH", "KRW-XRP");
            assertThat(replay).isInstanceOf(ReplayFile.class);
        }
    }

    @Test
    void syntheticMarketsMayBeAList() {
        try (SyntheticFeed feed = FrameSources.synthetic(Map.of("tickerlake.synthetic.markets", "krw-btc,KRW-DOGE")::get)) {
            assertThat(feed.markets()).containsExactly("KRW-BTC", "KRW-DOGE");
        }
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> FrameSources.fromSettings(Map.of("tickerlake.source", "kafka")::get))
                .hasMessageContaining("upbit, replay or synthetic");
        assertThatThrownBy(() -> FrameSources.fromSettings(Map.of("tickerlake.source", "replay")::get))
                .hasMessageContaining("tickerlake.replay.file");
        assertThatThrownBy(() -> FrameSources.fromSettings(Map.of("tickerlake.upbit.ping-interval", "soon")::get))
                .hasMessageContaining("tickerlake.upbit.ping-interval");
    }
}
