package dev.tickerlake.lake;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tickerlake.admin.ApiException;
import dev.tickerlake.admin.TablesApi;
import dev.tickerlake.admin.Responses.SnapshotPage;
import org.apache.paimon.Snapshot;
import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.tickerlake.lake.UpbitTables.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class TableReadsTest extends LocalLakeFixture {

    static long[] ids;

    @BeforeAll
    static void writeHistory() throws Exception {
        tables.createTicker("ticker", Map.of(
                // Credentials someone put into table options must never be shown.
                "s3.secret-key", "do-not-show", "fs.s3a.access.key", "do-not-show-either"));
        tables.createTrade("trade", Map.of());
        ids = TickerHistory.write(tables, "ticker");
    }

    @Test
    void listsTablesWithKeysAndTheirLatestSnapshot() throws Exception {
        Snapshot latest = tables.table("ticker").latestSnapshot().orElseThrow();
        assertThat(service.tables().tables())
                .extracting(t -> t.database(), t -> t.table(), t -> t.primaryKeys(), t -> t.partitionKeys(), t -> t.latestSnapshot())
                .containsExactly(
                        tuple(DATABASE, "ticker", List.of("market", "dt"), List.of("dt"),
                                SnapshotRef.of(latest.id(), latest.timeMillis())),
                        tuple(DATABASE, "trade", List.of("market", "sequential_id", "dt"), List.of("dt"), null));
    }

    @Test
    void describesColumnsKeysAndOptionsWithoutCredentials() {
        TableDescription description = service.describe(DATABASE, "ticker");
        assertThat(description.fields()).extracting(f -> f.name(), f -> f.type(), f -> f.nullable()).startsWith(
                tuple("market", "STRING", false), tuple("dt", "STRING", false), tuple("symbol", "STRING", true));
        assertThat(description.fields()).extracting(f -> f.name(), f -> f.type())
                .contains(tuple("timestamp", "TIMESTAMP(3)"), tuple("sequential_id", "BIGINT"),
                        tuple("is_trading_suspended", "BOOLEAN"), tuple("price", "DOUBLE"));
        assertThat(description.primaryKeys()).containsExactly("market", "dt");
        assertThat(description.options()).containsEntry("bucket", "4").containsEntry("changelog-producer", "input")
                .containsEntry("merge-engine", "deduplicate").containsEntry("sequence.field", "timestamp")
                .doesNotContainKeys("s3.secret-key", "fs.s3a.access.key");
        assertThat(description.options().values()).noneMatch(v -> v.startsWith("do-not-show"));
        assertThat(description.latestSnapshot().id()).isEqualTo(ids[4]);
    }

    @Test
    void pagesSnapshotsNewestFirst() throws Exception {
        SnapshotPage first = service.snapshots(DATABASE, "ticker", "2", null);
        assertThat(first.snapshots()).extracting(s -> s.id()).containsExactly(ids[4], ids[3]);
        assertThat(first.next()).isEqualTo("/api/tables/upbit/ticker/snapshots?limit=2&before=" + ids[3]);
        SnapshotPage second = service.snapshots(DATABASE, "ticker", "2", Long.toString(ids[3]));
        assertThat(second.snapshots()).extracting(s -> s.id()).containsExactly(ids[2], ids[1]);
        SnapshotPage last = service.snapshots(DATABASE, "ticker", "2", Long.toString(ids[1]));
        assertThat(last.snapshots()).extracting(s -> s.id()).containsExactly(ids[0]);
        assertThat(last.next()).isNull();

        Snapshot third = tables.table("ticker").snapshot(ids[2]);
        assertThat(second.snapshots().get(0)).isEqualTo(new SnapshotInfo(third.id(),
                Instants.isoUtc(third.timeMillis()), third.timeMillis(), "APPEND", third.totalRecordCount(),
                third.deltaRecordCount()));
        assertThat(second.snapshots().get(0).commitTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(service.snapshots(DATABASE, "ticker", null, null).snapshots()).hasSize(5);
    }

    /**
     * A snapshot file the sync job is writing at that moment ({@code snapshot-<id>-<uuid>} next to the snapshots) was
     * read as a snapshot id and the listing failed with a 500 (the hostile-HTTP full run, seed 20261207, sample 6562).
     */
    @Test
    void aSnapshotFileBeingWrittenIsNoSnapshotAndNoFailure() throws Exception {
        Path stray = warehouse.resolve(DATABASE + ".db").resolve("ticker").resolve("snapshot")
                .resolve("snapshot-" + (ids[4] + 1) + "-ae560951-c7f2-4389-a9eb-5d02317f04c5");
        Files.writeString(stray, "{}");
        try {
            assertThat(service.snapshots(DATABASE, "ticker", null, null).snapshots()).extracting(s -> s.id())
                    .containsExactly(ids[4], ids[3], ids[2], ids[1], ids[0]);
        } finally {
            Files.delete(stray);
        }
    }

    @Test
    void rowsAtEverySnapshotAreWhatPaimonReadsThere() throws Exception {
        for (long id : ids) {
            Rows rows = service.rows(DATABASE, "ticker", Long.toString(id), null, null, null, null);
            assertThat(rows.snapshot().id()).isEqualTo(id);
            assertThat(rows.rows()).containsExactlyInAnyOrderElementsOf(tables.readAt("ticker", id));
            assertThat(rows.truncated()).isFalse();
        }
        Rows latest = service.rows(DATABASE, "ticker", null, null, null, null, null);
        assertThat(latest.snapshot().id()).isEqualTo(ids[4]);
        assertThat(latest.rows()).containsExactlyInAnyOrderElementsOf(tables.read("ticker", Map.of()));
    }

    @Test
    void rowsShowTheLatestTickByExchangeTimeAndNoDeletedMarket() {
        Rows afterDelete = service.rows(DATABASE, "ticker", Long.toString(ids[2]), null, null, null, null);
        assertThat(afterDelete.rows()).extracting(r -> r.get("market"), r -> r.get("dt")).containsExactlyInAnyOrder(
                tuple("KRW-BTC", "2024-05-01"), tuple("KRW-ETH", "2024-05-01"), tuple("KRW-SOL", "2024-05-01"),
                tuple("KRW-BTC", "2024-05-02"));
        Rows afterLateTick = service.rows(DATABASE, "ticker", Long.toString(ids[3]), null, null, "market:KRW-SOL", null);
        assertThat(afterLateTick.rows()).singleElement().satisfies(row -> {
            assertThat(row.get("price")).isEqualTo(200_000.0);
            assertThat(row.get("timestamp")).isEqualTo("2024-05-01T00:00:02.100Z");
            assertThat(row.get("sequential_id")).isEqualTo((UpbitTables.T0 + 2_100) * 1000);
            assertThat(row.get("is_trading_suspended")).isEqualTo("false");
        });
    }

    @Test
    void rowsAtATimestampAreThoseOfTheLatestSnapshotCommittedAtOrBeforeIt() throws Exception {
        FileStoreTable table = tables.table("ticker");
        long second = table.snapshot(ids[1]).timeMillis();
        long third = table.snapshot(ids[2]).timeMillis();
        long between = second + (third - second) / 2;
        assertThat(between).isGreaterThanOrEqualTo(second).isLessThan(third);

        Rows rows = service.rows(DATABASE, "ticker", null, Long.toString(between), null, null, null);
        assertThat(rows.snapshot()).isEqualTo(SnapshotRef.of(ids[1], second));
        assertThat(rows.rows()).containsExactlyInAnyOrderElementsOf(tables.readAt("ticker", ids[1]));

        assertThat(service.rows(DATABASE, "ticker", null, Instants.isoUtc(third), null, null, null).snapshot().id())
                .isEqualTo(ids[2]);
        assertThat(service.rows(DATABASE, "ticker", null, Long.toString(System.currentTimeMillis() + UpbitTables.DAY), null, null, null)
                .snapshot().id()).isEqualTo(ids[4]);
        long first = table.snapshot(ids[0]).timeMillis();
        assertThatThrownBy(() -> service.rows(DATABASE, "ticker", null, Long.toString(first - 1), null, null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatus()).isEqualTo(404);
                    assertThat(e.getError()).isEqualTo("no_snapshot_at_time");
                });
    }

    /**
     * A rollback or an expiry removes snapshot files while a {@code ?timestamp=} read searches them: the answer is the
     * state after the removal, or a 404 saying what happened, never a 500.
     */
    @Test
    void snapshotsRemovedWhileATimestampIsResolvedAreA404NotAFailure() throws Exception {
        tables.createTicker("ticker_removed", Map.of());
        long[] written = TickerHistory.write(tables, "ticker_removed");
        FileStoreTable table = tables.table("ticker_removed");
        long last = table.snapshot(written[written.length - 1]).timeMillis();
        for (int i = 1; i < written.length - 1; i++) {
            // What a rollback's deletion looks like to a reader that listed the ids before it.
            table.fileIO().deleteQuietly(table.snapshotManager().snapshotPath(written[i]));
        }
        assertStatus(() -> service.rows(DATABASE, "ticker_removed", null, Long.toString(last - 1), null, null, null),
                404, "no_snapshot_at_time");
    }

    @Test
    void whereConditionsArePushedDownWithTheColumnsType() throws Exception {
        List<Map<String, Object>> all = tables.read("ticker", Map.of());
        assertThat(service.rows(DATABASE, "ticker", null, null, null, "market:KRW-BTC", null).rows())
                .containsExactlyInAnyOrderElementsOf(all.stream().filter(r -> r.get("market").equals("KRW-BTC")).toList());
        assertThat(service.rows(DATABASE, "ticker", null, null, null, List.of("market:KRW-BTC", "dt:2024-05-02"), null)
                .rows()).extracting(r -> r.get("price")).containsExactly(96_500_000.0);
        assertThat(service.rows(DATABASE, "ticker", Long.toString(ids[1]), null, null, "price:95100000", null).rows())
                .extracting(r -> r.get("market")).containsExactly("KRW-BTC");
        // An older version of the row matched, the current one does not: no row (the filter applies after merging).
        assertThat(service.rows(DATABASE, "ticker", Long.toString(ids[1]), null, null, "price:95000000", null).rows())
                .isEmpty();
        assertThat(service.rows(DATABASE, "ticker", null, null, null, "timestamp:2024-05-01T00:00:04Z", null).rows())
                .extracting(r -> r.get("market")).containsExactly("KRW-ETH");
        assertThat(service.rows(DATABASE, "ticker", null, null, null, "is_trading_suspended:true", null).rows()).isEmpty();
        assertThat(service.rows(DATABASE, "ticker", null, null, null,
                "sequential_id:" + (UpbitTables.T0 + 4_000) * 1000, null).rows()).hasSize(1);
    }

    @Test
    void badWhereConditionsAreBadRequests() {
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, "nope:1", null), 400, "unknown_column");
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, "price:cheap", null), 400, "invalid_value");
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, "is_trading_suspended:maybe", null), 400,
                "invalid_value");
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, "timestamp:noon", null), 400, "invalid_value");
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, "sequential_id:1.5", null), 400,
                "invalid_value");
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, "market", null), 400, "invalid_where");
    }

    @Test
    void aReadLargerThanTheReadBudgetIsTruncatedAndSaysSo() throws Exception {
        Rows all = service.rows(DATABASE, "ticker", null, null, null, null, "10000");
        assertThat(all.rows()).hasSizeGreaterThan(2);
        long twoRows = RowRenderer.heapBytes(all.rows().get(0)) + RowRenderer.heapBytes(all.rows().get(1));
        try (TimeTravelService smallLake = new TimeTravelService(UpbitTables.localOptions(warehouse))) {
            TablesApi small = new TablesApi(smallLake);
            smallLake.setReadBudgetBytes(twoRows);
            Rows budgeted = small.rows(DATABASE, "ticker", null, null, null, null, "10000");
            assertThat(budgeted.truncated()).isTrue();
            assertThat(budgeted.rows()).hasSizeLessThan(all.rows().size()).isNotEmpty().isSubsetOf(all.rows());
            // The first row is always answered, however small the budget.
            smallLake.setReadBudgetBytes(1);
            assertThat(small.rows(DATABASE, "ticker", null, null, null, null, "10000").rows()).hasSize(1);
        }
    }

    @Test
    void limitTruncatesAndIsCapped() {
        Rows two = service.rows(DATABASE, "ticker", null, null, null, null, "2");
        assertThat(two.rows()).hasSize(2);
        assertThat(two.truncated()).isTrue();
        Rows exact = service.rows(DATABASE, "ticker", null, null, null, null, "4");
        assertThat(exact.rows()).hasSize(4);
        assertThat(exact.truncated()).isFalse();
        assertThat(service.rows(DATABASE, "ticker", null, null, null, null, "1000000").truncated()).isFalse();
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, null, "0"), 400, "invalid_limit");
    }

    @Test
    void offsetPagesThroughTheSameRowsInTheSameOrder() {
        List<Map<String, Object>> all = service.rows(DATABASE, "ticker", null, null, null, null, "100").rows();
        assertThat(all).hasSizeGreaterThanOrEqualTo(4);
        List<Map<String, Object>> paged = new ArrayList<>();
        for (int offset = 0; offset < all.size(); offset += 3) {
            Rows page = service.rows(DATABASE, "ticker", null, null, null, null, "3", String.valueOf(offset));
            assertThat(page.offset()).isEqualTo(offset);
            paged.addAll(page.rows());
        }
        assertThat(paged).isEqualTo(all);
        Rows beyond = service.rows(DATABASE, "ticker", null, null, null, null, "3", String.valueOf(all.size()));
        assertThat(beyond.rows()).isEmpty();
        assertThat(beyond.truncated()).isFalse();
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, null, "3", "-1"), 400, "invalid_offset");
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, null, null, "3", "1000001"), 400,
                "invalid_offset");
    }

    /** Seen in ReadersDuringWritesIT: a rows read of the latest snapshot while a rollback removed it answered a 500. */
    @Test
    void aLatestReadWhoseSnapshotVanishesMeanwhileIsReadAgainAndANamedOneIsA404() {
        AtomicInteger reads = new AtomicInteger();
        String answer = TimeTravelService.whileLatestVanishes(ReadPoint.latest(), () -> {
            if (reads.incrementAndGet() == 1) {
                throw LakeException.notFound("no_such_snapshot", "snapshot 5 of upbit.ticker expired while it was read");
            }
            return "rows of the latest snapshot now";
        });
        assertThat(answer).isEqualTo("rows of the latest snapshot now");
        assertThat(reads).hasValue(2);
        assertThatThrownBy(() -> TimeTravelService.whileLatestVanishes(ReadPoint.snapshot(5), () -> {
            throw LakeException.notFound("no_such_snapshot", "snapshot 5 of upbit.ticker expired while it was read");
        })).isInstanceOf(LakeException.class);
        // Paimon's own words for a snapshot file removed under a read (not a FileNotFoundException).
        assertThat(TableHistory.snapshotVanished(new RuntimeException("Snapshot file s3://paimon/warehouse/upbit.db/"
                + "ticker/snapshot/snapshot-5 does not exist. It might have been expired by other jobs operating on "
                + "this table."))).isTrue();
        assertThat(TableHistory.snapshotVanished(new RuntimeException("something else"))).isFalse();
    }

    @Test
    void unknownTablesSnapshotsAndTagsAreNotFound() {
        assertStatus(() -> service.describe(DATABASE, "orderbook"), 404, "no_such_table");
        assertStatus(() -> service.describe("nodb", "ticker"), 404, "no_such_table");
        assertStatus(() -> service.rows(DATABASE, "ticker", "999", null, null, null, null), 404, "no_such_snapshot");
        assertStatus(() -> service.rows(DATABASE, "ticker", "0", null, null, null, null), 404, "no_such_snapshot");
        assertStatus(() -> service.rows(DATABASE, "ticker", null, null, "nope", null, null), 404, "no_such_tag");
    }

    @Test
    void malformedRequestsAreBadRequests() {
        assertStatus(() -> service.describe("Upbit", "ticker"), 400, "invalid_name");
        assertStatus(() -> service.rows(DATABASE, "ticker$snapshots", null, null, null, null, null), 400, "invalid_name");
        assertStatus(() -> service.rows(DATABASE, "ticker", "latest", null, null, null, null), 400, "invalid_snapshot");
        assertStatus(() -> service.rows(DATABASE, "ticker", "1", null, "x", null, null), 400, "invalid_request");
        assertStatus(() -> service.rows(DATABASE, "ticker", null, "soon", null, null, null), 400, "invalid_timestamp");
        assertStatus(() -> service.snapshots(DATABASE, "ticker", "many", null), 400, "invalid_limit");
        assertStatus(() -> service.snapshots(DATABASE, "ticker", null, "x"), 400, "invalid_snapshot");
    }

    @Test
    void aTableWithoutSnapshotsHasNoRowsAndNoLatestSnapshot() {
        Rows rows = service.rows(DATABASE, "trade", null, null, null, null, null);
        assertThat(rows.snapshot()).isNull();
        assertThat(rows.rows()).isEmpty();
        assertThat(service.snapshots(DATABASE, "trade", null, null).snapshots()).isEmpty();
        assertStatus(() -> service.rows(DATABASE, "trade", "1", null, null, null, null), 404, "no_such_snapshot");
        assertStatus(() -> service.rows(DATABASE, "trade", null, null, null, "nope:1", null), 400, "unknown_column");
    }

    static void assertStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String error) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getStatus()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.getError()).as(e.getMessage()).isEqualTo(error);
        });
    }
}
