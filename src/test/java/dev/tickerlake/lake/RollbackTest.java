package dev.tickerlake.lake;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tickerlake.admin.SyncControl;
import dev.tickerlake.support.S3Settings;
import dev.tickerlake.sync.SyncJob;
import dev.tickerlake.sync.SyncJobSettings;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.schema.SchemaChange;
import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.tickerlake.lake.TableReadsTest.assertStatus;
import static dev.tickerlake.lake.UpbitTables.DATABASE;
import static dev.tickerlake.lake.UpbitTables.T0;
import static dev.tickerlake.lake.UpbitTables.ticker;
import static org.apache.paimon.types.RowKind.INSERT;
import static org.assertj.core.api.Assertions.assertThat;

class RollbackTest extends TickerHistoryFixture {

    /** Tags on snapshots 2, 4 and (twice) 5 of the five commits. */
    @BeforeEach
    void tagHistory() {
        service.createTag(DATABASE, table, "second", Long.toString(ids[1]));
        service.createTag(DATABASE, table, "fourth", Long.toString(ids[3]));
        service.createTag(DATABASE, table, "fifth", Long.toString(ids[4]));
        service.createTag(DATABASE, table, "release", Long.toString(ids[4]));
    }

    @Test
    void dryRunPlanIsExactlyWhatTheRollbackRemoves() throws Exception {
        Map<Long, List<Map<String, Object>>> before = readAll();
        Rollback plan = service.rollback(DATABASE, table, "{\"snapshot\": " + ids[2] + ", \"dryRun\": true}");
        assertThat(plan.done()).isFalse();
        assertThat(plan.target().id()).isEqualTo(ids[2]);
        assertThat(plan.removesSnapshots()).containsExactly(ids[3], ids[4]);
        assertThat(plan.removesTags()).containsExactly("fourth", "fifth", "release");
        assertThat(service.snapshots(DATABASE, table, null, null).snapshots()).hasSize(5);
        assertThat(service.tags(DATABASE, table).tags()).hasSize(4);

        Rollback done = service.rollback(DATABASE, table, "{\"snapshot\": " + ids[2] + ", \"dryRun\": false}");
        assertThat(done.done()).isTrue();
        assertThat(done.removesSnapshots()).isEqualTo(plan.removesSnapshots());
        assertThat(done.removesTags()).isEqualTo(plan.removesTags());
        assertThat(done.target()).isEqualTo(plan.target());

        assertThat(service.snapshots(DATABASE, table, null, null).snapshots()).extracting(s -> s.id())
                .containsExactly(ids[2], ids[1], ids[0]);
        assertThat(service.tags(DATABASE, table).tags()).extracting(TagInfo::name).containsExactly("second");
        assertEveryRemainingSnapshotReadsAsBefore(before);
        assertThat(service.rows(DATABASE, table, null, null, null, null, null).snapshot().id()).isEqualTo(ids[2]);
    }

    @Test
    void rollbackToATagRemovesNewerSnapshotsAndTagsOnly() throws Exception {
        Map<Long, List<Map<String, Object>>> before = readAll();
        Rollback plan = service.rollback(DATABASE, table, null, "fourth", true);
        assertThat(plan.removesSnapshots()).containsExactly(ids[4]);
        assertThat(plan.removesTags()).containsExactly("fifth", "release");
        Rollback done = service.rollback(DATABASE, table, null, "fourth", false);
        assertThat(done.removesSnapshots()).isEqualTo(plan.removesSnapshots());
        assertThat(done.removesTags()).isEqualTo(plan.removesTags());
        assertThat(service.tags(DATABASE, table).tags()).extracting(TagInfo::name).containsExactly("second", "fourth");
        assertEveryRemainingSnapshotReadsAsBefore(before);
    }

    @Test
    void theNextCommitAfterARollbackContinuesFromTheTarget() throws Exception {
        List<Map<String, Object>> atTarget = tables.readAt(table, ids[1]);
        Map<String, Object> removedBtc = service.rows(DATABASE, table, Long.toString(ids[2]), null, null,
                "dt:2024-05-02", null).rows().get(0);
        service.rollback(DATABASE, table, Long.toString(ids[1]), null, false);
        long next = tables.commit(table, ticker(INSERT, "KRW-DOGE", 200.0, T0 + 9_000));
        assertThat(next).isEqualTo(ids[1] + 1).isEqualTo(ids[2]);
        // The id is reused with other contents: nothing read before the rollback may be served again.
        assertThat(service.rows(DATABASE, table, Long.toString(next), null, null, null, null).rows())
                .doesNotContain(removedBtc).extracting(r -> r.get("market")).contains("KRW-DOGE");
        assertThat(service.rows(DATABASE, table, null, null, null, null, null).rows())
                .containsExactlyInAnyOrderElementsOf(tables.read(table, Map.of()))
                .hasSize(atTarget.size() + 1);
        assertThat(service.diff(DATABASE, table, Long.toString(ids[1]), Long.toString(next), null, null).changes())
                .extracting(c -> c.kind() + " " + c.row().get("market")).containsExactly("+I KRW-DOGE");
    }

    @Test
    void rollbackToATagWhoseSnapshotExpiredRestoresItAsTheOnlySnapshot() throws Exception {
        List<Map<String, Object>> atSecond = tables.readAt(table, ids[1]);
        tables.catalog().alterTable(Identifier.create(DATABASE, table), List.of(
                SchemaChange.setOption("snapshot.num-retained.min", "1"),
                SchemaChange.setOption("snapshot.num-retained.max", "1"),
                SchemaChange.setOption("snapshot.time-retained", "1 ms")), false);
        long newest = tables.commit(table, ticker(INSERT, "KRW-DOGE", 200.0, T0 + 9_000));

        Rollback plan = service.rollback(DATABASE, table, null, "second", true);
        assertThat(plan.removesSnapshots()).containsExactly(newest);
        assertThat(plan.removesTags()).containsExactly("fourth", "fifth", "release");
        Rollback done = service.rollback(DATABASE, table, Long.toString(ids[1]), null, false);
        assertThat(done.removesSnapshots()).isEqualTo(plan.removesSnapshots());
        assertThat(done.removesTags()).isEqualTo(plan.removesTags());

        assertThat(service.snapshots(DATABASE, table, null, null).snapshots()).extracting(s -> s.id())
                .containsExactly(ids[1]);
        assertThat(service.rows(DATABASE, table, null, null, null, null, null).rows())
                .containsExactlyInAnyOrderElementsOf(atSecond);
    }

    @Test
    void rollbackRequestsThatCannotBeMetAreRefusedWithTheirStatus() {
        assertStatus(() -> service.rollback(DATABASE, table, "{\"snapshot\": 1, \"tag\": \"second\"}"), 400,
                "invalid_request");
        assertStatus(() -> service.rollback(DATABASE, table, "{\"dryRun\": true}"), 400, "invalid_request");
        assertStatus(() -> service.rollback(DATABASE, table, "{\"snapshot\": 1, \"dryRun\": \"perhaps\"}"), 400,
                "invalid_flag");
        assertStatus(() -> service.rollback(DATABASE, table, "{\"snapshot\": \"one\"}"), 400, "invalid_snapshot");
        assertStatus(() -> service.rollback(DATABASE, table, "not json"), 400, "invalid_body");
        assertStatus(() -> service.rollback(DATABASE, table, "999", null, true), 404, "no_such_snapshot");
        assertStatus(() -> service.rollback(DATABASE, table, null, "missing", true), 404, "no_such_tag");
        assertStatus(() -> service.rollback(DATABASE, "missing", "1", null, true), 404, "no_such_table");
        assertThat(service.snapshots(DATABASE, table, null, null).snapshots()).hasSize(5);
    }

    @Test
    void dryRunIsAJsonBooleanAndABodyOfAnyOtherShapeIsRefusedBeforeAnythingChanges(@TempDir Path local) {
        // The admin API's rollback goes through SyncControl; both read the body with the one parser.
        SyncJob idle = new SyncJob(SyncJobSettings.builder().warehouse(warehouse.toString())
                .s3(S3Settings.pathStyle("http://127.0.0.1:1", "k", "s")).bootstrapServers("127.0.0.1:1")
                .topic("cdc").consumerGroup("sync").database(DATABASE).checkpointDir(local.toUri().toString())
                .localDir(local).jobName("idle").build());
        SyncControl control = new SyncControl(idle, service, null);
        String target = "\"snapshot\": " + ids[2];
        for (String notABoolean : List.of("1", "0", "\"true\"", "\"TRUE\"", "\"false\"", "\"yes\"")) {
            String body = "{" + target + ", \"dryRun\": " + notABoolean + "}";
            assertStatus(() -> control.rollback(DATABASE, table, body), 400, "invalid_flag");
            assertStatus(() -> service.rollback(DATABASE, table, body), 400, "invalid_flag");
        }
        // A misspelt dryRun must not turn into a real rollback.
        for (String body : List.of("{" + target + ", \"dryrun\": true}", "{" + target + ", \"dryRun\": true, \"force\": 1}",
                "[{" + target + "}]", "{" + target + ", \"dryRun\": true} {" + target + "}", "{\"snapshot\": true}")) {
            assertStatus(() -> control.rollback(DATABASE, table, body), 400, "invalid_body");
            assertStatus(() -> service.rollback(DATABASE, table, body), 400, "invalid_body");
        }
        assertThat(service.snapshots(DATABASE, table, null, null).snapshots()).hasSize(5);
        assertThat(control.rollback(DATABASE, table, "{" + target + ", \"dryRun\": true}").done()).isFalse();
        assertThat(control.rollback(DATABASE, table, "{" + target + ", \"dryRun\": null}").done()).isTrue();
        assertThat(service.snapshots(DATABASE, table, null, null).snapshots()).hasSize(3);
    }

    private Map<Long, List<Map<String, Object>>> readAll() throws Exception {
        Map<Long, List<Map<String, Object>>> rows = new HashMap<>();
        for (long id : ids) {
            rows.put(id, tables.readAt(table, id));
        }
        return rows;
    }

    private void assertEveryRemainingSnapshotReadsAsBefore(Map<Long, List<Map<String, Object>>> before) throws Exception {
        FileStoreTable paimonTable = tables.table(table);
        for (SnapshotInfo snapshot : service.snapshots(DATABASE, table, null, null).snapshots()) {
            assertThat(tables.readAt(table, snapshot.id())).containsExactlyInAnyOrderElementsOf(before.get(snapshot.id()));
            assertThat(service.rows(DATABASE, table, Long.toString(snapshot.id()), null, null, null, null).rows())
                    .containsExactlyInAnyOrderElementsOf(before.get(snapshot.id()));
        }
        assertThat(paimonTable.snapshotManager().latestSnapshotId())
                .isEqualTo(service.snapshots(DATABASE, table, null, null).snapshots().get(0).id());
    }
}
