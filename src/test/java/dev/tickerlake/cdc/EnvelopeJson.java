package dev.tickerlake.cdc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A canal-json envelope read back for assertions: its top-level fields, {@code mysqlType} and the one data row. */
record EnvelopeJson(JsonNode root) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static EnvelopeJson of(Envelope envelope) {
        try {
            return new EnvelopeJson(JSON.readTree(envelope.value()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode data() {
        return root.get("data").get(0);
    }

    /** The value of {@code column} in the data row ({@code null} for JSON null; fails if absent). */
    String value(String column) {
        JsonNode value = data().get(column);
        if (value == null) {
            throw new AssertionError("no column " + column + " in " + data());
        }
        return value.isNull() ? null : value.textValue();
    }

    String mysqlType(String column) {
        return root.get("mysqlType").get(column).textValue();
    }

    List<String> columns() {
        List<String> names = new ArrayList<>();
        data().fieldNames().forEachRemaining(names::add);
        return names;
    }

    List<String> typedColumns() {
        List<String> names = new ArrayList<>();
        root.get("mysqlType").fieldNames().forEachRemaining(names::add);
        return names;
    }
}
