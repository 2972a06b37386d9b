package dev.tickerlake.lake;

import java.util.Map;

/** One change of a diff: {@code +I}, {@code -U} (the row before), {@code +U} (the row after) or {@code -D}. */
public record Change(String kind, Map<String, Object> row) {
}
