package dev.tickerlake.lake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tickerlake.admin.ApiException;
import dev.tickerlake.admin.TablesApi;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.ReadBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.tickerlake.lake.TableReadsTest.assertStatus;
import static dev.tickerlake.lake.UpbitTables.DATABASE;
import static dev.tickerlake.lake.UpbitTables.DAY;
import static dev.tickerlake.lake.UpbitTables.T0;
import static dev.tickerlake.lake.UpbitTables.trade;
import static org.apache.paimon.types.RowKind.DELETE;
import static org.apache.paimon.types.RowKind.INSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class TableDiffTest extends LocalLakeFixture {

    static long[] tickerIds;
    static long[] tradeIds = new long[3];

    @BeforeAll
    static void writeHistory() throws Exception {
        tables.createTicker("ticker", Map.of());
        tickerIds = TickerHistory.write(tables, "ticker");

        tables.createTrade("trade", Map.of());
        List<GenericRow> firstDay = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            firstDay.add(trade(INSERT, i % 2 == 0 ? "KRW-BTC" : "KRW-ETH", 1_000 + i, 100.0 + i, 0.5, T0 + i * 1_000L));
        }
        tradeIds[0] = tables.commit("trade", firstDay);
        List<GenericRow> secondDay = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            secondDay.add(trade(INSERT, "KRW-BTC", 5_000 + i, 200.0 + i, 0.25, T0 + DAY + i * 1_000L));
        }
        // A corrected trade (same key, later message time) and a cancelled one.
        secondDay.add(trade(INSERT, "KRW-BTC", 1_010, 111.0, 0.75, T0 + 10 * 1_000L + 1));
        secondDay.add(trade(DELETE, "KRW-ETH", 1_011, 111.0, 0.5, T0 + 11 * 1_000L + 1));
        tradeIds[1] = tables.commit("trade", secondDay);
        // The same trade sent again, unchanged (a replayed frame): not a change.
        tradeIds[2] = tables.commit("trade", trade(INSERT, "KRW-BTC", 5_000, 200.0, 0.25, T0 + DAY));

    }

    @Test
    void diffIsTheKeyBySetDifferenceOfTheTwoReads() throws Exception {
        for (int from = 0; from < tickerIds.length; from++) {
            for (int to = 0; to < tickerIds.length; to++) {
                Diff diff = service.diff(DATABASE, "ticker", id(tickerIds[from]), id(tickerIds[to]), null, null);
                assertThat(diff.from().id()).isEqualTo(tickerIds[from]);
                assertThat(diff.to().id()).isEqualTo(tickerIds[to]);
                assertThat(diff.changes()).as("diff %s..%s", tickerIds[from], tickerIds[to])
                        .containsExactlyInAnyOrderElementsOf(expectedDiff("ticker", List.of("market", "dt"),
                                tickerIds[from], tickerIds[to]));
                assertPairsAdjacent(diff.changes());
                assertThat(diff.truncated()).isFalse();
            }
        }
    }

    @Test
    void diffShowsUpdatesAsBeforeAndAfterInsertsAndDeletes() {
        Diff diff = service.diff(DATABASE, "ticker", id(tickerIds[0]), id(tickerIds[2]), null, null);
        assertThat(diff.changes()).extracting(c -> c.kind(), c -> c.row().get("market"), c -> c.row().get("dt"),
                c -> c.row().get("price")).containsExactlyInAnyOrder(
                tuple("-U", "KRW-BTC", "2024-05-01", TickerHistory.BTC_1),
                tuple("+U", "KRW-BTC", "2024-05-01", TickerHistory.BTC_2),
                tuple("+I", "KRW-SOL", "2024-05-01", 200_000.0),
                tuple("-D", "KRW-XRP", "2024-05-01", 700.0),
                tuple("+I", "KRW-BTC", "2024-05-02", 96_000_000.0));
        // The late SOL tick of snapshot 4 changed nothing.
        assertThat(service.diff(DATABASE, "ticker", id(tickerIds[2]), id(tickerIds[3]), null, null).changes())
                .extracting(c -> c.kind(), c -> c.row().get("market"))
                .containsExactly(tuple("-U", "KRW-ETH"), tuple("+U", "KRW-ETH"));
    }

    @Test
    void paimonsInputChangelogIsWhatWasWrittenNotTheNetChange() throws Exception {
        // Why diff does not read the changelog: an upsert sent as INSERT shows as +I with no before image, and the
        // late tick that sequence.field rejected is still there.
        FileStoreTable between = tables.table("ticker").copy(Map.of(
                "incremental-between", tickerIds[0] + "," + tickerIds[3],
                "incremental-between-scan-mode", "changelog"));
        ReadBuilder builder = between.newReadBuilder();
        List<String> changelog = new ArrayList<>();
        try (RecordReader<InternalRow> reader = builder.newRead().createReader(builder.newScan().plan())) {
            reader.forEachRemaining(row -> changelog.add(row.getRowKind().shortString() + " " + row.getString(0)
                    + " " + row.getDouble(4)));
        }
        assertThat(changelog).contains("+I KRW-BTC " + TickerHistory.BTC_2, "+I KRW-SOL 1.0")
                .doesNotContain("-U KRW-BTC " + TickerHistory.BTC_1);
    }

    @Test
    void diffBetweenTradeSnapshotsIsExactAcrossPartitionsAndBuckets() throws Exception {
        List<String> key = List.of("market", "sequential_id", "dt");
        Diff diff = service.diff(DATABASE, "trade", id(tradeIds[0]), id(tradeIds[1]), null, "10000");
        assertThat(diff.changes()).containsExactlyInAnyOrderElementsOf(expectedDiff("trade", key, tradeIds[0], tradeIds[1]));
        assertThat(diff.changes()).extracting(Change::kind).filteredOn("+I"::equals).hasSize(100);
        assertThat(diff.changes()).extracting(c -> c.kind(), c -> c.row().get("sequential_id"))
                .contains(tuple("-U", 1_010L), tuple("+U", 1_010L), tuple("-D", 1_011L));
        // Re-sending an unchanged trade is no change (Paimon's own diff scan mode would report it).
        assertThat(service.diff(DATABASE, "trade", id(tradeIds[1]), id(tradeIds[2]), null, null).changes()).isEmpty();
        FileStoreTable paimonDiff = tables.table("trade").copy(Map.of(
                "incremental-between", tradeIds[1] + "," + tradeIds[2], "incremental-between-scan-mode", "diff"));
        ReadBuilder builder = paimonDiff.newReadBuilder();
        List<Long> reported = new ArrayList<>();
        try (RecordReader<InternalRow> reader = builder.newRead().createReader(builder.newScan().plan())) {
            reader.forEachRemaining(row -> reported.add(row.getLong(2)));
        }
        assertThat(reported).containsExactly(5_000L);
    }

    @Test
    void whereFiltersBothReadsBeforeComparing() throws Exception {
        Diff diff = service.diff(DATABASE, "trade", id(tradeIds[0]), id(tradeIds[1]), "market:KRW-ETH", null);
        assertThat(diff.changes()).extracting(c -> c.kind(), c -> c.row().get("sequential_id"))
                .containsExactly(tuple("-D", 1_011L));
        Diff btc = service.diff(DATABASE, "ticker", id(tickerIds[0]), id(tickerIds[4]),
                List.of("market:KRW-BTC", "dt:2024-05-02"), null);
        assertThat(btc.changes()).extracting(c -> c.kind(), c -> c.row().get("price"))
                .containsExactly(tuple("+I", 96_500_000.0));
        assertStatus(() -> service.diff(DATABASE, "ticker", "1", "2", "nope:x", null), 400, "unknown_column");
    }

    @Test
    void compactionChangesFilesButNotRows() throws Exception {
        tables.createTicker("ticker_compacted", Map.of());
        long[] ids = TickerHistory.write(tables, "ticker_compacted");
        long compacted = tables.compactAll("ticker_compacted");
        assertThat(tables.table("ticker_compacted").snapshot(compacted).commitKind())
                .isEqualTo(org.apache.paimon.Snapshot.CommitKind.COMPACT);
        assertThat(service.diff(DATABASE, "ticker_compacted", id(ids[4]), id(compacted), null, null).changes()).isEmpty();
        assertThat(service.diff(DATABASE, "ticker_compacted", id(compacted), id(ids[4]), null, null).changes()).isEmpty();
        long after = tables.commit("ticker_compacted", UpbitTables.ticker(INSERT, "KRW-DOGE", 200.0, T0 + 9_000));
        for (long from : ids) {
            assertThat(service.diff(DATABASE, "ticker_compacted", id(from), id(after), null, null).changes())
                    .containsExactlyInAnyOrderElementsOf(expectedDiff("ticker_compacted", List.of("market", "dt"), from,
                            after));
        }
    }

    @Test
    void limitTruncatesWithoutSplittingAnUpdatePair() {
        Diff all = service.diff(DATABASE, "trade", id(tradeIds[0]), id(tradeIds[1]), null, "10000");
        assertThat(all.changes()).hasSize(103);
        assertThat(all.truncated()).isFalse();
        for (int limit = 1; limit <= 20; limit++) {
            Diff page = service.diff(DATABASE, "trade", id(tradeIds[0]), id(tradeIds[1]), null, Integer.toString(limit));
            assertThat(page.truncated()).isTrue();
            assertThat(page.changes().size()).isBetween(Math.max(1, limit - 1), Math.max(limit, 2));
            assertPairsAdjacent(page.changes());
            assertThat(all.changes()).containsAll(page.changes());
        }
    }

    @Test
    void aDiffLargerThanTheReadBudgetIsA413OrTruncatedButNeverWrong() throws Exception {
        FileStoreTable trade = tables.table("trade");
        TableHistory history = new TableHistory(trade, "upbit.trade");
        TableVersion from = history.snapshot(tradeIds[0]);
        TableVersion to = history.snapshot(tradeIds[1]);
        TableDiff.Result all = TableDiff.diff(trade, from, to, null, 10_000, new ReadBudget(Long.MAX_VALUE));
        assertThat(all.changes()).hasSize(103);
        long largestRefused = 0;
        boolean sawTruncated = false;
        for (long budget = 1_000; budget <= 1_000_000; budget += budget / 2) {
            try {
                TableDiff.Result answer = TableDiff.diff(trade, from, to, null, 10_000, new ReadBudget(budget));
                if (answer.truncated()) {
                    sawTruncated = true;
                    assertThat(answer.changes()).isNotEmpty().isSubsetOf(all.changes());
                    assertPairsAdjacent(answer.changes());
                } else {
                    assertThat(answer.changes()).containsExactlyInAnyOrderElementsOf(all.changes());
                }
            } catch (LakeException refused) {
                ApiException tooLarge = ApiException.of(refused);
                assertThat(tooLarge.getStatus()).isEqualTo(413);
                assertThat(tooLarge.getError()).isEqualTo("diff_too_large");
                assertThat(tooLarge.getDetail()).contains("where=");
                largestRefused = budget;
            }
        }
        assertThat(largestRefused).as("some budget refuses the whole diff").isPositive();
        assertThat(sawTruncated).as("some budget truncates it").isTrue();
        // What the budget refuses whole, it answers narrowed to one market.
        org.apache.paimon.predicate.Predicate eth = RowFilters.predicate(trade.rowType(),
                List.of(new WhereCondition("market", "KRW-ETH")));
        assertThat(TableDiff.diff(trade, from, to, eth, 10_000, new ReadBudget(largestRefused)).changes()).hasSize(1);
        try (TimeTravelService smallLake = new TimeTravelService(UpbitTables.localOptions(warehouse))) {
            TablesApi small = new TablesApi(smallLake);
            smallLake.setReadBudgetBytes(largestRefused);
            assertStatus(() -> small.diff(DATABASE, "trade", id(tradeIds[0]), id(tradeIds[1]), null, "10000"), 413,
                    "diff_too_large");
        }
    }

    @Test
    void diffEndsAreSnapshotIdsOrTags() throws Exception {
        service.createTag(DATABASE, "ticker", "first_tick", id(tickerIds[0]));
        Diff byTag = service.diff(DATABASE, "ticker", "first_tick", id(tickerIds[4]), null, null);
        assertThat(byTag.from().id()).isEqualTo(tickerIds[0]);
        assertThat(byTag.changes()).containsExactlyInAnyOrderElementsOf(
                service.diff(DATABASE, "ticker", id(tickerIds[0]), id(tickerIds[4]), null, null).changes());
        assertStatus(() -> service.diff(DATABASE, "ticker", "no_such_tag", "1", null, null), 404, "no_such_tag");
        assertStatus(() -> service.diff(DATABASE, "ticker", "1", "999", null, null), 404, "no_such_snapshot");
        assertStatus(() -> service.diff(DATABASE, "ticker", "1", "Bad-Tag", null, null), 400, "invalid_name");
        assertStatus(() -> service.diff(DATABASE, "ticker", null, "1", null, null), 400, "invalid_request");
    }

    /** The expected changes, from Paimon's own reads of both snapshots keyed by primary key. */
    static List<Change> expectedDiff(String table, List<String> key, long from, long to) throws Exception {
        Map<List<Object>, Map<String, Object>> before = byKey(tables.readAt(table, from), key);
        Map<List<Object>, Map<String, Object>> after = byKey(tables.readAt(table, to), key);
        List<Change> changes = new ArrayList<>();
        after.forEach((k, row) -> {
            Map<String, Object> old = before.get(k);
            if (old == null) {
                changes.add(new Change("+I", row));
            } else if (!old.equals(row)) {
                changes.add(new Change("-U", old));
                changes.add(new Change("+U", row));
            }
        });
        before.forEach((k, row) -> {
            if (!after.containsKey(k)) {
                changes.add(new Change("-D", row));
            }
        });
        return changes;
    }

    private static Map<List<Object>, Map<String, Object>> byKey(List<Map<String, Object>> rows, List<String> key) {
        Map<List<Object>, Map<String, Object>> byKey = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            byKey.put(key.stream().map(row::get).toList(), row);
        }
        return byKey;
    }

    private static void assertPairsAdjacent(List<Change> changes) {
        Map<String, Integer> kinds = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            kinds.merge(changes.get(i).kind(), 1, Integer::sum);
            if (changes.get(i).kind().equals("-U")) {
                assertThat(i + 1).as("-U at the end").isLessThan(changes.size());
                assertThat(changes.get(i + 1).kind()).isEqualTo("+U");
            }
            if (changes.get(i).kind().equals("+U")) {
                assertThat(i).isPositive();
                assertThat(changes.get(i - 1).kind()).isEqualTo("-U");
            }
        }
    }

    private static String id(long id) {
        return Long.toString(id);
    }
}
