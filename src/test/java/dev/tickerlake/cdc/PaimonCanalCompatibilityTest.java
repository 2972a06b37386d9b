package dev.tickerlake.cdc;

import static dev.tickerlake.upbit.Frames.line;
import static dev.tickerlake.upbit.Frames.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;

import dev.tickerlake.upbit.Frames;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The envelopes as Paimon 1.3.1's canal-json parser reads them: schema, keys and typed values. */
class PaimonCanalCompatibilityTest {

    private final CdcMapper mapper = new CdcMapper();
    private final PaimonCanalReader paimon = new PaimonCanalReader();

    @Test
    void paimonReadsTheTickerWithItsIntendedTypesAndValues() {
        PaimonCanalReader.Parsed ticker = paimon.read(mapper.map(utf8(line("ticker.jsonl", 1))).value());

        assertThat(ticker.record().databaseName()).isEqualTo("upbit");
        assertThat(ticker.record().tableName()).isEqualTo("ticker");
        assertThat(ticker.record().cdcSchema().primaryKeys()).containsExactly("market", "dt");
        assertThat(ticker.field("market").type()).isEqualTo(DataTypes.STRING());
        assertThat(ticker.field("price").type()).isEqualTo(DataTypes.DOUBLE());
        assertThat(ticker.field("timestamp").type()).isEqualTo(DataTypes.TIMESTAMP(3));
        assertThat(ticker.field("is_trading_suspended").type()).isEqualTo(DataTypes.BOOLEAN());
        assertThat(ticker.field("mystery_field").type()).isEqualTo(DataTypes.STRING());

        assertThat(ticker.value("market")).isEqualTo(BinaryString.fromString("KRW-ETH"));
        assertThat(ticker.value("price")).isEqualTo(4250000.0);
        assertThat(ticker.value("trade_volume")).isEqualTo(8.428e-05);
        assertThat(ticker.value("change_price")).isEqualTo(0.0);
        assertThat(ticker.value("timestamp"))
                .isEqualTo(Timestamp.fromLocalDateTime(LocalDateTime.parse("2024-05-01T09:30:15.042")));
        assertThat(ticker.value("is_trading_suspended")).isEqualTo(false);
        assertThat(ticker.value("delisting_date")).isNull();
        assertThat(ticker.value("mystery_field")).isEqualTo(BinaryString.fromString("{\"a\":1}"));
    }

    @Test
    void paimonReadsTheTradeKeyAsBigint() {
        PaimonCanalReader.Parsed trade = paimon.read(mapper.map(utf8(line("trade.jsonl", 1))).value());
        assertThat(trade.record().cdcSchema().primaryKeys()).containsExactly("market", "sequential_id", "dt");
        assertThat(trade.field("sequential_id").type().copy(true)).isEqualTo(DataTypes.BIGINT());
        assertThat(trade.value("sequential_id")).isEqualTo(17145558150000001L);
    }

    @Test
    void paimonReadsEveryFixtureEnvelope() {
        for (String frame : Frames.all()) {
            Envelope envelope = mapper.map(utf8(frame));
            PaimonCanalReader.Parsed parsed = paimon.read(envelope.value());
            assertThat(parsed.record().tableName()).isEqualTo(envelope.table());
            assertThat(parsed.fields()).hasSize(EnvelopeJson.of(envelope).columns().size());
        }
    }

    @Test
    void orderbookLevelsAreDoubleColumnsForPaimon() {
        PaimonCanalReader.Parsed book = paimon.read(mapper.map(utf8(line("orderbook.jsonl", 0))).value());
        assertThat(book.field("ask_price_1").type()).isEqualTo(DataTypes.DOUBLE());
        assertThat(book.value("ask_price_1")).isEqualTo(95001000.0);
        assertThat(book.value("bid_size_1")).isEqualTo(2.4E-4);
        assertThat(book.value("bid_price_15")).isEqualTo(94986000.0);
    }
}
