package dev.tickerlake.cdc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.upbit.FrameRejectedException;
import dev.tickerlake.upbit.FrameType;
import dev.tickerlake.upbit.FrameValues;
import dev.tickerlake.upbit.SimpleKeys;

/**
 * The fast path of {@link CdcMapper}: reads a frame's bytes with Jackson's streaming parser (no tree, no UTF-8
 * decoding to chars, no BigDecimal for plain numbers) straight into its {@link Row}. It only ever answers for frames
 * it is sure about: plain ASCII, {@code type}/{@code ty} first, no duplicate or conflicting key, every value of the
 * expected kind. For anything else (every frame the tree path would reject among them) it answers {@code null} and
 * the caller maps the frame the reference way ({@code FrameParser.parse} + {@link RowMapper}), which then decides,
 * so rejections keep their class and message. Where it answers, the row equals the reference's
 * ({@code CdcMapperCorpusTest}, {@code StreamingRowReaderTest}). Values it does not read itself (numbers in
 * exponent form, numbers as strings, objects, ...) are read as the tree would ({@code readTree} at that token) and
 * encoded by the same {@link ColumnType}. Thread-safe.
 */
final class StreamingRowReader {

    private static final int UNITS = -2;
    /** {@code ask_price_1} ...: level column names, [field][level]. */
    private static final String[][] LEVEL_COLUMNS = new String[4][RowMapper.MAX_ORDERBOOK_LEVELS + 1];

    static {
        for (int f = 0; f < 4; f++) {
            for (int level = 1; level <= RowMapper.MAX_ORDERBOOK_LEVELS; level++) {
                LEVEL_COLUMNS[f][level] = CdcTable.ORDERBOOK_UNIT_FIELDS.get(f) + "_" + level;
            }
        }
    }

    private static final Map<String, Integer> UNIT_DEFAULT = new HashMap<>();
    private static final Map<String, Integer> UNIT_SIMPLE = new HashMap<>();

    static {
        for (int f = 0; f < 4; f++) {
            UNIT_DEFAULT.put(CdcTable.ORDERBOOK_UNIT_FIELDS.get(f), f);
            UNIT_SIMPLE.put(CdcTable.ORDERBOOK_UNIT_FIELDS.get(f), f);
        }
        SimpleKeys.orderbookUnit().forEach((simple, name) -> UNIT_SIMPLE.put(simple, UNIT_DEFAULT.get(name)));
    }

    /** What the reader knows of one table: its known fields by slot and the key → slot maps of both formats. */
    private static final class Layout {
        final CdcTable table;
        final KnownField[] fields;
        final Map<String, Integer> defaultSlots = new HashMap<>();
        final Map<String, Integer> simpleSlots = new HashMap<>();
        /** SIMPLE keys whose DEFAULT name is no known field: renamed to an unknown column (not read here). */
        final Set<String> simpleOther = new HashSet<>();
        final int code;
        final int timestamp;
        final int tradeTimestamp;
        final int type;

        Layout(CdcTable table) {
            this.table = table;
            this.fields = table.knownFields().values().toArray(KnownField[]::new);
            for (int i = 0; i < fields.length; i++) {
                defaultSlots.put(fields[i].upbitName(), i);
            }
            if (table == CdcTable.ORDERBOOK) {
                defaultSlots.put(CdcTable.ORDERBOOK_UNITS, UNITS);
            }
            simpleSlots.putAll(defaultSlots);
            SimpleKeys.of(table.frameType()).forEach((simple, name) -> {
                Integer slot = defaultSlots.get(name);
                if (slot != null) {
                    simpleSlots.put(simple, slot);
                } else {
                    simpleSlots.remove(simple);
                    simpleOther.add(simple);
                }
            });
            this.code = defaultSlots.get("code");
            this.timestamp = defaultSlots.get("timestamp");
            this.type = defaultSlots.get("type");
            Integer trade = defaultSlots.get("trade_timestamp");
            this.tradeTimestamp = trade == null ? -1 : trade;
        }
    }

    private static final Layout TICKER = new Layout(CdcTable.TICKER);
    private static final Layout TRADE = new Layout(CdcTable.TRADE);
    private static final Layout ORDERBOOK = new Layout(CdcTable.ORDERBOOK);

    private final ObjectMapper mapper;
    private final int maxFrameBytes;

    /** @param mapper the frame parser's mapper ({@code FrameParser.jsonMapper()}), so values read alike */
    StreamingRowReader(ObjectMapper mapper, int maxFrameBytes) {
        this.mapper = mapper;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Signals a frame this reader leaves to the reference path. */
    private static final class NotHere extends Exception {
        static final NotHere INSTANCE = new NotHere();

        private NotHere() {
            super(null, null, false, false);
        }
    }

    /** The row of {@code frame}, or {@code null} when the reference path must decide. */
    Row read(byte[] frame) {
        if (frame == null || frame.length == 0 || frame.length > maxFrameBytes || !isAscii(frame)) {
            return null;
        }
        try (JsonParser parser = mapper.createParser(frame)) {
            return read(parser);
        } catch (NotHere | IOException | FrameRejectedException e) {
            return null;
        }
    }

    private Row read(JsonParser parser) throws IOException, NotHere {
        if (parser.nextToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
            throw NotHere.INSTANCE;
        }
        String first = parser.currentName();
        boolean simple = first.equals("ty");
        if ((!simple && !first.equals("type")) || parser.nextToken() != JsonToken.VALUE_STRING) {
            throw NotHere.INSTANCE;
        }
        String typeName = parser.getText();
        Layout layout = switch (typeName) {
            case "ticker" -> TICKER;
            case "trade" -> TRADE;
            case "orderbook" -> ORDERBOOK;
            default -> throw NotHere.INSTANCE;
        };
        Map<String, Integer> slots = simple ? layout.simpleSlots : layout.defaultSlots;
        KnownField[] fields = layout.fields;
        String[] values = new String[fields.length];
        boolean[] present = new boolean[fields.length];
        long[] millis = new long[fields.length];
        values[layout.type] = typeName;
        present[layout.type] = true;
        String[][] levels = null;
        int depth = 0;
        List<String[]> unknown = null;

        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            Integer slot = slots.get(name);
            if (slot == null) {
                if (name.equals(simple ? "type" : "ty") || (simple && layout.simpleOther.contains(name))) {
                    throw NotHere.INSTANCE;
                }
                if (unknown == null) {
                    unknown = new ArrayList<>(4);
                }
                unknown.add(new String[] {name, unknownValue(parser, value)});
            } else if (slot == UNITS) {
                if (levels != null || value != JsonToken.START_ARRAY) {
                    throw NotHere.INSTANCE;
                }
                levels = new String[RowMapper.MAX_ORDERBOOK_LEVELS][];
                depth = readUnits(parser, levels, simple ? UNIT_SIMPLE : UNIT_DEFAULT);
            } else {
                int i = slot;
                if (present[i]) {
                    throw NotHere.INSTANCE;
                }
                present[i] = true;
                if (i == layout.code && value != JsonToken.VALUE_STRING) {
                    throw NotHere.INSTANCE;
                }
                if (value != JsonToken.VALUE_NULL) {
                    KnownField field = fields[i];
                    if (field.type() == ColumnType.TIMESTAMP) {
                        millis[i] = epochMillis(parser, value, field.upbitName());
                        values[i] = ColumnType.formatTimestamp(millis[i]);
                    } else {
                        values[i] = encode(parser, value, field.type(), field.upbitName());
                    }
                }
            }
        }
        if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
            throw NotHere.INSTANCE;
        }

        CdcTable table = layout.table;
        String market = values[layout.code];
        if (market == null || !isMarket(market)
                || values[layout.timestamp] == null
                || (table != CdcTable.ORDERBOOK && values[layout.tradeTimestamp] == null)
                || (table == CdcTable.ORDERBOOK && levels == null)) {
            throw NotHere.INSTANCE;
        }
        long timestamp = millis[layout.timestamp];
        Column[] columns = new Column[3 + fields.length + 4 * depth + (unknown == null ? 0 : unknown.size())];
        int n = 0;
        columns[n++] = new Column("market", ColumnType.STRING, market);
        long partitionTime = table == CdcTable.ORDERBOOK ? timestamp : millis[layout.tradeTimestamp];
        columns[n++] = new Column("dt", ColumnType.STRING, ColumnType.formatDate(partitionTime));
        if (table == CdcTable.TICKER) {
            columns[n++] = new Column("symbol", ColumnType.STRING, RowMapper.symbolOf(market));
        }
        for (int i = 0; i < fields.length; i++) {
            if (present[i] && i != layout.code) {
                columns[n++] = new Column(fields[i].column(), fields[i].type(), values[i]);
            }
        }
        for (int level = 0; level < depth; level++) {
            String[] unit = levels[level];
            for (int f = 0; f < 4; f++) {
                columns[n++] = new Column(LEVEL_COLUMNS[f][level + 1], ColumnType.DOUBLE, unit[f]);
            }
        }
        if (unknown != null) {
            unknown.sort((a, b) -> a[0].compareTo(b[0]));
            Set<String> lowerCase = new HashSet<>();
            for (String[] field : unknown) {
                String lower = field[0].toLowerCase(Locale.ROOT);
                if (!isColumnName(field[0]) || table.isReserved(lower) || !lowerCase.add(lower)) {
                    throw NotHere.INSTANCE;
                }
                columns[n++] = new Column(field[0], ColumnType.STRING, field[1]);
            }
        }
        ColumnList byName = new ColumnList(columns, n);
        for (String key : table.primaryKey()) {
            Column column = byName.get(key);
            if (column == null || column.value() == null) {
                throw NotHere.INSTANCE;
            }
        }
        return new Row(table, timestamp, byName);
    }

    /** Reads the units array (parser at its START_ARRAY) into {@code levels}; returns the number of levels. */
    private int readUnits(JsonParser parser, String[][] levels, Map<String, Integer> unitSlots)
            throws IOException, NotHere {
        int depth = 0;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            if (depth == RowMapper.MAX_ORDERBOOK_LEVELS) {
                throw NotHere.INSTANCE;
            }
            String[] unit = new String[4];
            int seen = 0;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                Integer slot = unitSlots.get(parser.currentName());
                JsonToken value = parser.nextToken();
                if (slot == null || (seen & (1 << slot)) != 0) {
                    throw NotHere.INSTANCE;
                }
                seen |= 1 << slot;
                String canonical = value == JsonToken.VALUE_NUMBER_FLOAT || value == JsonToken.VALUE_NUMBER_INT
                        ? canonicalDouble(parser.getText()) : null;
                if (canonical != null) {
                    unit[slot] = canonical;
                } else if (value != JsonToken.VALUE_NULL) {
                    unit[slot] = encode(parser, value, ColumnType.DOUBLE,
                            CdcTable.ORDERBOOK_UNITS + "[" + depth + "]." + CdcTable.ORDERBOOK_UNIT_FIELDS.get(slot));
                }
            }
            if (seen != 0b1111) {
                throw NotHere.INSTANCE;
            }
            levels[depth++] = unit;
        }
        if (token != JsonToken.END_ARRAY) {
            throw NotHere.INSTANCE;
        }
        return depth;
    }

    /** The canonical text of a non-null value of a known field of type {@code type}. */
    private String encode(JsonParser parser, JsonToken value, ColumnType type, String field) throws IOException {
        switch (type) {
            case STRING -> {
                if (value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
            }
            case DOUBLE -> {
                if (value == JsonToken.VALUE_NUMBER_FLOAT || value == JsonToken.VALUE_NUMBER_INT) {
                    String canonical = canonicalDouble(parser.getText());
                    if (canonical != null) {
                        return canonical;
                    }
                }
            }
            case BIGINT -> {
                if (value == JsonToken.VALUE_NUMBER_INT && isLong(parser)) {
                    return Long.toString(parser.getLongValue());
                }
            }
            case BOOLEAN -> {
                if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                    return value == JsonToken.VALUE_TRUE ? "true" : "false";
                }
            }
            default -> {
            }
        }
        return type.encode(tree(parser), field);
    }

    /** The epoch milliseconds of a non-null TIMESTAMP value, rejected outside 2000–2100. */
    private long epochMillis(JsonParser parser, JsonToken value, String field) throws IOException, NotHere {
        if (value == JsonToken.VALUE_NUMBER_INT && isLong(parser)) {
            long millis = parser.getLongValue();
            if (millis < FrameValues.MIN_EPOCH_MILLIS || millis >= FrameValues.MAX_EPOCH_MILLIS) {
                throw NotHere.INSTANCE;
            }
            return millis;
        }
        return FrameValues.epochMillis(tree(parser), field);
    }

    /** An unknown field's STRING value: a string as is, null as null, anything else as the tree's JSON text. */
    private String unknownValue(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        return value == JsonToken.VALUE_NULL ? null : ColumnType.STRING.encode(tree(parser), null);
    }

    /** The value at the parser's token (a whole object or array included) as the frame parser's tree holds it. */
    private JsonNode tree(JsonParser parser) throws IOException {
        return mapper.readTree(parser);
    }

    private static boolean isLong(JsonParser parser) throws IOException {
        JsonParser.NumberType type = parser.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }

    /**
     * {@link ColumnType#canonicalDouble} of a JSON number token's text in plain notation of at most 30 characters
     * (always within DOUBLE's range and written plainly), without BigDecimal; {@code null} for any other text.
     */
    static String canonicalDouble(String text) {
        int n = text.length();
        if (n == 0 || n > 30) {
            return null;
        }
        int start = text.charAt(0) == '-' ? 1 : 0;
        int dot = -1;
        boolean zero = true;
        for (int i = start; i < n; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (dot >= 0) {
                    return null;
                }
                dot = i;
            } else if (c < '0' || c > '9') {
                return null;
            } else if (c != '0') {
                zero = false;
            }
        }
        if (start == n || dot == start || dot == n - 1) {
            return null;
        }
        if (zero) {
            return "0.0";
        }
        if (dot < 0) {
            return text + ".0";
        }
        int end = n;
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        if (end == dot + 1) {
            return text.substring(0, dot) + ".0";
        }
        return end == n ? text : text.substring(0, end);
    }

    /** As {@code FrameParser}'s market pattern {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}. */
    static boolean isMarket(String s) {
        int n = s.length();
        if (n < 1 || n > 64 || !isAlnum(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (!isAlnum(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** As {@link RowMapper}'s column-name pattern {@code [A-Za-z_][A-Za-z0-9_]{0,63}}. */
    static boolean isColumnName(String s) {
        int n = s.length();
        if (n < 1 || n > 64 || !(isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (!isAlnum(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAlnum(char c) {
        return isLetter(c) || (c >= '0' && c <= '9');
    }

    private static boolean isAscii(byte[] frame) {
        int bits = 0;
        for (byte b : frame) {
            bits |= b;
        }
        return bits >= 0;
    }
}
