package dev.tickerlake.cdc;

/** One column of a CDC row: name, type and canonical value ({@code null} only when the frame sent JSON null). */
public record Column(String name, ColumnType type, String value) {
}
