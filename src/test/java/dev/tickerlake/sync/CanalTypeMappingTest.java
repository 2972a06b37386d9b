package dev.tickerlake.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.util.Collector;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.flink.action.cdc.CdcSourceRecord;
import org.apache.paimon.flink.action.cdc.TypeMapping;
import org.apache.paimon.flink.action.cdc.format.canal.CanalRecordParser;
import org.apache.paimon.flink.sink.cdc.CdcRecordUtils;
import org.apache.paimon.flink.sink.cdc.RichCdcMultiplexRecord;
import org.apache.paimon.schema.Schema;
import org.apache.paimon.types.DataField;
import org.apache.paimon.utils.JsonSerdeUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Paimon type Paimon 1.3.1's canal-json parser gives each {@code mysqlType} spelling the envelope contract may
 * use, and how the string values convert: the finding the envelope's final spelling is fixed from.
 */
class CanalTypeMappingTest {

    private static final CanalRow ROW = CanalRow.of("ticker", "market", "dt")
            .column("market", "varchar(32)", "KRW-BTC")
            .column("dt", "varchar(10)", "2024-05-01")
            .column("type", "varchar(32)", "ticker")
            .column("wide", "varchar(65535)", "{\"a\":1}")
            .column("unsized", "varchar", "x")
            .column("plain_text", "text", "some text")
            .column("long_text", "longtext", "long text")
            .column("medium_text", "mediumtext", "medium text")
            .column("json_doc", "json", "{\"b\":2}")
            .column("price", "double", "95000000.0")
            .column("timestamp", "datetime(3)", "2024-05-01 00:00:00.123")
            .column("plain_datetime", "datetime", "2024-05-01 00:00:01")
            .column("sequential_id", "bigint", "1714521600000000")
            .column("is_trading_suspended", "boolean", "false")
            .column("tiny_flag", "tinyint(1)", "1")
            .column("nothing", "text", null)
            .build();

    @Test
    void mysqlTypeSpellingsBecomeThesePaimonTypes() {
        Map<String, String> types = paimonTypes(parse(ROW, TypeMapping.defaultMapping()));

        assertThat(types).containsExactlyEntriesOf(ordered(
                "market", "VARCHAR(32) NOT NULL",
                "dt", "VARCHAR(10) NOT NULL",
                "type", "VARCHAR(32)",
                "wide", "VARCHAR(65535)",
                "unsized", "STRING",
                "plain_text", "STRING",
                "long_text", "STRING",
                "medium_text", "STRING",
                "json_doc", "STRING",
                "price", "DOUBLE",
                "timestamp", "TIMESTAMP(3)",
                "plain_datetime", "TIMESTAMP(0)",
                "sequential_id", "BIGINT",
                "is_trading_suspended", "BOOLEAN",
                "tiny_flag", "BOOLEAN",
                "nothing", "STRING"));
    }

    @Test
    void charToStringMappingTurnsSizedVarcharIntoString() {
        Map<String, String> types = paimonTypes(parse(ROW, TypeMapping.parse(new String[] {"char-to-string"})));

        assertThat(types).containsEntry("market", "STRING NOT NULL").containsEntry("wide", "STRING")
                .containsEntry("timestamp", "TIMESTAMP(3)").containsEntry("price", "DOUBLE");
    }

    @Test
    void pkNamesBecomePrimaryKeysAndValuesConvertFromTheirStrings() {
        RichCdcMultiplexRecord record = parse(ROW, TypeMapping.defaultMapping());
        Schema schema = record.buildSchema();
        assertThat(record.tableName()).isEqualTo("ticker");
        assertThat(record.databaseName()).isEqualTo("upbit");
        assertThat(schema.primaryKeys()).containsExactly("market", "dt");

        List<DataField> fields = schema.fields();
        GenericRow row = CdcRecordUtils.toGenericRow(record.toRichCdcRecord().toCdcRecord(), fields, false)
                .orElseThrow();
        assertThat(row.getField(index(fields, "timestamp")))
                .isEqualTo(Timestamp.fromEpochMillis(1714521600123L));
        assertThat(row.getField(index(fields, "price"))).isEqualTo(95000000.0d);
        assertThat(row.getField(index(fields, "sequential_id"))).isEqualTo(1714521600000000L);
        assertThat(row.getField(index(fields, "is_trading_suspended"))).isEqualTo(false);
        assertThat(row.getField(index(fields, "nothing"))).isNull();
        assertThat(row.getField(index(fields, "wide")).toString()).isEqualTo("{\"a\":1}");
    }

    /**
     * The writer cannot convert such a value: it waits for a schema change (100 retries 0.5 s apart by default), then
     * fails the job. Sized varchar is therefore a trap for values whose length the exchange decides.
     */
    @Test
    void aValueLongerThanItsVarcharLengthCannotBeWrittenButFitsString() {
        CanalRow tooLong = CanalRow.of("ticker", "market", "dt")
                .column("market", "varchar(4)", "KRW-BTC")
                .column("dt", "varchar(10)", "2024-05-01")
                .column("timestamp", "datetime(3)", "2024-05-01 00:00:00.123")
                .build();
        RichCdcMultiplexRecord record = parse(tooLong, TypeMapping.defaultMapping());
        List<DataField> fields = record.buildSchema().fields();
        assertThat(CdcRecordUtils.toGenericRow(record.toRichCdcRecord().toCdcRecord(), fields, false)).isEmpty();

        CanalRow asText = CanalRow.of("ticker", "market", "dt")
                .column("market", "text", "KRW-BTC")
                .column("dt", "text", "2024-05-01")
                .column("timestamp", "datetime(3)", "2024-05-01 00:00:00.123")
                .build();
        RichCdcMultiplexRecord textRecord = parse(asText, TypeMapping.defaultMapping());
        List<DataField> textFields = textRecord.buildSchema().fields();
        GenericRow row = CdcRecordUtils.toGenericRow(textRecord.toRichCdcRecord().toCdcRecord(), textFields, false)
                .orElseThrow();
        assertThat(row.getField(index(textFields, "market")).toString()).isEqualTo("KRW-BTC");
        assertThat(paimonTypes(textRecord)).containsEntry("market", "STRING NOT NULL");
    }

    @Test
    void aDataFieldMissingFromMysqlTypeIsDropped() throws Exception {
        String envelope = new String(ROW.envelope()).replace("\"data\":[{", "\"data\":[{\"untyped\":\"dropped\",");
        RichCdcMultiplexRecord record = parse(envelope, TypeMapping.defaultMapping());

        assertThat(paimonTypes(record)).doesNotContainKey("untyped");
    }

    private static RichCdcMultiplexRecord parse(CanalRow row, TypeMapping mapping) {
        return parse(new String(row.envelope()), mapping);
    }

    private static RichCdcMultiplexRecord parse(String envelope, TypeMapping mapping) {
        List<RichCdcMultiplexRecord> out = new ArrayList<>();
        try {
            new CanalRecordParser(mapping, List.of()).flatMap(
                    new CdcSourceRecord(JsonSerdeUtil.OBJECT_MAPPER_INSTANCE.readTree(envelope)), collector(out));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static Map<String, String> paimonTypes(RichCdcMultiplexRecord record) {
        Map<String, String> types = new LinkedHashMap<>();
        record.buildSchema().fields().forEach(f -> types.put(f.name(), f.type().asSQLString()));
        return types;
    }

    private static int index(List<DataField> fields, String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static <T> Collector<T> collector(List<T> out) {
        return new Collector<>() {
            @Override
            public void collect(T record) {
                out.add(record);
            }

            @Override
            public void close() {
            }
        };
    }
}
