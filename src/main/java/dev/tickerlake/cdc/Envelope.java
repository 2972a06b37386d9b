package dev.tickerlake.cdc;

import java.nio.charset.StandardCharsets;

/**
 * One record for topic {@code upbit-cdc}: the target table, the Kafka key ({@code <table>|<pk1>|...}) and the
 * canal-json value. Camel's simple language reads the accessors as properties: {@code ${body.key}}.
 */
public record Envelope(String table, String key, byte[] value) {

    /** The value as text, for logs and tests. */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
