package dev.tickerlake.cdc;

import java.util.Collection;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One row of a CDC table: its columns in a stable order, and the frame's {@code timestamp} (epoch ms), which is the
 * envelope's event time.
 */
public record Row(CdcTable table, long timestamp, Map<String, Column> columnsByName) {

    public Row {
        columnsByName = java.util.Collections.unmodifiableMap(columnsByName);
    }

    public Collection<Column> columns() {
        return columnsByName.values();
    }

    /** The canonical value of {@code column}, or {@code null} if the row has no such column or it is null. */
    public String value(String column) {
        Column c = columnsByName.get(column);
        return c == null ? null : c.value();
    }

    /** The Kafka key {@code <table>|<pk1>|<pk2>...}, e.g. {@code ticker|KRW-BTC|2024-05-01}. */
    public String key() {
        StringJoiner key = new StringJoiner("|");
        key.add(table.tableName());
        for (String column : table.primaryKey()) {
            key.add(value(column));
        }
        return key.toString();
    }
}
