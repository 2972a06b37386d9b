package dev.tickerlake.sync.kryo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.paimon.flink.sink.cdc.CdcMultiplexRecord;
import org.apache.paimon.flink.sink.cdc.CdcRecord;
import org.apache.paimon.types.RowKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The action's records through the serializer Flink builds for their type (as Paimon declares it) with and without
 * tickerlake's serialization config: the same record comes back, and the registered one is the smaller.
 */
class CdcMultiplexRecordSerializerTest {

    @Test
    void aRecordComesBackTheSameAndSmallerThanWithKryosReflectiveSerializer() throws Exception {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("market", "KRW-BTC");
        data.put("trade_price", "143250000.0");
        data.put("ask_bid", null);
        data.put("timestamp", "1733616000123");
        CdcMultiplexRecord record = new CdcMultiplexRecord("upbit", "trade", new CdcRecord(RowKind.UPDATE_AFTER, data));
        CdcMultiplexRecord empty = new CdcMultiplexRecord("upbit", "ticker", new CdcRecord(RowKind.DELETE,
                new HashMap<>()));

        TypeSerializer<CdcMultiplexRecord> stock = serializer(new Configuration());
        Configuration tuned = new Configuration();
        tuned.set(PipelineOptions.SERIALIZATION_CONFIG, CdcMultiplexRecordSerializer.SERIALIZATION_CONFIG);
        TypeSerializer<CdcMultiplexRecord> ours = serializer(tuned);

        assertThat(roundTrip(ours, record)).isEqualTo(record);
        assertThat(roundTrip(ours, record).record().kind()).isEqualTo(RowKind.UPDATE_AFTER);
        assertThat(roundTrip(ours, record).record().data()).containsEntry("ask_bid", null);
        assertThat(roundTrip(ours, empty)).isEqualTo(empty);
        assertThat(roundTrip(stock, record)).isEqualTo(record);
        assertThat(bytes(ours, record)).isLessThan(bytes(stock, record));
    }

    private static TypeSerializer<CdcMultiplexRecord> serializer(Configuration conf) {
        ExecutionConfig config = new ExecutionConfig();
        config.configure(conf, CdcMultiplexRecordSerializerTest.class.getClassLoader());
        return TypeInformation.of(CdcMultiplexRecord.class).createSerializer(config.getSerializerConfig());
    }

    private static CdcMultiplexRecord roundTrip(TypeSerializer<CdcMultiplexRecord> serializer,
                                                CdcMultiplexRecord record) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(record, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static int bytes(TypeSerializer<CdcMultiplexRecord> serializer, CdcMultiplexRecord record)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(record, out);
        return out.length();
    }
}
