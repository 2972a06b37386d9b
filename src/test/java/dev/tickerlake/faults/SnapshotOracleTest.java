package dev.tickerlake.faults;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.faults.SnapshotOracle.Content;
import dev.tickerlake.faults.SnapshotOracle.Version;
import dev.tickerlake.lake.UpbitTables;
import org.apache.paimon.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The oracle reads a version with Paimon and renders it by the API's rules, so an answer compares value by value. */
class SnapshotOracleTest {

    @TempDir
    Path warehouse;

    @Test
    void readsEachVersionByIdAndCommitTimeAndRendersLikeTheApiContract() throws Exception {
        try (UpbitTables tables = new UpbitTables(UpbitTables.localOptions(warehouse))) {
            tables.createTicker("ticker", Map.of());
            long first = tables.commit("ticker", UpbitTables.ticker(RowKind.INSERT, "KRW-BTC", 1.5, UpbitTables.T0 + 20));
            long second = tables.commit("ticker", UpbitTables.ticker(RowKind.INSERT, "KRW-BTC", 2.25, UpbitTables.T0 + 30));
            SnapshotOracle oracle = new SnapshotOracle(tables.catalog());
            Version v1 = oracle.current("ticker", first).orElseThrow();
            Version v2 = oracle.current("ticker", second).orElseThrow();

            Content at1 = oracle.content(v1, null);
            assertThat(at1.rows()).containsOnlyKeys("s:KRW-BTC|s:2024-05-01|");
            List<String> row = at1.rows().values().iterator().next();
            assertThat(at1.columns()).containsExactly("market", "dt", "symbol", "type", "price", "volume",
                    "change_rate", "timestamp", "trade_timestamp", "sequential_id", "is_trading_suspended");
            assertThat(row).containsExactly("s:KRW-BTC", "s:2024-05-01", "s:BTC", "s:ticker", "n:1.5", "n:1234.5",
                    "n:0.01", "s:2024-05-01T00:00:00.020Z", "s:2024-05-01T00:00:00.010Z",
                    "n:" + (UpbitTables.T0 + 20) * 1000, "s:false");
            assertThat(oracle.content(v2, null).rows().values().iterator().next()).contains("n:2.25");

            // The API's JSON for that row renders the same; a string where a number belongs does not.
            JsonNode api = new ObjectMapper().readTree("{\"market\":\"KRW-BTC\",\"dt\":\"2024-05-01\",\"symbol\":\"BTC\","
                    + "\"type\":\"ticker\",\"price\":1.5,\"volume\":1234.5,\"change_rate\":0.01,"
                    + "\"timestamp\":\"2024-05-01T00:00:00.020Z\",\"trade_timestamp\":\"2024-05-01T00:00:00.010Z\","
                    + "\"sequential_id\":" + (UpbitTables.T0 + 20) * 1000 + ",\"is_trading_suspended\":\"false\"}");
            assertThat(SnapshotOracle.render(at1, api)).isEqualTo(row);
            ((com.fasterxml.jackson.databind.node.ObjectNode) api).put("price", "1.5");
            assertThat(SnapshotOracle.render(at1, api)).isNotEqualTo(row);

            // A version is its id and commit time: the same id committed again after a rollback is another version.
            assertThat(oracle.content(new Version("ticker", second, v2.timeMillis() + 1), null)).isNull();
            assertThat(at1.filtered(List.<String[]>of(new String[] {"market", "KRW-ETH"}))).isEmpty();
            assertThat(at1.filtered(List.<String[]>of(new String[] {"market", "KRW-BTC"}))).hasSize(1);
        }
    }
}
