package dev.tickerlake.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.EmbeddedModeIT;
import dev.tickerlake.support.S3Settings;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.upbit.SyntheticFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain from the routes: replayed frames → raw topics → CDC route → upbit-cdc → kafka_sync_database on the
 * embedded MiniCluster → Paimon tables on the embedded S3 server, which hold exactly the rows the frames imply.
 */
class PipelineToPaimonIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void replayedFramesLandInPaimonTablesCreatedByTheSyncJob() throws Exception {
        SyntheticFrames generator = new SyntheticFrames(5, 7L);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        Map<String, JsonNode> latestTicker = new HashMap<>();
        Map<String, JsonNode> latestBook = new HashMap<>();
        Set<String> trades = new HashSet<>();
        long start = Instant.parse("2024-05-01T23:59:00Z").toEpochMilli();
        for (int i = 0; i < 600; i++) {
            SyntheticFrames.Frame frame = generator.next(start + i * 200L);
            file.write(frame.json());
            file.write('\n');
            JsonNode node = JSON.readTree(frame.json());
            String market = node.get("code").asText();
            switch (frame.type()) {
                case "ticker" -> latestTicker.merge(market + "|" + day(node.get("trade_timestamp").asLong()), node,
                        (a, b) -> b.get("timestamp").asLong() >= a.get("timestamp").asLong() ? b : a);
                case "orderbook" -> latestBook.merge(market + "|" + day(node.get("timestamp").asLong()), node,
                        (a, b) -> b.get("timestamp").asLong() >= a.get("timestamp").asLong() ? b : a);
                default -> trades.add(market + "|" + node.get("sequential_id").asText() + "|"
                        + day(node.get("trade_timestamp").asLong()));
            }
        }
        Path replay = dir.resolve("frames.jsonl");
        Files.write(replay, file.toByteArray());

        try (RunningTickerlake app = RunningTickerlake.start(dir.resolve("data"), Map.of(
                "tickerlake.source", "replay",
                "tickerlake.replay.file", replay.toString(),
                "tickerlake.replay.speed", "0",
                "tickerlake.paimon.enabled", "true",
                "tickerlake.flink.checkpoint-interval", "2s"))) {
            EmbeddedModeIT.awaitReady(app);
            try (PaimonTestTables tables = new PaimonTestTables("s3://paimon/warehouse",
                     S3Settings.pathStyle(app.property("tickerlake.s3.endpoint"), "minioadmin", "minioadmin"))) {
                assertLanded(app, tables, latestTicker, latestBook, trades);
                assertAdminApiAnswersFromTheSameTables(app, latestTicker);
            }
        }
    }

    private static void assertLanded(RunningTickerlake app, PaimonTestTables tables, Map<String, JsonNode> latestTicker,
                                     Map<String, JsonNode> latestBook, Set<String> trades) throws Exception {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(tables.table("upbit", "trade")).isPresent();
            assertThat(tables.table("upbit", "ticker")).isPresent();
            assertThat(tables.table("upbit", "orderbook")).isPresent();
            assertThat(tables.rows("upbit", "trade")).hasSize(trades.size());
            assertThat(tables.rows("upbit", "ticker")).hasSize(latestTicker.size());
            assertThat(tables.rows("upbit", "orderbook")).hasSize(latestBook.size());
        });

        assertThat(tables.columnTypes("upbit", "ticker"))
                .containsEntry("market", "STRING NOT NULL")
                .containsEntry("price", "DOUBLE")
                .containsEntry("timestamp", "TIMESTAMP(3)")
                .containsEntry("is_trading_suspended", "BOOLEAN");
        assertThat(tables.require("upbit", "trade").primaryKeys()).containsExactly("market", "sequential_id", "dt");
        assertThat(tables.require("upbit", "ticker").partitionKeys()).containsExactly("dt");

        List<Map<String, Object>> tickers = tables.rows("upbit", "ticker");
        for (Map<String, Object> row : tickers) {
            JsonNode frame = latestTicker.get(row.get("market") + "|" + row.get("dt"));
            assertThat(frame).as("a ticker row the frames imply: %s", row).isNotNull();
            assertThat((Double) row.get("price")).isEqualTo(frame.get("trade_price").asDouble());
            assertThat((Double) row.get("change_rate")).isEqualTo(frame.get("signed_change_rate").asDouble());
        }
        Set<String> tradeKeys = new HashSet<>();
        tables.rows("upbit", "trade").forEach(row ->
                tradeKeys.add(row.get("market") + "|" + row.get("sequential_id") + "|" + row.get("dt")));
        assertThat(tradeKeys).isEqualTo(trades);
        assertThat(app.management("/observe/health").body()).contains("paimon-sync");
        // The sync job commits its checkpointed offsets to its Kafka group too, so retention health sees its lag.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(JSON.readTree(app.management("/observe/health?data=true").body()).toString())
                        .contains("\"tickerlake-paimon-sync/upbit-cdc\":\"0% of retention: 0 records unread"));
    }

    /** The admin API over real HTTP on the tables the pipeline wrote. */
    private static void assertAdminApiAnswersFromTheSameTables(RunningTickerlake app, Map<String, JsonNode> latestTicker)
            throws Exception {
        JsonNode list = JSON.readTree(app.api("/api/tables").body());
        assertThat(list.path("tables")).hasSize(3);
        JsonNode snapshots = JSON.readTree(app.api("/api/tables/upbit/ticker/snapshots?limit=5").body());
        long latest = snapshots.path("snapshots").get(0).path("id").asLong();
        assertThat(latest).isPositive();

        String someKey = latestTicker.keySet().iterator().next();
        String market = someKey.substring(0, someKey.indexOf('|'));
        var rows = app.api("/api/tables/upbit/ticker/rows?where=market:" + market + "&snapshot=" + latest);
        assertThat(rows.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(rows.body());
        assertThat(answer.path("snapshot").path("id").asLong()).isEqualTo(latest);
        assertThat(answer.path("rows")).isNotEmpty();
        for (JsonNode row : answer.path("rows")) {
            JsonNode frame = latestTicker.get(market + "|" + row.path("dt").asText());
            assertThat(row.path("price").asDouble()).isEqualTo(frame.get("trade_price").asDouble());
        }

        // Tags: mutating calls need credentials; a tag reads like its snapshot.
        assertThat(app.api("POST", "/api/tables/upbit/ticker/tags", "{\"name\":\"t1\"}", null).statusCode())
                .isEqualTo(401);
        var created = app.api("POST", "/api/tables/upbit/ticker/tags",
                "{\"name\":\"t1\",\"snapshot\":" + latest + "}", "admin:admin");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(app.api("POST", "/api/tables/upbit/ticker/tags",
                "{\"name\":\"t1\",\"snapshot\":" + latest + "}", "admin:admin").statusCode()).isEqualTo(409);
        JsonNode byTag = JSON.readTree(app.api("/api/tables/upbit/ticker/rows?tag=t1&where=market:" + market).body());
        assertThat(byTag.path("rows")).isEqualTo(answer.path("rows"));

        // A real rollback is refused while the job runs; a dry run is fine.
        assertThat(app.api("POST", "/api/tables/upbit/ticker/rollback", "{\"tag\":\"t1\"}", "admin:admin")
                .statusCode()).isEqualTo(409);
        assertThat(app.api("POST", "/api/tables/upbit/ticker/rollback", "{\"tag\":\"t1\",\"dryRun\":true}",
                "admin:admin").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(app.api("/api/sync").body()).path("state").asText()).isEqualTo("RUNNING");
        assertThat(app.api("DELETE", "/api/tables/upbit/ticker/tags/t1", null, "admin:admin").statusCode())
                .isEqualTo(204);

        // Bad input: a 4xx with a JSON body, never a 5xx.
        for (String bad : List.of("/api/tables/upbit/..%2Fetc", "/api/tables/UPBIT/ticker", "/api/tables/upbit/nope",
                "/api/tables/upbit/ticker/rows?snapshot=-1", "/api/tables/upbit/ticker/rows?snapshot=999999",
                "/api/tables/upbit/ticker/rows?where=nope:1", "/api/tables/upbit/ticker/rows?where=malformed",
                "/api/tables/upbit/ticker/rows?limit=abc", "/api/tables/upbit/ticker/rows?timestamp=yesterday",
                "/api/tables/upbit/ticker/diff?from=1", "/api/tables/upbit/ticker/snapshots?before=x")) {
            var response = app.api(bad);
            assertThat(response.statusCode()).as(bad + " -> " + response.body()).isBetween(400, 499);
            if (response.statusCode() != 404 || !response.body().isEmpty()) {
                assertThat(JSON.readTree(response.body()).has("error")).as(bad + " -> " + response.body()).isTrue();
            }
        }
        var malformed = app.api("POST", "/api/tables/upbit/ticker/tags", "{not json", "admin:admin");
        assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
        assertNoGeneratedBadRequestIsA5xx(app);
        assertStopRollbackStartKeepsEverySnapshotReadable(app, latest);
        assertTimeTravelAndDiffAgreeWithPlainReads(app);
    }

    /**
     * Over HTTP: a read at a timestamp between two commits equals the read at the earlier snapshot, and the diff of
     * two snapshots equals the difference of the two reads by primary key (+I new key, -D gone, -U/+U changed).
     */
    private static void assertTimeTravelAndDiffAgreeWithPlainReads(RunningTickerlake app) throws Exception {
        JsonNode snapshots = JSON.readTree(app.api("/api/tables/upbit/trade/snapshots?limit=1000").body()).path("snapshots");
        JsonNode newest = snapshots.get(0);
        JsonNode oldest = snapshots.get(snapshots.size() - 1);
        Map<String, JsonNode> before = rowsByKey(app, "snapshot=" + oldest.path("id").asLong());
        Map<String, JsonNode> after = rowsByKey(app, "snapshot=" + newest.path("id").asLong());
        if (snapshots.size() > 1) {
            JsonNode second = snapshots.get(snapshots.size() - 2);
            long between = (oldest.path("commitTimeMillis").asLong() + second.path("commitTimeMillis").asLong()) / 2;
            if (between >= oldest.path("commitTimeMillis").asLong() && between < second.path("commitTimeMillis").asLong()) {
                assertThat(rowsByKey(app, "timestamp=" + between)).isEqualTo(before);
            }
        }
        JsonNode diff = JSON.readTree(app.api("/api/tables/upbit/trade/diff?limit=10000&from=" + oldest.path("id").asLong()
                + "&to=" + newest.path("id").asLong()).body());
        Map<String, JsonNode> inserted = new HashMap<>();
        Map<String, JsonNode> deleted = new HashMap<>();
        Map<String, JsonNode> updated = new HashMap<>();
        for (JsonNode change : diff.path("changes")) {
            String kind = change.path("kind").asText();
            Map<String, JsonNode> target = switch (kind) {
                case "+I" -> inserted;
                case "-D" -> deleted;
                case "+U" -> updated;
                default -> new HashMap<>();
            };
            target.put(tradeKey(change.path("row")), change.path("row"));
        }
        Map<String, JsonNode> expectInserted = new HashMap<>(after);
        expectInserted.keySet().removeAll(before.keySet());
        Map<String, JsonNode> expectDeleted = new HashMap<>(before);
        expectDeleted.keySet().removeAll(after.keySet());
        Map<String, JsonNode> expectUpdated = new HashMap<>();
        after.forEach((key, row) -> {
            if (before.containsKey(key) && !before.get(key).equals(row)) {
                expectUpdated.put(key, row);
            }
        });
        // The trades sent after the restart are new keys since the first snapshot: the diff is not empty.
        assertThat(expectInserted).isNotEmpty();
        assertThat(inserted).isEqualTo(expectInserted);
        assertThat(deleted).isEqualTo(expectDeleted);
        assertThat(updated).isEqualTo(expectUpdated);
    }

    private static Map<String, JsonNode> rowsByKey(RunningTickerlake app, String at) throws Exception {
        var response = app.api("/api/tables/upbit/trade/rows?limit=10000&" + at);
        assertThat(response.statusCode()).as(at + " -> " + response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("truncated").asBoolean()).isFalse();
        Map<String, JsonNode> rows = new HashMap<>();
        answer.path("rows").forEach(row -> rows.put(tradeKey(row), row));
        return rows;
    }

    private static String tradeKey(JsonNode row) {
        return row.path("market").asText() + "|" + row.path("sequential_id").asText() + "|" + row.path("dt").asText();
    }

    /** A few hundred generated bad requests: bad names, ids, limits, traversal, bodies, methods; none is a 5xx. */
    private static void assertNoGeneratedBadRequestIsA5xx(RunningTickerlake app) throws Exception {
        List<String> names = List.of("UPBIT", "up-bit", "..", "%2e%2e", "a%2Fb", "x".repeat(65), "$", "t%00", "%20", "ticker;");
        List<String> params = List.of("snapshot=-1", "snapshot=abc", "snapshot=99999999999999999999", "limit=0",
                "limit=-5", "limit=1e9", "limit=99999999", "timestamp=notatime", "timestamp=-1", "tag=..", "tag=A",
                "where=", "where=:", "where=market", "where=nope:1", "where=timestamp:notatime", "where=price:abc",
                "before=-1", "from=a&to=b", "from=1&to=-1", "from=..&to=1");
        java.util.Random random = new java.util.Random(11);
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            String db = random.nextInt(3) == 0 ? names.get(random.nextInt(names.size())) : "upbit";
            String table = db.equals("upbit") ? names.get(random.nextInt(names.size())) : "ticker";
            String path = switch (random.nextInt(5)) {
                case 0 -> "/api/tables/" + db + "/" + table;
                case 1 -> "/api/tables/upbit/ticker/rows?" + params.get(random.nextInt(params.size()));
                case 2 -> "/api/tables/upbit/ticker/diff?" + params.get(random.nextInt(params.size()));
                case 3 -> "/api/tables/upbit/ticker/snapshots?" + params.get(random.nextInt(params.size()));
                default -> "/api/tables/" + db + "/" + table + "/rows";
            };
            String method = List.of("GET", "GET", "POST", "DELETE", "PUT").get(random.nextInt(5));
            String body = List.of("{", "[]", "{\"name\":\"..\"}", "{\"snapshot\":-3}", "\"x\"", "{\"tag\":\"A B\"}")
                    .get(random.nextInt(6));
            var response = method.equals("GET") ? app.api(path)
                    : app.api(method, path.replace("/rows", "/tags").replace("/diff", "/rollback"), body, "admin:admin");
            assertThat(response.statusCode()).as(method + " " + path + " -> " + response.body()).isLessThan(500);
            checked++;
        }
        assertThat(checked).isEqualTo(300);
    }

    /** Stop (savepoint), roll back to a tag, start: the job runs again, new data lands on top, every snapshot reads. */
    private static void assertStopRollbackStartKeepsEverySnapshotReadable(RunningTickerlake app, long target)
            throws Exception {
        assertThat(app.api("POST", "/api/tables/upbit/ticker/tags", "{\"name\":\"back_here\",\"snapshot\":"
                + target + "}", "admin:admin").statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(app.api("POST", "/api/sync/stop", null, "admin:admin").body()).path("state").asText())
                .isEqualTo("STOPPED");
        JsonNode dryRun = JSON.readTree(app.api("POST", "/api/tables/upbit/ticker/rollback",
                "{\"tag\":\"back_here\",\"dryRun\":true}", "admin:admin").body());
        var rollback = app.api("POST", "/api/tables/upbit/ticker/rollback", "{\"tag\":\"back_here\"}", "admin:admin");
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
        JsonNode done = JSON.readTree(rollback.body());
        assertThat(done.path("done").asBoolean()).isTrue();
        assertThat(done.path("removesSnapshots")).isEqualTo(dryRun.path("removesSnapshots"));
        assertThat(JSON.readTree(app.api("POST", "/api/sync/start", null, "admin:admin").body()).path("state").asText())
                .isEqualTo("RUNNING");

        // New frames after the restart land on top of the rolled-back table.
        SyntheticFrames more = new SyntheticFrames(List.of("KRW-NEWCOIN"), 99L);
        var kafka = new dev.tickerlake.testing.KafkaTestClient(app.property("tickerlake.kafka.bootstrap-servers"));
        long now = Instant.parse("2024-05-02T01:00:00Z").toEpochMilli();
        for (int i = 0; i < 40; i++) {
            SyntheticFrames.Frame frame = more.next(now + i * 100L);
            kafka.send("upbit-" + frame.type(), frame.market(), frame.json());
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(app.api("/api/tables/upbit/ticker/rows?where=market:KRW-NEWCOIN").body()).contains("KRW-NEWCOIN"));

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(app.api("/api/tables/upbit/trade/rows?where=market:KRW-NEWCOIN").body()).contains("KRW-NEWCOIN"));
        JsonNode snapshots = JSON.readTree(app.api("/api/tables/upbit/ticker/snapshots?limit=1000").body()).path("snapshots");
        assertThat(snapshots.size()).isGreaterThan(1);
        for (JsonNode snapshot : snapshots) {
            var read = app.api("/api/tables/upbit/ticker/rows?limit=10000&snapshot=" + snapshot.path("id").asLong());
            assertThat(read.statusCode()).as("snapshot " + snapshot + " -> " + read.body()).isEqualTo(200);
        }
    }

    private static String day(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
}
