package dev.tickerlake.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tickerlake.upbit.FrameParser;
import dev.tickerlake.upbit.FrameRejectedException;
import dev.tickerlake.upbit.Frames;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded random variations of the fixture frames: mapping either yields an envelope Paimon's own
 * canal parser reads, or a {@link FrameRejectedException} — never any other exception; the same holds for
 * {@link FrameParser#identify}.
 */
class CdcMapperPropertyTest {

    private static final long SEED = 20240501L;
    private static final int FRAMES = 3000;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final String[] NUMBER_SPELLINGS = {"0E-8", "0", "-0.0", "95078733694.3792000000000000", "8.428e-05",
            "1E+21", "1e400", "-1e-400", "1714521600123", "9223372036854775808", "1.5", "123456789012345678901234567890"};
    private static final String[] STRINGS = {"", " ", "NaN", "Infinity", "abc", "KRW-BTC", "KRW|BTC", "2024-05-01",
            "true", "1714521600123", "0x1F", "\u0000", "\uD83D\uDE80", "한글", "\"quoted\""};

    private final CdcMapper mapper = new CdcMapper();
    private final FrameParser parser = new FrameParser();
    private final PaimonCanalReader paimon = new PaimonCanalReader();
    private final Random random = new Random(SEED);
    private final List<String> fixtures = Frames.all();

    @Test
    void mappingNeverThrowsAnythingButARejection() throws Exception {
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < FRAMES; i++) {
            byte[] frame = generate();
            String outcome;
            try {
                parser.identify(frame);
            } catch (FrameRejectedException expected) {
                // identify may reject what map rejects; anything else it throws fails the test below
            } catch (Throwable t) {
                throw new AssertionError("identify of frame #" + i + " threw " + t + ": "
                        + new String(frame, StandardCharsets.UTF_8), t);
            }
            try {
                Envelope envelope = mapper.map(frame);
                checkEnvelope(frame, envelope);
                outcome = "mapped";
            } catch (FrameRejectedException e) {
                assertThat(e.errorClass()).isNotBlank();
                assertThat(e.getMessage()).isNotBlank();
                outcome = e.errorClass();
            } catch (Throwable t) {
                throw new AssertionError("frame #" + i + " threw " + t + ": " + new String(frame, StandardCharsets.UTF_8), t);
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        System.out.println("outcomes of " + FRAMES + " generated frames: " + outcomes);
        // the generator must exercise both paths, and the rejection classes broadly
        assertThat(outcomes.getOrDefault("mapped", 0)).isGreaterThan(FRAMES / 10);
        assertThat(FRAMES - outcomes.getOrDefault("mapped", 0)).isGreaterThan(FRAMES / 10);
        assertThat(outcomes.keySet()).hasSizeGreaterThan(10);
    }

    private void checkEnvelope(byte[] frame, Envelope envelope) {
        assertThat(mapper.map(frame.clone()).value()).as("deterministic").isEqualTo(envelope.value());
        PaimonCanalReader.Parsed parsed = paimon.read(envelope.value());
        assertThat(parsed.record().tableName()).isEqualTo(envelope.table());
        EnvelopeJson json = EnvelopeJson.of(envelope);
        StringBuilder key = new StringBuilder(envelope.table());
        json.root().get("pkNames").forEach(pk -> key.append('|').append(json.value(pk.textValue())));
        assertThat(envelope.key()).isEqualTo(key.toString());
        for (String column : json.columns()) {
            if (json.mysqlType(column).equals("double") && json.value(column) != null) {
                assertThat(Double.isFinite(Double.parseDouble(json.value(column)))).as(column).isTrue();
            }
        }
    }

    private byte[] generate() throws Exception {
        String base = fixtures.get(random.nextInt(fixtures.size()));
        int kind = random.nextInt(10);
        if (kind < 2) {
            return mutateBytes(base.getBytes(StandardCharsets.UTF_8));
        }
        if (kind == 2) {
            byte[] noise = new byte[random.nextInt(64)];
            random.nextBytes(noise);
            return noise;
        }
        ObjectNode frame = (ObjectNode) JSON.readTree(base);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            mutateTree(frame);
        }
        return JSON.writeValueAsBytes(frame);
    }

    private byte[] mutateBytes(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = random.nextInt(bytes.length);
        switch (random.nextInt(5)) {
            case 0 -> out.write(bytes, 0, at);
            case 1 -> {
                bytes = bytes.clone();
                bytes[at] = (byte) random.nextInt(256);
                out.writeBytes(bytes);
            }
            case 2 -> {
                out.write(bytes, 0, at);
                byte[] insert = new byte[1 + random.nextInt(4)];
                random.nextBytes(insert);
                out.writeBytes(insert);
                out.write(bytes, at, bytes.length - at);
            }
            case 3 -> {
                out.write(bytes, 0, at);
                int skip = Math.min(bytes.length - at, 1 + random.nextInt(20));
                out.write(bytes, at + skip, bytes.length - at - skip);
            }
            default -> {
                out.writeBytes(bytes);
                out.writeBytes(random.nextBoolean() ? "garbage".getBytes(StandardCharsets.UTF_8) : "\n{}".getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private void mutateTree(ObjectNode frame) {
        ObjectNode target = frame;
        JsonNode units = frame.get("orderbook_units") != null ? frame.get("orderbook_units") : frame.get("obu");
        if (units instanceof ArrayNode array && !array.isEmpty() && random.nextInt(3) == 0) {
            JsonNode unit = array.get(random.nextInt(array.size()));
            if (unit instanceof ObjectNode object) {
                target = object;
            } else {
                array.set(random.nextInt(array.size()), randomValue());
                return;
            }
        }
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() ? "x" : names.get(random.nextInt(names.size()));
        switch (random.nextInt(6)) {
            case 0 -> target.remove(name);
            case 1, 2 -> target.set(name, randomValue());
            case 3 -> target.set(randomName(), randomValue());
            case 4 -> {
                JsonNode value = target.remove(name);
                target.set(name, value);
            }
            default -> {
                if (units instanceof ArrayNode array) {
                    int copies = random.nextInt(40);
                    for (int c = 0; c < copies && !array.isEmpty(); c++) {
                        array.add(array.get(random.nextInt(array.size())).deepCopy());
                    }
                } else {
                    target.set(name, NODES.textNode(target.path(name).asText()));
                }
            }
        }
    }

    private JsonNode randomValue() {
        return switch (random.nextInt(9)) {
            case 0 -> NODES.numberNode(new BigDecimal(NUMBER_SPELLINGS[random.nextInt(NUMBER_SPELLINGS.length)]));
            case 1 -> NODES.textNode(NUMBER_SPELLINGS[random.nextInt(NUMBER_SPELLINGS.length)]);
            case 2 -> NODES.textNode(STRINGS[random.nextInt(STRINGS.length)]);
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> NODES.objectNode().put("a", random.nextInt()).set("b", NODES.arrayNode().add(1).add("x"));
            case 6 -> NODES.arrayNode().add(random.nextDouble());
            case 7 -> NODES.numberNode(random.nextLong());
            default -> NODES.numberNode(new BigDecimal(random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15)));
        };
    }

    private String randomName() {
        String[] names = {"new_field", "price", "dt", "DT", "market", "sequential_id", "ask_price_3", "x y", "é", "",
                "tp", "ty", "type", "status", "error", "Zz_9", "level_2", "foo_1"};
        return random.nextInt(4) == 0 ? "f" + random.nextInt(1000) : names[random.nextInt(names.length)];
    }
}
