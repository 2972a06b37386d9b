package dev.tickerlake.sync;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One row of a CDC envelope as the envelope contract spells it: table, primary-key names, and per column its
 * {@code mysqlType} and string value. Renders the Kafka key and the canal-json value, and the typed values a Paimon
 * reader returns for it.
 */
record CanalRow(String table, List<String> pkNames, Map<String, String> mysqlTypes, Map<String, String> data) {

    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter DATETIME_3 = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);

    static Builder of(String table, String... pkNames) {
        return new Builder(table, List.of(pkNames));
    }

    static String datetime(long epochMillis) {
        return DATETIME_3.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }

    static String day(long epochMillis) {
        return DAY.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }

    /** Epoch ms of the {@code timestamp} column: the envelope's {@code es}/{@code ts} and the dedup sequence. */
    long timestampMillis() {
        return LocalDateTime.parse(data.get("timestamp"), DATETIME_3).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** {@code <table>|<pk1>|<pk2>...} */
    String key() {
        StringBuilder key = new StringBuilder(table);
        pkNames.forEach(pk -> key.append('|').append(data.get(pk)));
        return key.toString();
    }

    List<Object> primaryKey() {
        List<Object> pk = new ArrayList<>();
        pkNames.forEach(name -> pk.add(typed(name)));
        return pk;
    }

    byte[] envelope() {
        ObjectNode root = JSON.createObjectNode();
        root.put("database", "upbit");
        root.put("table", table);
        ArrayNode pks = root.putArray("pkNames");
        pkNames.forEach(pks::add);
        root.put("isDdl", false);
        root.put("type", "INSERT");
        root.put("es", timestampMillis());
        root.put("ts", timestampMillis());
        ObjectNode types = root.putObject("mysqlType");
        mysqlTypes.forEach(types::put);
        ObjectNode values = root.putArray("data").addObject();
        data.forEach(values::put);
        root.putNull("old");
        try {
            return JSON.writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] keyBytes() {
        return key().getBytes(StandardCharsets.UTF_8);
    }

    /** The value of {@code column} as Paimon's reader returns it (see {@link PaimonTestTables}). */
    Object typed(String column) {
        String value = data.get(column);
        if (value == null) {
            return null;
        }
        String type = mysqlTypes.get(column).toLowerCase(Locale.ROOT);
        if (type.startsWith("double")) {
            return Double.valueOf(value);
        } else if (type.startsWith("bigint")) {
            return Long.valueOf(value);
        } else if (type.startsWith("boolean")) {
            return Boolean.valueOf(value);
        } else if (type.startsWith("datetime")) {
            return LocalDateTime.parse(value, DATETIME_3);
        }
        return value;
    }

    /** Typed values of every column of {@code columns}; columns this row does not carry read as null. */
    Map<String, Object> typedRow(Iterable<String> columns) {
        Map<String, Object> row = new LinkedHashMap<>();
        columns.forEach(column -> row.put(column, mysqlTypes.containsKey(column) ? typed(column) : null));
        return row;
    }

    /** Adds columns in order, each with its mysqlType. */
    static final class Builder {
        private final String table;
        private final List<String> pkNames;
        private final Map<String, String> types = new LinkedHashMap<>();
        private final Map<String, String> data = new LinkedHashMap<>();

        private Builder(String table, List<String> pkNames) {
            this.table = table;
            this.pkNames = pkNames;
        }

        Builder column(String name, String mysqlType, Object value) {
            types.put(name, mysqlType);
            data.put(name, value == null ? null : String.valueOf(value));
            return this;
        }

        CanalRow build() {
            return new CanalRow(table, pkNames, new LinkedHashMap<>(types), new LinkedHashMap<>(data));
        }
    }
}
