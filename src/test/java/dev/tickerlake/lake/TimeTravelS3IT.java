package dev.tickerlake.lake;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.tickerlake.admin.TablesApi;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.tickerlake.lake.UpbitTables.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;

/** The time-travel service against an {@code s3://} warehouse on the embedded S3 server, through paimon-s3. */
class TimeTravelS3IT {

    @TempDir
    static Path s3Data;
    static EmbeddedS3 s3;
    static UpbitTables tables;
    static TimeTravelService lake;
    static TablesApi service;
    static long[] ids;
    static long[] rollbackIds;

    @BeforeAll
    static void start() throws Exception {
        // The filesystem-nio2 backend keeps a bucket as a directory under its base directory.
        Files.createDirectories(s3Data.resolve("paimon"));
        s3 = new EmbeddedS3("127.0.0.1", EmbeddedKafka.freePort(), s3Data, "minioadmin", "minioadmin");
        s3.start();
        Map<String, String> options = TimeTravelService.catalogOptions("s3://paimon/warehouse", s3.endpoint(),
                s3.accessKey(), s3.secretKey());
        tables = new UpbitTables(options);
        tables.createTicker("ticker", Map.of());
        ids = TickerHistory.write(tables, "ticker");
        tables.createTicker("ticker_rollback", Map.of());
        rollbackIds = TickerHistory.write(tables, "ticker_rollback");
        lake = new TimeTravelService(options);
        service = new TablesApi(lake);
    }

    @AfterAll
    static void stop() throws Exception {
        if (lake != null) {
            lake.close();
        }
        if (tables != null) {
            tables.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void readsEverySnapshotATimestampAndATagFromS3() throws Exception {
        assertThat(Files.exists(s3Data.resolve("paimon/warehouse/upbit.db/ticker"))).isTrue();
        assertThat(service.tables().tables()).extracting(t -> t.table()).containsExactly("ticker", "ticker_rollback");
        assertThat(service.describe(DATABASE, "ticker").options().values()).doesNotContain(s3.secretKey());
        for (long id : ids) {
            assertThat(service.rows(DATABASE, "ticker", Long.toString(id), null, null, null, null).rows())
                    .containsExactlyInAnyOrderElementsOf(tables.readAt("ticker", id));
        }
        FileStoreTable table = tables.table("ticker");
        long between = (table.snapshot(ids[1]).timeMillis() + table.snapshot(ids[2]).timeMillis()) / 2;
        Rows atTime = service.rows(DATABASE, "ticker", null, Long.toString(between), null, null, null);
        assertThat(atTime.snapshot().id()).isEqualTo(ids[1]);

        service.createTag(DATABASE, "ticker", "s3_tag", Long.toString(ids[1]));
        assertThat(service.rows(DATABASE, "ticker", null, null, "s3_tag", "market:KRW-BTC", null).rows())
                .extracting(r -> r.get("price")).containsExactly(TickerHistory.BTC_2);
        Diff diff = service.diff(DATABASE, "ticker", "s3_tag", Long.toString(ids[4]), null, null);
        assertThat(diff.changes()).extracting(c -> c.kind() + " " + c.row().get("market") + " " + c.row().get("dt"))
                .containsExactlyInAnyOrder("-D KRW-XRP 2024-05-01", "+I KRW-BTC 2024-05-02",
                        "-U KRW-ETH 2024-05-01", "+U KRW-ETH 2024-05-01");
    }

    @Test
    void rollbackOnS3RemovesExactlyItsPlan() throws Exception {
        String table = "ticker_rollback";
        service.createTag(DATABASE, table, "newest", null);
        Rollback plan = service.rollback(DATABASE, table, Long.toString(rollbackIds[3]), null, true);
        assertThat(plan.removesSnapshots()).containsExactly(rollbackIds[4]);
        assertThat(plan.removesTags()).containsExactly("newest");
        List<Map<String, Object>> atTarget = tables.readAt(table, rollbackIds[3]);
        Rollback done = service.rollback(DATABASE, table, Long.toString(rollbackIds[3]), null, false);
        assertThat(done.removesSnapshots()).isEqualTo(plan.removesSnapshots());
        assertThat(done.removesTags()).isEqualTo(plan.removesTags());
        assertThat(service.tags(DATABASE, table).tags()).isEmpty();
        assertThat(service.rows(DATABASE, table, null, null, null, null, null).rows())
                .containsExactlyInAnyOrderElementsOf(atTarget);
        for (long id = rollbackIds[0]; id <= rollbackIds[3]; id++) {
            assertThat(service.rows(DATABASE, table, Long.toString(id), null, null, null, null).rows())
                    .containsExactlyInAnyOrderElementsOf(tables.readAt(table, id));
        }
    }
}
