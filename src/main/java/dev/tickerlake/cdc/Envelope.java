package dev.tickerlake.cdc;

import java.nio.charset.StandardCharsets;

/**
 * One record for topic {@code upbit-cdc}: the target table, the Kafka key ({@code <table>|<pk1>|...}) and the
 * canal-json value. Getters are provided alongside the record accessors for bean-property access from routes.
 */
public record Envelope(String table, String key, byte[] value) {

    public String getTable() {
        return table;
    }

    public String getKey() {
        return key;
    }

    public byte[] getValue() {
        return value;
    }

    /** The value as text, for logs and tests. */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
