package dev.tickerlake.lake;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.Decimal;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.predicate.Predicate;
import org.apache.paimon.predicate.PredicateBuilder;
import org.apache.paimon.types.DataType;
import org.apache.paimon.types.DecimalType;
import org.apache.paimon.types.RowType;

/**
 * Turns {@code where=col:value} conditions into one Paimon predicate (all conditions must hold), converting each
 * value from text to its column's type. An unknown column or a value the type cannot take is refused ({@link LakeException.Kind#INVALID}).
 */
final class RowFilters {

    private RowFilters() {
    }

    /** The conjunction of the conditions over {@code rowType}, or null when there are none. */
    static Predicate predicate(RowType rowType, List<WhereCondition> conditions) {
        if (conditions.isEmpty()) {
            return null;
        }
        PredicateBuilder builder = new PredicateBuilder(rowType);
        List<Predicate> predicates = new ArrayList<>(conditions.size());
        for (WhereCondition condition : conditions) {
            int index = rowType.getFieldIndex(condition.column());
            if (index < 0) {
                throw LakeException.invalid("unknown_column", "no column '" + condition.column()
                        + "' in where; columns: " + String.join(", ", rowType.getFieldNames()));
            }
            DataType type = rowType.getTypeAt(index);
            predicates.add(builder.equal(index, literal(condition, type)));
        }
        return PredicateBuilder.and(predicates);
    }

    /** The condition's value as the Paimon internal object of {@code type}. */
    static Object literal(WhereCondition condition, DataType type) {
        String text = condition.value();
        try {
            switch (type.getTypeRoot()) {
                case CHAR:
                case VARCHAR:
                    return BinaryString.fromString(text);
                case BOOLEAN:
                    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(text);
                    }
                    throw unconvertible(condition, type, "true or false");
                case TINYINT:
                    return Byte.parseByte(text.trim());
                case SMALLINT:
                    return Short.parseShort(text.trim());
                case INTEGER:
                    return Integer.parseInt(text.trim());
                case BIGINT:
                    return Long.parseLong(text.trim());
                case FLOAT:
                    return Float.parseFloat(text.trim());
                case DOUBLE:
                    return Double.parseDouble(text.trim());
                case DECIMAL:
                    DecimalType decimalType = (DecimalType) type;
                    Decimal decimal = Decimal.fromBigDecimal(new BigDecimal(text.trim()),
                            decimalType.getPrecision(), decimalType.getScale());
                    if (decimal == null) {
                        throw unconvertible(condition, type, "a number that fits " + type.asSQLString());
                    }
                    return decimal;
                case DATE:
                    return (int) LocalDate.parse(text.trim()).toEpochDay();
                case TIME_WITHOUT_TIME_ZONE:
                    return (int) (LocalTime.parse(text.trim()).toNanoOfDay() / 1_000_000L);
                case TIMESTAMP_WITHOUT_TIME_ZONE:
                    // Stored as UTC wall-clock time: the instant's UTC reading is the stored value.
                    return Timestamp.fromLocalDateTime(instant(condition, type).atOffset(ZoneOffset.UTC).toLocalDateTime());
                case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                    return Timestamp.fromInstant(instant(condition, type));
                default:
                    throw LakeException.invalid("invalid_where", "cannot filter on column '" + condition.column()
                            + "' of type " + type.asSQLString());
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw unconvertible(condition, type, "a value of that type");
        }
    }

    private static Instant instant(WhereCondition condition, DataType type) {
        String text = condition.value().trim();
        if (text.matches("^-?[0-9]{1,18}$")) {
            return Instant.ofEpochMilli(Long.parseLong(text));
        }
        Instant instant = Instants.parse(text);
        if (instant == null) {
            throw unconvertible(condition, type, "epoch milliseconds or ISO-8601");
        }
        return instant;
    }

    private static LakeException unconvertible(WhereCondition condition, DataType type, String expected) {
        return LakeException.invalid("invalid_value", "where " + condition.column() + ": '" + condition.value()
                + "' is not " + expected + " (column type " + type.asSQLString() + ")");
    }
}
