package dev.tickerlake.cdc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.flink.action.cdc.CdcSourceRecord;
import org.apache.paimon.flink.action.cdc.TypeMapping;
import org.apache.paimon.flink.action.cdc.format.canal.CanalRecordParser;
import org.apache.paimon.flink.action.cdc.serialization.CdcJsonDeserializationSchema;
import org.apache.paimon.flink.sink.cdc.CdcRecordUtils;
import org.apache.paimon.flink.sink.cdc.RichCdcMultiplexRecord;
import org.apache.paimon.types.DataField;

/**
 * Reads an envelope the way Paimon 1.3.1's {@code kafka_sync_database} does (its Kafka value deserializer, canal
 * parser and CDC row conversion), so tests can check that Paimon sees the intended schema and values.
 */
final class PaimonCanalReader {

    /** What Paimon makes of one envelope: the parsed record (database, table, schema) and the typed row. */
    record Parsed(RichCdcMultiplexRecord record, GenericRow row) {

        List<DataField> fields() {
            return record.cdcSchema().fields();
        }

        DataField field(String name) {
            return fields().stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("Paimon saw no field " + name));
        }

        Object value(String name) {
            List<DataField> fields = fields();
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).name().equals(name)) {
                    return row.getField(i);
                }
            }
            throw new AssertionError("Paimon saw no field " + name);
        }
    }

    private final CdcJsonDeserializationSchema deserializer = new CdcJsonDeserializationSchema();
    private final CanalRecordParser parser = new CanalRecordParser(TypeMapping.defaultMapping(), List.of());

    Parsed read(byte[] envelope) {
        List<Parsed> parsed = readAll(envelope);
        if (parsed.size() != 1) {
            throw new AssertionError("Paimon parsed " + parsed.size() + " records from one envelope");
        }
        return parsed.get(0);
    }

    /** Every record Paimon parses from one envelope (one per row of its {@code data}), in order. */
    List<Parsed> readAll(byte[] envelope) {
        try {
            CdcSourceRecord source = deserializer.deserialize(envelope);
            List<RichCdcMultiplexRecord> records = new ArrayList<>();
            parser.flatMap(source, new ListCollector<>(records));
            List<Parsed> parsed = new ArrayList<>();
            for (RichCdcMultiplexRecord record : records) {
                GenericRow row = CdcRecordUtils.toGenericRow(record.toRichCdcRecord().toCdcRecord(),
                                record.cdcSchema().fields(), true)
                        .orElseThrow(() -> new AssertionError("Paimon could not convert the row: " + record));
                parsed.add(new Parsed(record, row));
            }
            return parsed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError("Paimon rejected the envelope: " + e, e);
        }
    }
}
