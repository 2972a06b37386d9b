package dev.tickerlake.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.lake.Change;
import dev.tickerlake.lake.Diff;
import dev.tickerlake.lake.Instants;
import dev.tickerlake.lake.Rollback;
import dev.tickerlake.lake.Rows;
import dev.tickerlake.lake.SnapshotInfo;
import dev.tickerlake.admin.Responses.SnapshotPage;
import dev.tickerlake.lake.SnapshotRef;
import dev.tickerlake.lake.TagInfo;
import dev.tickerlake.admin.Responses.TagList;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The records write exactly the JSON of DESIGN.md's admin API with a plain Jackson mapper. */
class ResponsesJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MILLIS = 1714521600123L;
    private static final SnapshotRef REF = SnapshotRef.of(7, MILLIS);

    @Test
    void snapshotReferencesCarryIdAndCommitTimeInIsoUtcAndMillis() throws Exception {
        assertThat(JSON.writeValueAsString(REF))
                .isEqualTo("{\"id\":7,\"commitTime\":\"2024-05-01T00:00:00.123Z\",\"commitTimeMillis\":1714521600123}");
        assertThat(Instants.isoUtc(1714521600000L)).isEqualTo("2024-05-01T00:00:00.000Z");
    }

    @Test
    void rowsAndDiffsHaveTheContractsShape() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("market", "KRW-BTC");
        row.put("price", 95000000.0);
        row.put("sequential_id", 17L);
        row.put("timestamp", "2024-05-01T00:00:00.123Z");
        row.put("mystery_field", null);
        String ref = JSON.writeValueAsString(REF);
        assertThat(JSON.writeValueAsString(new Rows(REF, 40, List.of(row), true))).isEqualTo("{\"snapshot\":" + ref
                + ",\"offset\":40,\"rows\":[{\"market\":\"KRW-BTC\",\"price\":9.5E7,\"sequential_id\":17,"
                + "\"timestamp\":\"2024-05-01T00:00:00.123Z\",\"mystery_field\":null}],\"truncated\":true}");
        assertThat(JSON.writeValueAsString(new Diff(REF, REF, List.of(new Change("-D", Map.of("market", "KRW-XRP"))),
                false))).isEqualTo("{\"from\":" + ref + ",\"to\":" + ref
                + ",\"changes\":[{\"kind\":\"-D\",\"row\":{\"market\":\"KRW-XRP\"}}],\"truncated\":false}");
    }

    @Test
    void snapshotPagesTagsAndRollbacksHaveTheContractsShape() throws Exception {
        assertThat(JSON.writeValueAsString(new SnapshotPage(List.of(new SnapshotInfo(7, REF.commitTime(), MILLIS,
                "APPEND", 10L, null)), null))).isEqualTo("{\"snapshots\":[{\"id\":7,\"commitTime\":"
                + "\"2024-05-01T00:00:00.123Z\",\"commitTimeMillis\":1714521600123,\"commitKind\":\"APPEND\","
                + "\"totalRecordCount\":10,\"deltaRecordCount\":null}],\"next\":null}");
        assertThat(JSON.writeValueAsString(new TagList(List.of(new TagInfo("release", 7, REF.commitTime())))))
                .isEqualTo("{\"tags\":[{\"name\":\"release\",\"snapshot\":7,\"commitTime\":\"2024-05-01T00:00:00.123Z\"}]}");
        assertThat(JSON.writeValueAsString(new Rollback(REF, List.of(8L, 9L), List.of("release"), false)))
                .isEqualTo("{\"target\":" + JSON.writeValueAsString(REF)
                        + ",\"removesSnapshots\":[8,9],\"removesTags\":[\"release\"],\"done\":false}");
        assertThat(JSON.writeValueAsString(ApiException.notFound("no_such_tag", "tag 'x' does not exist").getBody()))
                .isEqualTo("{\"error\":\"no_such_tag\",\"detail\":\"tag 'x' does not exist\"}");
    }
}
