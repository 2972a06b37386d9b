package dev.tickerlake.lake;

import java.util.List;
import java.util.Map;

import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.schema.SchemaChange;
import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.Test;

import static dev.tickerlake.lake.TableReadsTest.assertStatus;
import static dev.tickerlake.lake.UpbitTables.DATABASE;
import static dev.tickerlake.lake.UpbitTables.T0;
import static dev.tickerlake.lake.UpbitTables.ticker;
import static org.apache.paimon.types.RowKind.INSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class TagsTest extends TickerHistoryFixture {

    @Test
    void createsListsAndDeletesTags() throws Exception {
        assertThat(service.tags(DATABASE, table).tags()).isEmpty();
        FileStoreTable paimonTable = tables.table(table);
        TagInfo created = service.createTag(DATABASE, table, "before_delete", Long.toString(ids[1]));
        assertThat(created).isEqualTo(new TagInfo("before_delete", ids[1],
                Instants.isoUtc(paimonTable.snapshot(ids[1]).timeMillis())));
        assertThat(service.createTag(DATABASE, table, "{\"name\": \"newest\"}").snapshot()).isEqualTo(ids[4]);
        assertThat(service.createTag(DATABASE, table, Map.of("name", "first", "snapshot", ids[0])).snapshot())
                .isEqualTo(ids[0]);
        assertThat(service.createTag(DATABASE, table, ("{\"name\": \"also_first\", \"snapshot\": \"" + ids[0] + "\"}")
                .getBytes()).snapshot()).isEqualTo(ids[0]);

        assertThat(service.tags(DATABASE, table).tags()).extracting(TagInfo::name, TagInfo::snapshot).containsExactly(
                tuple("also_first", ids[0]), tuple("first", ids[0]), tuple("before_delete", ids[1]),
                tuple("newest", ids[4]));
        assertThat(paimonTable.tagManager().allTagNames())
                .containsExactlyInAnyOrder("also_first", "first", "before_delete", "newest");

        service.deleteTag(DATABASE, table, "first");
        assertThat(service.tags(DATABASE, table).tags()).extracting(TagInfo::name)
                .containsExactly("also_first", "before_delete", "newest");
        assertStatus(() -> service.deleteTag(DATABASE, table, "first"), 404, "no_such_tag");
    }

    @Test
    void tagRequestsThatCannotBeMetAreRefusedWithTheirStatus() {
        service.createTag(DATABASE, table, "kept", null);
        assertStatus(() -> service.createTag(DATABASE, table, "kept", Long.toString(ids[0])), 409, "tag_exists");
        assertStatus(() -> service.createTag(DATABASE, table, "other", "999"), 404, "no_such_snapshot");
        assertStatus(() -> service.createTag(DATABASE, table, "20240501", null), 400, "invalid_name");
        assertStatus(() -> service.createTag(DATABASE, table, "Release-1", null), 400, "invalid_name");
        assertStatus(() -> service.createTag(DATABASE, table, "{\"snapshot\": 1}"), 400, "invalid_name");
        assertStatus(() -> service.createTag(DATABASE, table, "{\"name\": \"x\", \"snapshot\": {}}"), 400, "invalid_body");
        assertStatus(() -> service.createTag(DATABASE, table, "{\"name\": \"x\", \"snapshot\": -1}"), 400,
                "invalid_snapshot");
        assertStatus(() -> service.createTag(DATABASE, table, "{name"), 400, "invalid_body");
        assertStatus(() -> service.createTag(DATABASE, table, "[]"), 400, "invalid_body");
        assertStatus(() -> service.createTag(DATABASE, table, (Object) null), 400, "invalid_body");
        assertStatus(() -> service.createTag(DATABASE, "no_table", "x", null), 404, "no_such_table");
        assertStatus(() -> service.deleteTag(DATABASE, table, "Bad!"), 400, "invalid_name");
    }

    @Test
    void rowsAtATagAreTheTaggedSnapshotsRows() throws Exception {
        service.createTag(DATABASE, table, "before_delete", Long.toString(ids[1]));
        Rows rows = service.rows(DATABASE, table, null, null, "before_delete", null, null);
        assertThat(rows.snapshot().id()).isEqualTo(ids[1]);
        assertThat(rows.rows()).containsExactlyInAnyOrderElementsOf(tables.readAt(table, ids[1]))
                .containsExactlyInAnyOrderElementsOf(tables.read(table, Map.of("scan.tag-name", "before_delete")));
    }

    @Test
    void tagsKeepTheirSnapshotReadableAfterTheSnapshotExpired() throws Exception {
        service.createTag(DATABASE, table, "before_delete", Long.toString(ids[1]));
        service.createTag(DATABASE, table, "after_delete", Long.toString(ids[2]));
        List<Map<String, Object>> atBeforeDelete = tables.readAt(table, ids[1]);
        List<Map<String, Object>> atAfterDelete = tables.readAt(table, ids[2]);
        List<Change> expectedDiff = service.diff(DATABASE, table, Long.toString(ids[1]), Long.toString(ids[4]), null,
                null).changes();
        FileStoreTable paimonTable = tables.table(table);
        long timeBeforeDelete = paimonTable.snapshot(ids[1]).timeMillis();
        long timeAfterDelete = paimonTable.snapshot(ids[2]).timeMillis();
        long timeOfFourth = paimonTable.snapshot(ids[3]).timeMillis();

        // A short retention, as the sync job's commits apply it: the next commit expires all but the newest.
        tables.catalog().alterTable(Identifier.create(DATABASE, table), List.of(
                SchemaChange.setOption("snapshot.num-retained.min", "1"),
                SchemaChange.setOption("snapshot.num-retained.max", "1"),
                SchemaChange.setOption("snapshot.time-retained", "1 ms")), false);
        long newest = tables.commit(table, ticker(INSERT, "KRW-DOGE", 200.0, T0 + 9_000));
        assertThat(tables.table(table).snapshotManager().earliestSnapshotId()).isEqualTo(newest);
        assertThat(service.snapshots(DATABASE, table, null, null).snapshots()).extracting(s -> s.id())
                .containsExactly(newest);

        assertThat(service.tags(DATABASE, table).tags()).extracting(TagInfo::name, TagInfo::snapshot)
                .containsExactly(tuple("before_delete", ids[1]), tuple("after_delete", ids[2]));
        assertThat(service.rows(DATABASE, table, null, null, "before_delete", null, null).rows())
                .containsExactlyInAnyOrderElementsOf(atBeforeDelete);
        Rows bySnapshotId = service.rows(DATABASE, table, Long.toString(ids[2]), null, null, null, null);
        assertThat(bySnapshotId.snapshot().id()).isEqualTo(ids[2]);
        assertThat(bySnapshotId.rows()).containsExactlyInAnyOrderElementsOf(atAfterDelete);
        assertStatus(() -> service.rows(DATABASE, table, Long.toString(ids[3]), null, null, null, null), 404,
                "no_such_snapshot");
        Map<String, Object> doge = tables.readAt(table, newest).stream()
                .filter(row -> row.get("market").equals("KRW-DOGE")).findFirst().orElseThrow();
        List<Change> expectedAfterExpiry = new java.util.ArrayList<>(expectedDiff);
        expectedAfterExpiry.add(new Change("+I", doge));
        assertThat(service.diff(DATABASE, table, "before_delete", Long.toString(newest), null, null).changes())
                .containsExactlyInAnyOrderElementsOf(expectedAfterExpiry);

        // A point in time is answered only when the history proves the table's state then.
        long betweenTags = timeBeforeDelete + (timeAfterDelete - timeBeforeDelete) / 2;
        assertThat(service.rows(DATABASE, table, null, Long.toString(betweenTags), null, null, null).snapshot().id())
                .isEqualTo(ids[1]);
        assertStatus(() -> service.rows(DATABASE, table, null, Long.toString(timeOfFourth), null, null, null), 404,
                "no_snapshot_at_time");
    }
}
