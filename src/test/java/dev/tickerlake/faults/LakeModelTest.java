package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeModelTest {

    /**
     * Ten hand-written lines around 2024-05-02T00:00:00Z (1714608000000): a ticker replaced by a newer one whose trade
     * is still on May 1st, a late (older) ticker that must not win, a poison line, an exact duplicate trade, a late
     * orderbook older than the one before it.
     */
    static final List<String> LINES = List.of(
            "{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"trade_price\":95000000,\"signed_change_rate\":0.0123,\"trade_timestamp\":1714607997000,\"timestamp\":1714607998000}",
            "{\"type\":\"trade\",\"code\":\"KRW-BTC\",\"timestamp\":1714607999500,\"trade_timestamp\":1714607999400,\"trade_price\":95001000,\"sequential_id\":1714607999400000}",
            "{\"type\":\"orderbook\",\"code\":\"KRW-ETH\",\"timestamp\":1714608000100,\"orderbook_units\":[{\"ask_price\":3500500,\"bid_price\":3500000,\"ask_size\":1.5,\"bid_size\":2}]}",
            "{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"trade_price\":95001000,\"signed_change_rate\":0.01241,\"trade_timestamp\":1714607999400,\"timestamp\":1714608000200}",
            "not json",
            "{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"trade_price\":94999000,\"signed_change_rate\":-0.0001,\"trade_timestamp\":1714607997000,\"timestamp\":1714607998500}",
            "{\"type\":\"trade\",\"code\":\"KRW-BTC\",\"timestamp\":1714607999500,\"trade_timestamp\":1714607999400,\"trade_price\":95001000,\"sequential_id\":1714607999400000}",
            "{\"type\":\"trade\",\"code\":\"KRW-XRP\",\"timestamp\":1714608000300,\"trade_timestamp\":1714608000250,\"trade_price\":0.00012345,\"sequential_id\":1714608000250000}",
            "{\"type\":\"orderbook\",\"code\":\"KRW-ETH\",\"timestamp\":1714608000050,\"orderbook_units\":[{\"ask_price\":1,\"bid_price\":1,\"ask_size\":1,\"bid_size\":1}]}",
            "{\"type\":\"ticker\",\"code\":\"KRW-ETH\",\"trade_price\":3500500,\"signed_change_rate\":-0.5,\"trade_timestamp\":1714608000350,\"timestamp\":1714608000400}");

    static LakeModel handWritten(Path dir) throws Exception {
        Path file = dir.resolve("hand.jsonl");
        Files.writeString(file, String.join("\n", LINES) + "\n", StandardCharsets.UTF_8);
        return LakeModel.of(file, Set.of(5));
    }

    @Test
    void keepsTheNewestFramePerKeyEveryTradeOnceAndTheExactDecimals(@TempDir Path dir) throws Exception {
        LakeModel model = handWritten(dir);

        assertThat(model.validLines()).isEqualTo(9);
        assertThat(model.expectedRows()).isEqualTo(5);
        assertThat(model.expectedRows("ticker")).isEqualTo(2);
        assertThat(model.expectedRows("trade")).isEqualTo(2);
        assertThat(model.expectedRows("orderbook")).isEqualTo(1);

        // line 4 replaces line 1 (newer), line 6 is late and older: ignored; dt is the trade's day, not the message's
        LakeModel.ExpectedRow btc = model.rows("ticker").get("KRW-BTC|2024-05-01");
        assertThat(btc.timestamp()).isEqualTo(1714608000200L);
        assertThat(btc.line()).isEqualTo(4);
        assertThat(btc.values()).isEqualTo(Map.of("price", new BigDecimal("95001000"),
                "change_rate", new BigDecimal("0.01241")));
        LakeModel.ExpectedRow eth = model.rows("ticker").get("KRW-ETH|2024-05-02");
        assertThat(eth.values().get("change_rate")).isEqualByComparingTo("-0.5");

        assertThat(model.rows("trade").keySet()).containsExactlyInAnyOrder(
                "KRW-BTC|1714607999400000|2024-05-01", "KRW-XRP|1714608000250000|2024-05-02");
        assertThat(model.rows("trade").get("KRW-XRP|1714608000250000|2024-05-02").values().get("trade_price"))
                .isEqualByComparingTo("0.00012345");

        // line 9 is older than line 3: line 3 stays; orderbook's dt is the message's day
        LakeModel.ExpectedRow book = model.rows("orderbook").get("KRW-ETH|2024-05-02");
        assertThat(book.line()).isEqualTo(3);
        assertThat(book.values()).isEqualTo(Map.of("ask_price_1", new BigDecimal("3500500"),
                "bid_price_1", new BigDecimal("3500000")));
        assertThat(model.rowsPerDay("trade")).isEqualTo(Map.of("2024-05-01", 1, "2024-05-02", 1));
    }

    @Test
    void aBadLineNotInThePoisonIndexIsAnErrorOfTheWorkload(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, LINES.get(0) + "\nnot json\n");
        assertThatThrownBy(() -> LakeModel.of(file, Set.of())).hasMessageContaining("bad.jsonl:2");
    }
}
