package dev.tickerlake.lake;

/** A column: its Paimon SQL type without the nullability, which is told apart. */
public record Field(String name, String type, boolean nullable) {
}
