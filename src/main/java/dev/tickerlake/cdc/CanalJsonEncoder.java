package dev.tickerlake.cdc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes {@link Row}s as canal-json INSERT messages for Paimon's {@code kafka_sync_database}: {@code mysqlType}
 * names every column's type, {@code pkNames} the primary key, {@code data} holds the values as strings, one
 * object per row. The output depends only on the rows, so the same frames always give the same bytes. Thread-safe.
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

    /** The canal-json message (UTF-8) for {@code row}: {@link #encode(List)} of one row. */
    public byte[] encode(Row row) {
        return encode(List.of(row));
    }

    /**
     * One canal-json message (UTF-8) holding {@code rows} in its {@code data} array, in order. The rows must be of one
     * table with the same columns ({@link #sameColumns}): the message has one {@code mysqlType}. {@code es} and
     * {@code ts} are the newest row's timestamp: canal gives one event time per message; Paimon 1.3.1's canal parser
     * reads neither (it takes each row's own {@code timestamp} column as the sequence field), and the newest one says
     * up to when the message is complete. One row gives exactly the one-row message of before.
     */
    public byte[] encode(List<Row> rows) {
        List<byte[]> data = new java.util.ArrayList<>(rows.size());
        for (Row row : rows) {
            data.add(data(row));
        }
        return message(rows, data);
    }

    /** {@link #encode(List)} with each row's {@link #data} already written (a batch sizes its messages with them). */
    public byte[] message(List<Row> rows, List<byte[]> data) {
        int size = 0;
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < rows.size(); i++) {
            size += data.get(i).length + 1;
            newest = Math.max(newest, rows.get(i).timestamp());
        }
        byte[] head = head(rows.get(0), newest);
        byte[] message = new byte[head.length + size - 1 + TAIL.length];
        System.arraycopy(head, 0, message, 0, head.length);
        int at = head.length;
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) {
                message[at++] = ',';
            }
            byte[] object = data.get(i);
            System.arraycopy(object, 0, message, at, object.length);
            at += object.length;
        }
        System.arraycopy(TAIL, 0, message, at, TAIL.length);
        return message;
    }

    /** What closes a message after its last data object. */
    private static final byte[] TAIL = "],\"old\":null}".getBytes(StandardCharsets.UTF_8);

    /** Whether {@code a} and {@code b} can share one message: same table, same column names and types in order. */
    public static boolean sameColumns(Row a, Row b) {
        if (a.table() != b.table() || a.columnsByName().size() != b.columnsByName().size()) {
            return false;
        }
        Iterator<Column> other = b.columns().iterator();
        for (Column column : a.columns()) {
            Column c = other.next();
            if (!column.name().equals(c.name()) || column.type() != c.type()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes of a message of {@code first}'s columns besides its data objects (and the commas between them): exact
     * when the newest row's timestamp has as many digits as {@code first}'s (every epoch ms from 2001 to 2286 has 13).
     */
    public int overheadBytes(Row first) {
        return head(first, first.timestamp()).length + TAIL.length;
    }

    /** The message up to and including {@code "data":[}. */
    private byte[] head(Row first, long timestamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 32 * first.columnsByName().size());
        try {
            JsonGenerator json = JSON.createGenerator(out);
            json.writeStartObject();
            json.writeStringField("database", database);
            json.writeStringField("table", first.table().tableName());
            json.writeArrayFieldStart("pkNames");
            for (String key : first.table().primaryKey()) {
                json.writeString(key);
            }
            json.writeEndArray();
            json.writeBooleanField("isDdl", false);
            json.writeStringField("type", "INSERT");
            json.writeNumberField("es", timestamp);
            json.writeNumberField("ts", timestamp);
            json.writeObjectFieldStart("mysqlType");
            for (Column column : first.columns()) {
                json.writeStringField(column.name(), mysqlType(column.type()));
            }
            json.writeEndObject();
            json.writeArrayFieldStart("data");
            // Flushed, not closed: closing would end the open array and object.
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One row's object in {@code data}: every column's value as a string. */
    public byte[] data(Row row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + 40 * row.columnsByName().size());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (Column column : row.columns()) {
                json.writeStringField(column.name(), column.value());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
