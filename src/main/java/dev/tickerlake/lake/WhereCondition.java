package dev.tickerlake.lake;

/** One row filter: the column equals the value (given as text, converted to the column's type when read). */
public record WhereCondition(String column, String value) {

    @Override
    public String toString() {
        return column + ":" + value;
    }
}
