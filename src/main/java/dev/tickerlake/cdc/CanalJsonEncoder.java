package dev.tickerlake.cdc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes a {@link Row} as one canal-json INSERT message for Paimon's {@code kafka_sync_database}: {@code mysqlType}
 * names every column's type, {@code pkNames} the primary key, {@code data} holds the values as strings. The output
 * depends only on the row, so the same frame always gives the same bytes. Thread-safe.
 */
public final class CanalJsonEncoder {

    public static final String DEFAULT_DATABASE = "upbit";
    /** Paimon 1.3.1's canal parser turns {@code text} into STRING; {@code varchar(n)} would become VARCHAR(n). */
    public static final String DEFAULT_STRING_TYPE = "text";

    private static final JsonFactory JSON = new JsonFactory();

    private final String database;
    private final String stringType;

    public CanalJsonEncoder() {
        this(DEFAULT_DATABASE, DEFAULT_STRING_TYPE);
    }

    /** @param stringType the {@code mysqlType} spelling for STRING columns, e.g. {@code text} */
    public CanalJsonEncoder(String database, String stringType) {
        this.database = database;
        this.stringType = stringType;
    }

    /** The canal {@code mysqlType} of {@code type}. */
    public String mysqlType(ColumnType type) {
        return switch (type) {
            case DOUBLE -> "double";
            case BIGINT -> "bigint";
            case TIMESTAMP -> "datetime(3)";
            case BOOLEAN -> "boolean";
            case STRING -> stringType;
        };
    }

    /** The canal-json message (UTF-8) for {@code row}. */
    public byte[] encode(Row row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 64 * row.columnsByName().size());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("database", database);
            json.writeStringField("table", row.table().tableName());
            json.writeArrayFieldStart("pkNames");
            for (String key : row.table().primaryKey()) {
                json.writeString(key);
            }
            json.writeEndArray();
            json.writeBooleanField("isDdl", false);
            json.writeStringField("type", "INSERT");
            json.writeNumberField("es", row.timestamp());
            json.writeNumberField("ts", row.timestamp());
            json.writeObjectFieldStart("mysqlType");
            for (Column column : row.columns()) {
                json.writeStringField(column.name(), mysqlType(column.type()));
            }
            json.writeEndObject();
            json.writeArrayFieldStart("data");
            json.writeStartObject();
            for (Column column : row.columns()) {
                json.writeStringField(column.name(), column.value());
            }
            json.writeEndObject();
            json.writeEndArray();
            json.writeNullField("old");
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
