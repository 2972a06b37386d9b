package dev.tickerlake.cdc;

/** One Upbit field tickerlake knows: its DEFAULT name in the frame, its column name and type. */
public record KnownField(String upbitName, String column, ColumnType type) {
}
