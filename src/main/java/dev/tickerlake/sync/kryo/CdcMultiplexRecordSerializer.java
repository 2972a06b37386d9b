package dev.tickerlake.sync.kryo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.paimon.flink.sink.cdc.CdcMultiplexRecord;
import org.apache.paimon.flink.sink.cdc.CdcRecord;
import org.apache.paimon.types.RowKind;

/**
 * A Kryo serializer for Paimon's {@code CdcMultiplexRecord}, the record {@code kafka_sync_database} sends from its parse
 * operator to its writer across a partitioner (a network hop even at parallelism 1). Paimon declares the stream's type
 * as {@code TypeInformation.of(CdcMultiplexRecord.class)}, a generic type, so Flink serializes each record with Kryo's
 * reflective field serializer, writing the class names of the record, its {@code CdcRecord}, its {@code RowKind} and
 * its map. This one writes the database and table names, the row kind as one byte and the field map as a count and
 * name/value strings (values may be null); registered for the class with {@code pipeline.serialization-config}
 * ({@code kryo-type: registered}), a record then starts with a class id instead of a class name.
 *
 * <p>Only records in flight use it: no operator of the action keeps a {@code CdcMultiplexRecord} in its state, so a
 * savepoint taken without it restores with it and back. Lives in a package of its own: remote mode ships it in
 * {@code tickerlake-flink-job.jar}.
 */
public final class CdcMultiplexRecordSerializer extends Serializer<CdcMultiplexRecord> {

    /** Flink's {@code pipeline.serialization-config} that registers this serializer for the record. */
    public static final List<String> SERIALIZATION_CONFIG = List.of(CdcMultiplexRecord.class.getName()
            + ": {type: kryo, kryo-type: registered, class: " + CdcMultiplexRecordSerializer.class.getName() + "}");

    public CdcMultiplexRecordSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, CdcMultiplexRecord record) {
        output.writeString(record.databaseName());
        output.writeString(record.tableName());
        CdcRecord cdc = record.record();
        output.writeByte(cdc.kind().toByteValue());
        Map<String, String> data = cdc.data();
        output.writeVarInt(data.size(), true);
        for (Map.Entry<String, String> field : data.entrySet()) {
            output.writeString(field.getKey());
            output.writeString(field.getValue());
        }
    }

    @Override
    public CdcMultiplexRecord read(Kryo kryo, Input input, Class<CdcMultiplexRecord> type) {
        String database = input.readString();
        String table = input.readString();
        RowKind kind = RowKind.fromByteValue(input.readByte());
        int size = input.readVarInt(true);
        Map<String, String> data = new LinkedHashMap<>(size * 4 / 3 + 1);
        for (int i = 0; i < size; i++) {
            data.put(input.readString(), input.readString());
        }
        return new CdcMultiplexRecord(database, table, new CdcRecord(kind, data));
    }
}
