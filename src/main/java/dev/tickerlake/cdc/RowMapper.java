package dev.tickerlake.cdc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tickerlake.upbit.FrameRejectedException;
import dev.tickerlake.upbit.FrameType;
import dev.tickerlake.upbit.FrameValues;
import dev.tickerlake.upbit.RejectReason;
import dev.tickerlake.upbit.UpbitFrame;

/**
 * Maps a validated {@link UpbitFrame} to its {@link Row}: every field present kept under its column name and type
 * ({@link CdcTable}), unknown fields as STRING, orderbook levels flattened, {@code dt} derived. Stateless.
 */
public final class RowMapper {

    /** Upbit sends at most 30 levels; more is not an orderbook and would only widen the table. */
    public static final int MAX_ORDERBOOK_LEVELS = 30;

    /** Unknown fields become columns under their own name, so the name must be a plain identifier. */
    private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** The row of {@code frame}; throws {@link FrameRejectedException} when a value does not fit its column. */
    public Row map(UpbitFrame frame) {
        CdcTable table = CdcTable.of(frame.type());
        ObjectNode fields = frame.fields();
        JsonNode units = fields.get(CdcTable.ORDERBOOK_UNITS);
        int depth = Math.min(units == null ? 0 : units.size(), MAX_ORDERBOOK_LEVELS);
        Columns columns = new Columns(table, fields.size() + 2 + 4 * depth);

        columns.put("market", ColumnType.STRING, frame.market());
        long partitionTime = frame.type() == FrameType.ORDERBOOK
                ? frame.timestamp()
                : FrameValues.epochMillis(fields.get("trade_timestamp"), "trade_timestamp");
        columns.put("dt", ColumnType.STRING, ColumnType.formatDate(partitionTime));
        if (table == CdcTable.TICKER) {
            columns.put("symbol", ColumnType.STRING, symbolOf(frame.market()));
        }

        for (KnownField field : table.knownFields().values()) {
            JsonNode value = fields.get(field.upbitName());
            if (value != null && !field.upbitName().equals("code")) {
                String encoded = value.isNull() ? null : field.type().encode(value, field.upbitName());
                columns.put(field.column(), field.type(), encoded);
            }
        }
        if (table == CdcTable.ORDERBOOK) {
            putLevels(units, columns);
        }

        List<String> unknown = new ArrayList<>();
        fields.fieldNames().forEachRemaining(name -> {
            boolean levels = table == CdcTable.ORDERBOOK && name.equals(CdcTable.ORDERBOOK_UNITS);
            if (!levels && !table.knownFields().containsKey(name)) {
                unknown.add(name);
            }
        });
        unknown.sort(null);
        for (String name : unknown) {
            columns.putUnknown(name, fields.get(name));
        }

        for (String key : table.primaryKey()) {
            if (columns.value(key) == null) {
                throw new FrameRejectedException(RejectReason.MISSING_FIELD,
                        "primary-key field '" + key + "' of table " + table.tableName() + " is missing or null");
            }
        }
        return new Row(table, frame.timestamp(), columns.byName);
    }

    /** {@code BTC} from {@code KRW-BTC} (Upbit codes are quote-base). */
    static String symbolOf(String market) {
        int dash = market.indexOf('-');
        return dash < 0 ? market : market.substring(dash + 1);
    }

    private static void putLevels(JsonNode units, Columns columns) {
        if (units == null || units.isNull()) {
            throw new FrameRejectedException(RejectReason.MISSING_FIELD,
                    "required field '" + CdcTable.ORDERBOOK_UNITS + "' is missing");
        }
        if (!units.isArray()) {
            throw badUnit("'" + CdcTable.ORDERBOOK_UNITS + "' is not an array: "
                    + FrameValues.abbreviate(units.toString()));
        }
        if (units.size() > MAX_ORDERBOOK_LEVELS) {
            throw badUnit("'" + CdcTable.ORDERBOOK_UNITS + "' has " + units.size() + " levels, more than "
                    + MAX_ORDERBOOK_LEVELS);
        }
        for (int i = 0; i < units.size(); i++) {
            JsonNode unit = units.get(i);
            int level = i + 1;
            String where = CdcTable.ORDERBOOK_UNITS + "[" + i + "]";
            if (!unit.isObject()) {
                throw badUnit(where + " is not an object: " + FrameValues.abbreviate(unit.toString()));
            }
            for (String name : CdcTable.ORDERBOOK_UNIT_FIELDS) {
                JsonNode value = unit.get(name);
                if (value == null) {
                    throw badUnit(where + " has no '" + name + "'");
                }
                columns.put(name + "_" + level, ColumnType.DOUBLE,
                        value.isNull() ? null : ColumnType.DOUBLE.encode(value, where + "." + name));
            }
            List<String> extra = new ArrayList<>();
            unit.fieldNames().forEachRemaining(name -> {
                if (!CdcTable.ORDERBOOK_UNIT_FIELDS.contains(name)) {
                    extra.add(name);
                }
            });
            extra.sort(null);
            for (String name : extra) {
                columns.putUnknown(name + "_" + level, unit.get(name));
            }
        }
    }

    private static FrameRejectedException badUnit(String message) {
        return new FrameRejectedException(RejectReason.BAD_ORDERBOOK_UNIT, message);
    }

    /** The row's columns in insertion order, refusing a second column of the same (case-insensitive) name. */
    private static final class Columns {
        private final CdcTable table;
        private final Map<String, Column> byName;
        private final Set<String> lowerCaseNames;

        Columns(CdcTable table, int expectedColumns) {
            this.table = table;
            int capacity = expectedColumns * 4 / 3 + 1;
            this.byName = new LinkedHashMap<>(capacity);
            this.lowerCaseNames = new HashSet<>(capacity);
        }

        void put(String name, ColumnType type, String value) {
            if (!lowerCaseNames.add(name.toLowerCase(Locale.ROOT))) {
                throw new FrameRejectedException(RejectReason.CONFLICTING_FIELD,
                        "more than one field fills column '" + name + "'");
            }
            byName.put(name, new Column(name, type, value));
        }

        void putUnknown(String name, JsonNode value) {
            if (!COLUMN_NAME.matcher(name).matches()) {
                throw new FrameRejectedException(RejectReason.BAD_FIELD_NAME,
                        "unknown field name cannot be a column: \"" + FrameValues.abbreviate(name) + "\"");
            }
            if (table.isReserved(name.toLowerCase(Locale.ROOT))) {
                throw new FrameRejectedException(RejectReason.CONFLICTING_FIELD,
                        "unknown field '" + name + "' has the name of a known column of " + table.tableName());
            }
            put(name, ColumnType.STRING, value.isNull() ? null : ColumnType.STRING.encode(value, name));
        }

        String value(String name) {
            Column column = byName.get(name);
            return column == null ? null : column.value();
        }
    }
}
