package dev.tickerlake.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The expected tables, computed from the workload file alone with plain Jackson (no tickerlake mapping code): every
 * trade key ({@code market, sequential_id, dt}); for ticker and orderbook the frame with the newest {@code timestamp}
 * per ({@code market, dt}) (on a tie the later line); and for each row its {@code timestamp} and the exact decimals of
 * a few columns as the frame wrote them: ticker {@code price} (= trade_price) and {@code change_rate} (=
 * signed_change_rate), trade {@code trade_price}, orderbook {@code ask_price_1} and {@code bid_price_1}. {@code dt} is
 * the UTC day of {@code trade_timestamp} (ticker, trade) or of {@code timestamp} (orderbook), DESIGN.md "Tables".
 * Poison lines (the workload's index) are skipped; any other line that is not a frame is an error of the workload.
 */
public final class LakeModel {

    public static final List<String> TABLES = List.of("ticker", "trade", "orderbook");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /**
     * One expected row.
     *
     * @param table        ticker, trade or orderbook
     * @param key          the primary key as text: {@code market|dt}, or {@code market|sequential_id|dt} for trade
     * @param timestamp    the frame's {@code timestamp} (epoch ms), the table's sequence field
     * @param values       column name to its exact value
     * @param line         the (last) file line the row comes from, for messages
     */
    public record ExpectedRow(String table, String key, long timestamp, Map<String, BigDecimal> values, int line) {
    }

    private final Map<String, Map<String, ExpectedRow>> rows;
    private final int validLines;

    private LakeModel(Map<String, Map<String, ExpectedRow>> rows, int validLines) {
        this.rows = rows;
        this.validLines = validLines;
    }

    public static LakeModel of(FaultWorkload workload) {
        Set<Integer> poison = new HashSet<>();
        workload.poison().forEach(p -> poison.add(p.line()));
        return of(workload.file(), poison);
    }

    /** The model of a replay file whose lines {@code poisonLines} (1-based) are to be left out. */
    public static LakeModel of(Path file, Set<Integer> poisonLines) {
        Map<String, Map<String, ExpectedRow>> rows = new LinkedHashMap<>();
        TABLES.forEach(t -> rows.put(t, new LinkedHashMap<>()));
        int lineNumber = 0;
        int valid = 0;
        // ISO-8859-1 maps every byte to one char: a poison line with invalid UTF-8 is skipped, never decoded.
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (poisonLines.contains(lineNumber) || line.isBlank()) {
                    continue;
                }
                JsonNode frame;
                try {
                    frame = JSON.readTree(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + ":" + lineNumber + " is not JSON and not in the poison index");
                }
                add(rows, frame, lineNumber, file);
                valid++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Map<String, ExpectedRow>> frozen = new LinkedHashMap<>();
        rows.forEach((t, r) -> frozen.put(t, Collections.unmodifiableMap(r)));
        return new LakeModel(Collections.unmodifiableMap(frozen), valid);
    }

    private static void add(Map<String, Map<String, ExpectedRow>> rows, JsonNode frame, int line, Path file) {
        String type = text(frame, "type", line, file);
        String market = text(frame, "code", line, file);
        long timestamp = number(frame, "timestamp", line, file).longValueExact();
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        ExpectedRow row;
        switch (type) {
            case "ticker" -> {
                String dt = day(number(frame, "trade_timestamp", line, file).longValueExact());
                values.put("price", number(frame, "trade_price", line, file));
                values.put("change_rate", number(frame, "signed_change_rate", line, file));
                row = new ExpectedRow(type, market + "|" + dt, timestamp, values, line);
            }
            case "trade" -> {
                String dt = day(number(frame, "trade_timestamp", line, file).longValueExact());
                long sequentialId = number(frame, "sequential_id", line, file).longValueExact();
                values.put("trade_price", number(frame, "trade_price", line, file));
                row = new ExpectedRow(type, market + "|" + sequentialId + "|" + dt, timestamp, values, line);
            }
            case "orderbook" -> {
                String dt = day(timestamp);
                JsonNode best = frame.path("orderbook_units").path(0);
                values.put("ask_price_1", number(best, "ask_price", line, file));
                values.put("bid_price_1", number(best, "bid_price", line, file));
                row = new ExpectedRow(type, market + "|" + dt, timestamp, values, line);
            }
            default -> throw new IllegalArgumentException(file + ":" + line + " has type " + type
                    + " and is not in the poison index");
        }
        Map<String, ExpectedRow> table = rows.get(type);
        ExpectedRow previous = table.get(row.key());
        if (previous == null || previous.timestamp() <= row.timestamp()) {
            table.put(row.key(), row);
        }
    }

    private static String text(JsonNode frame, String field, int line, Path file) {
        JsonNode value = frame.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(file + ":" + line + " has no text " + field);
        }
        return value.asText();
    }

    private static BigDecimal number(JsonNode frame, String field, int line, Path file) {
        JsonNode value = frame.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException(file + ":" + line + " has no number " + field);
        }
        return value.decimalValue();
    }

    /** The UTC day of an epoch-millisecond time, {@code yyyy-MM-dd}. */
    public static String day(long epochMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC).toString();
    }

    /** Ticker + trade + orderbook rows. */
    public int expectedRows() {
        return rows.values().stream().mapToInt(Map::size).sum();
    }

    public int expectedRows(String table) {
        return rows(table).size();
    }

    /** The expected rows of a table by key text. */
    public Map<String, ExpectedRow> rows(String table) {
        Map<String, ExpectedRow> table1 = rows.get(table);
        if (table1 == null) {
            throw new IllegalArgumentException("no table " + table + " in the model; tables: " + TABLES);
        }
        return table1;
    }

    /** Lines of the file that are frames (not poison, not blank). */
    public int validLines() {
        return validLines;
    }

    /** The days ({@code dt}) the rows of a table fall on, with their row counts. */
    public Map<String, Integer> rowsPerDay(String table) {
        Map<String, Integer> days = new java.util.TreeMap<>();
        rows(table).keySet().forEach(k -> days.merge(k.substring(k.lastIndexOf('|') + 1), 1, Integer::sum));
        return days;
    }

    @Override
    public String toString() {
        return "LakeModel[ticker " + expectedRows("ticker") + ", trade " + expectedRows("trade") + ", orderbook "
                + expectedRows("orderbook") + " rows from " + validLines + " frames]";
    }
}
