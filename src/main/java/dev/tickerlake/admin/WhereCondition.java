package dev.tickerlake.admin;

/** One {@code where=col:value} condition of the admin API: the column equals the value (given as text). */
public record WhereCondition(String column, String value) {

    /** Parses {@code col:value}; the value is everything after the first ':' and may itself contain ':'. */
    public static WhereCondition parse(String text) {
        if (text == null) {
            throw ApiException.badRequest("invalid_where", "where must be col:value, got nothing");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw ApiException.badRequest("invalid_where", "where must be col:value, got '" + text + "'");
        }
        String column = text.substring(0, colon).trim();
        if (column.isEmpty()) {
            throw ApiException.badRequest("invalid_where", "where must name a column before ':', got '" + text + "'");
        }
        return new WhereCondition(column, text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return column + ":" + value;
    }
}
