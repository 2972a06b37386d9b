package dev.tickerlake.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tickerlake.EmbeddedModeIT;
import dev.tickerlake.support.S3Settings;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.upbit.SyntheticFrames;
import org.apache.paimon.table.FileStoreTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several rows per canal envelope change nothing in the tables: the same frames (over a day boundary, with rejects in
 * between and same-key changes whose order decides the row) replayed through the CDC route and the sync job once with
 * {@code tickerlake.cdc.envelope-max-rows=1} (one envelope per frame, as before) and once with the packaged default
 * give tables with the same schema and every row and column equal, read with Paimon's Java API.
 */
class EnvelopeRowsTablesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TABLES = List.of("ticker", "trade", "orderbook");

    @TempDir
    Path dir;

    /** Lines in the replay file: each a row or a dead letter. */
    private int lines;

    /** What one run left: per table its schema (types, keys, options) and its rows in key order. */
    record Tables(Map<String, Object> schemas, Map<String, List<Map<String, Object>>> rows, double envelopes,
                  double rowsOut) {
    }

    @Test
    void oneRowAndManyRowEnvelopesOfTheSameFramesGiveTheSameTables() throws Exception {
        Path replay = frames();

        Tables oneRow = run("one-row", replay, Map.of("tickerlake.cdc.envelope-max-rows", "1"));
        Tables grouped = run("grouped", replay, Map.of());

        // The default really put several rows in an envelope; max-rows 1 one per row.
        assertThat(oneRow.envelopes()).isEqualTo(oneRow.rowsOut());
        assertThat(grouped.rowsOut()).isEqualTo(oneRow.rowsOut());
        assertThat(grouped.envelopes()).isLessThan(grouped.rowsOut() / 5);

        assertThat(grouped.schemas()).isEqualTo(oneRow.schemas());
        for (String table : TABLES) {
            assertThat(grouped.rows().get(table)).as(table).isNotEmpty().isEqualTo(oneRow.rows().get(table));
        }
        // The same-key changes with equal timestamps: the later one won in both (per-key order kept).
        assertThat(oneRow.rows().get("ticker")).anySatisfy(row -> assertThat(row.get("price")).isEqualTo(1.0));
    }

    /**
     * 3,000 synthetic frames of 20 markets from 23:59:00 UTC in 50 ms steps (two days), every 97th followed by a frame
     * that is not JSON, every 101st ticker followed by the same ticker at a price of 1.0 (same timestamp: only the
     * order of arrival tells which one the table keeps).
     */
    private Path frames() throws Exception {
        SyntheticFrames generator = new SyntheticFrames(20, 11L);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        long start = Instant.parse("2024-05-01T23:59:00Z").toEpochMilli();
        int tickers = 0;
        for (int i = 0; i < 3000; i++) {
            SyntheticFrames.Frame frame = generator.next(start + i * 50L);
            line(file, frame.json());
            if (frame.type().equals("ticker") && tickers++ % 101 == 0) {
                ObjectNode again = (ObjectNode) JSON.readTree(frame.json());
                again.put("trade_price", 1.0);
                line(file, JSON.writeValueAsBytes(again));
            }
            if (i % 97 == 0) {
                line(file, "{not json".getBytes());
            }
        }
        Path replay = dir.resolve("frames.jsonl");
        Files.write(replay, file.toByteArray());
        return replay;
    }

    private void line(ByteArrayOutputStream file, byte[] json) {
        lines++;
        file.writeBytes(json);
        file.write('\n');
    }

    private Tables run(String name, Path replay, Map<String, String> extra) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "tickerlake.source", "replay",
                "tickerlake.replay.file", replay.toString(),
                "tickerlake.replay.speed", "0",
                "tickerlake.paimon.enabled", "true",
                "tickerlake.flink.checkpoint-interval", "2s"));
        settings.putAll(extra);
        try (RunningTickerlake app = RunningTickerlake.start(dir.resolve(name), settings)) {
            EmbeddedModeIT.awaitReady(app);
            try (PaimonTestTables tables = new PaimonTestTables("s3://paimon/warehouse",
                    S3Settings.pathStyle(app.property("tickerlake.s3.endpoint"), "minioadmin", "minioadmin"))) {
                // Done: the sync job has read (and committed, with its checkpoint) every envelope, and the route has
                // mapped every frame; then the tables stop changing.
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    assertThat(JSON.readTree(app.management("/observe/health?data=true").body()).toString())
                            .contains("\"tickerlake-paimon-sync/upbit-cdc\":\"0% of retention: 0 records unread");
                    assertThat(metric(app, "tickerlake_cdc_rows_total") + metric(app, "tickerlake_cdc_dead_letters_total"))
                            .isGreaterThanOrEqualTo(lines);
                    for (String table : TABLES) {
                        assertThat(tables.table("upbit", table)).isPresent();
                    }
                });
                Map<String, List<Map<String, Object>>> rows = read(tables);
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(5)).until(() -> {
                    Map<String, List<Map<String, Object>>> again = read(tables);
                    boolean same = again.equals(rows);
                    rows.clear();
                    rows.putAll(again);
                    return same;
                });
                Map<String, Object> schemas = new LinkedHashMap<>();
                for (String table : TABLES) {
                    FileStoreTable t = tables.require("upbit", table);
                    schemas.put(table, List.of(tables.columnTypes("upbit", table).toString(), t.primaryKeys(),
                            t.partitionKeys(), new java.util.TreeMap<>(t.schema().options())));
                }
                return new Tables(schemas, rows, metric(app, "tickerlake_cdc_envelopes_total"),
                        metric(app, "tickerlake_cdc_rows_total"));
            }
        }
    }

    private static Map<String, List<Map<String, Object>>> read(PaimonTestTables tables) {
        Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
        for (String table : TABLES) {
            List<String> keys = tables.require("upbit", table).primaryKeys();
            List<Map<String, Object>> sorted = new ArrayList<>(tables.rows("upbit", table));
            sorted.sort(Comparator.comparing(row -> keys.stream().map(k -> String.valueOf(row.get(k)))
                    .reduce("", (a, b) -> a + "|" + b)));
            rows.put(table, sorted);
        }
        return rows;
    }

    private static double metric(RunningTickerlake app, String name) throws Exception {
        return app.management("/observe/metrics").body().lines().filter(line -> line.startsWith(name + " "))
                .findFirst().map(line -> Double.parseDouble(line.substring(name.length() + 1).trim())).orElse(-1.0);
    }
}
