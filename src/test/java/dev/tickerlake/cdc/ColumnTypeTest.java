package dev.tickerlake.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tickerlake.upbit.FrameRejectedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0E-8                          | 0.0",
            "0                             | 0.0",
            "95000000                      | 95000000.0",
            "95000000.0                    | 95000000.0",
            "9.4E7                         | 94000000.0",
            "8.428e-05                     | 0.00008428",
            "95078733694.3792000000000000  | 95078733694.3792",
            "228827082483.70729000         | 228827082483.70729",
            "-0.0052910053                 | -0.0052910053",
            "1.25E-3                       | 0.00125",
            "0.1234567890123456789012345   | 0.1234567890123456789012345",
            "1e300                         | 1E+300",
            "1.5e-200                      | 1.5E-200",
            "1e-400                        | 1E-400"})
    void doublesAreWrittenExactlyAndReadBackAsTheSameDouble(String written, String expected) {
        String fromNumber = ColumnType.DOUBLE.encode(NODES.numberNode(new java.math.BigDecimal(written)), "f");
        String fromString = ColumnType.DOUBLE.encode(NODES.textNode(written), "f");
        assertThat(fromNumber).isEqualTo(expected);
        assertThat(fromString).as("a number sent as a JSON string").isEqualTo(expected);
        assertThat(Double.parseDouble(fromNumber)).isEqualTo(Double.parseDouble(written));
    }

    @Test
    void integersAreDoublesToo() {
        assertThat(ColumnType.DOUBLE.encode(NODES.numberNode(741), "f")).isEqualTo("741.0");
        assertThat(ColumnType.DOUBLE.encode(NODES.numberNode(new java.math.BigInteger("95078733694379200000")), "f"))
                .isEqualTo("95078733694379200000.0");
    }

    @ParameterizedTest(name = "\"{0}\" is not a DOUBLE")
    @CsvSource(delimiter = '|', value = {"abc", "NaN", "Infinity", "''", "' 1'", "'1 '", "0x10", "1e", "--1", "1e400", "1_000", "١٢"})
    void rejectsWhatIsNotAFiniteNumber(String text) {
        assertThatThrownBy(() -> ColumnType.DOUBLE.encode(NODES.textNode(text), "trade_price"))
                .isInstanceOf(FrameRejectedException.class)
                .hasMessageContaining("trade_price")
                .extracting(e -> ((FrameRejectedException) e).errorClass()).isEqualTo("bad-number");
    }

    @Test
    void rejectsNonNumericJsonForNumbers() {
        for (JsonNode value : new JsonNode[] {NODES.booleanNode(true), NODES.objectNode(), NODES.arrayNode()}) {
            assertThatThrownBy(() -> ColumnType.DOUBLE.encode(value, "f"))
                    .extracting(e -> ((FrameRejectedException) e).errorClass()).isEqualTo("bad-number");
        }
    }

    @Test
    void bigintsAreIntegralSixtyFourBitValues() {
        assertThat(ColumnType.BIGINT.encode(NODES.numberNode(1714521600100000L), "sid")).isEqualTo("1714521600100000");
        assertThat(ColumnType.BIGINT.encode(NODES.textNode("17145558150000001"), "sid")).isEqualTo("17145558150000001");
        assertThat(ColumnType.BIGINT.encode(NODES.numberNode(new java.math.BigDecimal("1.7E+3")), "sid")).isEqualTo("1700");
        for (String bad : new String[] {"1.5", "9223372036854775808", "1e999999999", "x"}) {
            assertThatThrownBy(() -> ColumnType.BIGINT.encode(NODES.textNode(bad), "sid"))
                    .extracting(e -> ((FrameRejectedException) e).errorClass()).isEqualTo("bad-number");
        }
    }

    @Test
    void timestampsAreUtcWithMilliseconds() {
        assertThat(ColumnType.TIMESTAMP.encode(NODES.numberNode(1714521600123L), "timestamp"))
                .isEqualTo("2024-05-01 00:00:00.123");
        assertThat(ColumnType.TIMESTAMP.encode(NODES.numberNode(1714521599999L), "timestamp"))
                .isEqualTo("2024-04-30 23:59:59.999");
        assertThat(ColumnType.TIMESTAMP.encode(NODES.textNode("1714521600000"), "timestamp"))
                .isEqualTo("2024-05-01 00:00:00.000");
        assertThat(ColumnType.formatDate(1714521599999L)).isEqualTo("2024-04-30");
    }

    @Test
    void booleansAreTrueOrFalse() {
        assertThat(ColumnType.BOOLEAN.encode(NODES.booleanNode(false), "its")).isEqualTo("false");
        assertThat(ColumnType.BOOLEAN.encode(NODES.textNode("TRUE"), "its")).isEqualTo("true");
        assertThatThrownBy(() -> ColumnType.BOOLEAN.encode(NODES.textNode("maybe"), "its"))
                .extracting(e -> ((FrameRejectedException) e).errorClass()).isEqualTo("bad-value");
        assertThatThrownBy(() -> ColumnType.BOOLEAN.encode(NODES.numberNode(1), "its"))
                .extracting(e -> ((FrameRejectedException) e).errorClass()).isEqualTo("bad-value");
    }

    @Test
    void stringsKeepTextAsSentAndOtherJsonAsItsText() {
        assertThat(ColumnType.STRING.encode(NODES.textNode("20240501"), "trade_date")).isEqualTo("20240501");
        assertThat(ColumnType.STRING.encode(NODES.objectNode().put("a", 1), "x")).isEqualTo("{\"a\":1}");
        assertThat(ColumnType.STRING.encode(NODES.booleanNode(true), "x")).isEqualTo("true");
        assertThat(ColumnType.STRING.encode(NODES.numberNode(new java.math.BigDecimal("1.50")), "x")).isEqualTo("1.50");
    }
}
