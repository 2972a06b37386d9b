package dev.tickerlake.lake;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.paimon.data.Decimal;
import org.apache.paimon.data.InternalArray;
import org.apache.paimon.data.InternalMap;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.types.ArrayType;
import org.apache.paimon.types.DataField;
import org.apache.paimon.types.DataType;
import org.apache.paimon.types.MapType;
import org.apache.paimon.types.MultisetType;
import org.apache.paimon.types.RowType;

/**
 * Turns Paimon rows into plain values any answer can carry as they are: numbers as numbers, TIMESTAMP as ISO-8601 UTC
 * text (the tables store UTC wall-clock time), everything else as text; nested types as lists and maps.
 */
final class RowRenderer {

    private final List<String> names;
    private final List<DataType> types;
    private final List<InternalRow.FieldGetter> getters;

    RowRenderer(RowType rowType) {
        this.names = rowType.getFieldNames();
        this.types = rowType.getFieldTypes();
        this.getters = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
            getters.add(InternalRow.createFieldGetter(types.get(i), i));
        }
    }

    /** The row as column name → plain value, in the table's column order. */
    Map<String, Object> render(InternalRow row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            values.put(names.get(i), value(types.get(i), getters.get(i).getFieldOrNull(row)));
        }
        return values;
    }

    /**
     * Roughly the heap a rendered row holds (a read's {@link ReadBudget} counts it): the map and its entries (column
     * names are shared, not counted), boxed numbers, text at two bytes a character, nested values alike.
     */
    static long heapBytes(Map<String, Object> row) {
        long bytes = 64;
        for (Object value : row.values()) {
            bytes += 48 + valueBytes(value);
        }
        return bytes;
    }

    private static long valueBytes(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String text) {
            return 40 + 2L * text.length();
        }
        if (value instanceof Map<?, ?> map) {
            long bytes = 64;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                bytes += 48 + valueBytes(entry.getKey()) + valueBytes(entry.getValue());
            }
            return bytes;
        }
        if (value instanceof List<?> list) {
            long bytes = 56;
            for (Object element : list) {
                bytes += 8 + valueBytes(element);
            }
            return bytes;
        }
        return value instanceof java.math.BigDecimal ? 64 : 24;
    }

    static Object value(DataType type, Object value) {
        if (value == null) {
            return null;
        }
        switch (type.getTypeRoot()) {
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case BIGINT:
                return value;
            case FLOAT:
            case DOUBLE:
                double number = ((Number) value).doubleValue();
                return Double.isFinite(number) ? value : value.toString();
            case DECIMAL:
                return ((Decimal) value).toBigDecimal();
            case DATE:
                return LocalDate.ofEpochDay((Integer) value).toString();
            case TIME_WITHOUT_TIME_ZONE:
                return LocalTime.ofNanoOfDay((Integer) value * 1_000_000L).toString();
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return Instants.isoUtc(((Timestamp) value).toLocalDateTime().toInstant(ZoneOffset.UTC));
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return Instants.isoUtc(((Timestamp) value).toInstant());
            case BINARY:
            case VARBINARY:
                return Base64.getEncoder().encodeToString((byte[]) value);
            case ARRAY:
                return array(((ArrayType) type).getElementType(), (InternalArray) value);
            case MULTISET:
                return map(((MultisetType) type).getElementType(), null, (InternalMap) value);
            case MAP:
                return map(((MapType) type).getKeyType(), ((MapType) type).getValueType(), (InternalMap) value);
            case ROW:
                return nested((RowType) type, (InternalRow) value);
            default:
                return value.toString();
        }
    }

    private static List<Object> array(DataType elementType, InternalArray array) {
        InternalArray.ElementGetter getter = InternalArray.createElementGetter(elementType);
        List<Object> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            values.add(value(elementType, getter.getElementOrNull(array, i)));
        }
        return values;
    }

    private static Map<String, Object> map(DataType keyType, DataType valueType, InternalMap map) {
        List<Object> keys = array(keyType, map.keyArray());
        List<Object> values = valueType == null ? null : array(valueType, map.valueArray());
        Map<String, Object> rendered = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            rendered.put(String.valueOf(keys.get(i)), values == null ? map.valueArray().getInt(i) : values.get(i));
        }
        return rendered;
    }

    private static Map<String, Object> nested(RowType rowType, InternalRow row) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<DataField> fields = rowType.getFields();
        for (int i = 0; i < fields.size(); i++) {
            DataType type = fields.get(i).type();
            values.put(fields.get(i).name(), value(type, InternalRow.createFieldGetter(type, i).getFieldOrNull(row)));
        }
        return values;
    }
}
