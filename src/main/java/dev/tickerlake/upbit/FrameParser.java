package dev.tickerlake.upbit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * Turns the bytes of one Upbit frame (DEFAULT or SIMPLE format) into a validated {@link UpbitFrame}, or rejects it
 * with a {@link FrameRejectedException}. Stateless and thread-safe.
 */
public final class FrameParser {

    /** Default frame size limit: Upbit's largest frame (a 30-level orderbook) is a few KiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

    /**
     * Header with a frame's whole length in bytes: on a dead letter, and on a frame handed on as its first bytes only
     * (longer than the sources' limit).
     */
    public static final String FRAME_BYTES = "tickerlake-frame-bytes";

    /** Upbit market codes (quote-base, e.g. {@code KRW-BTC}); never a '|', the CDC key separator. */
    private static final Pattern MARKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final int maxFrameBytes;
    private final ObjectMapper mapper;

    public FrameParser() {
        this(DEFAULT_MAX_FRAME_BYTES);
    }

    public FrameParser(int maxFrameBytes) {
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        // Floats as BigDecimal with their zeros kept: numbers are read exactly as written.
        this.mapper = JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
                .build();
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * The JSON mapper {@link #parse} reads frames with (floats as exact BigDecimal, duplicate keys refused): for a
     * reader that must see the same values. Shared: do not reconfigure it.
     */
    public ObjectMapper jsonMapper() {
        return mapper;
    }

    /** The validated frame in {@code frame}; throws {@link FrameRejectedException} for anything else. */
    public UpbitFrame parse(byte[] frame) {
        ObjectNode root = readObject(decode(frame));
        FrameType type = typeOf(root);
        ObjectNode fields = root.has("ty") ? toDefaultKeys(root, type) : root;
        String market = marketOf(fields.get("code"));
        long timestamp = FrameValues.epochMillis(fields.get("timestamp"), "timestamp");
        if (type != FrameType.ORDERBOOK) {
            FrameValues.epochMillis(fields.get("trade_timestamp"), "trade_timestamp");
        }
        return new UpbitFrame(type, market, timestamp, fields);
    }

    /**
     * Type and market of {@code frame}, read cheaply from its first fields for routing it to its raw topic. Checks
     * the size, the type and the market code only; {@link #parse} validates the rest.
     */
    public FrameId identify(byte[] frame) {
        return identifyFrame(frame, null);
    }

    /**
     * As {@link #identify(byte[])}, for a frame that may be only the first bytes of a longer one (the route's call):
     * {@code frameBytes} is then its whole length (the {@value #FRAME_BYTES} header), which decides whether it is too
     * large.
     */
    public FrameId identifyFrame(@Body byte[] frame, @Header(FRAME_BYTES) Long frameBytes) {
        if (frameBytes != null && frameBytes > maxFrameBytes) {
            throw tooLarge(frameBytes);
        }
        checkSize(frame);
        String type = null;
        String market = null;
        boolean status = false;
        boolean error = false;
        try (JsonParser parser = mapper.createParser(frame)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new FrameRejectedException(RejectReason.EMPTY, "empty frame");
            }
            if (first != JsonToken.START_OBJECT) {
                throw notAnObject(first);
            }
            while ((type == null || market == null) && parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "type", "ty" -> type = textOrNull(parser, value);
                    case "code", "cd" -> market = textOrNull(parser, value);
                    case "status" -> status = true;
                    case "error" -> error = true;
                    default -> { }
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // Tell invalid UTF-8 from other bad JSON the way parse does; only failing frames pay for the check.
            decode(frame);
            throw fromJacksonError(e);
        }
        if (type == null) {
            throw missingType(status, error, null);
        }
        String wireName = type;
        FrameType frameType = FrameType.ofWireName(type).orElseThrow(() -> unknownType(wireName));
        if (market == null) {
            throw missing("code");
        }
        return new FrameId(frameType, checkMarket(market));
    }

    /** A string value as is, null as absent (as {@link #parse} treats it), anything else as an invalid empty text. */
    private static String textOrNull(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        return value == JsonToken.VALUE_STRING ? parser.getText() : "";
    }

    private void checkSize(byte[] frame) {
        if (frame == null || frame.length == 0) {
            throw new FrameRejectedException(RejectReason.EMPTY, "empty frame");
        }
        if (frame.length > maxFrameBytes) {
            throw tooLarge(frame.length);
        }
    }

    private FrameRejectedException tooLarge(long frameBytes) {
        return new FrameRejectedException(RejectReason.TOO_LARGE,
                "frame of " + frameBytes + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
    }

    /**
     * The body of a dead letter for {@code frame}: the frame, or its first {@code maxFrameBytes} bytes when it is
     * longer, so that a dead letter always fits in a Kafka request ({@value #FRAME_BYTES} keeps the whole length).
     */
    public byte[] deadLetterBody(byte[] frame) {
        return frame == null || frame.length <= maxFrameBytes ? frame : java.util.Arrays.copyOf(frame, maxFrameBytes);
    }

    /**
     * A dead letter's {@value #FRAME_BYTES}, as text (a Kafka header readable by any client): the length already known
     * (of a frame cut by its source), or the frame's.
     */
    public String frameBytes(byte[] frame, Long known) {
        return String.valueOf(known != null ? known.longValue() : frame == null ? 0 : frame.length);
    }

    /** Strict UTF-8: malformed input is reported, never replaced. A leading byte-order mark is skipped. */
    private CharBuffer decode(byte[] frame) {
        checkSize(frame);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(frame);
        CharBuffer out = CharBuffer.allocate(frame.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new FrameRejectedException(RejectReason.INVALID_UTF8, "invalid UTF-8 at byte " + in.position());
        }
        out.flip();
        if (out.hasRemaining() && out.get(out.position()) == '\uFEFF') {
            out.position(out.position() + 1);
        }
        if (isBlank(out)) {
            throw new FrameRejectedException(RejectReason.EMPTY, "blank frame");
        }
        return out;
    }

    private ObjectNode readObject(CharBuffer text) {
        int offset = text.arrayOffset() + text.position();
        try (JsonParser parser = mapper.createParser(text.array(), offset, text.remaining())) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw notAnObject(first);
            }
            ObjectNode root = (ObjectNode) mapper.readTree(parser);
            JsonToken next;
            try {
                next = parser.nextToken();
            } catch (IOException e) {
                next = JsonToken.NOT_AVAILABLE;
            }
            if (next != null) {
                throw new FrameRejectedException(RejectReason.TRAILING_DATA,
                        "unexpected data after the JSON object at char "
                                + parser.currentTokenLocation().getCharOffset());
            }
            return root;
        } catch (IOException e) {
            throw fromJacksonError(e);
        }
    }

    private static FrameRejectedException fromJacksonError(IOException e) {
        String detail = FrameValues.abbreviate(String.valueOf(
                e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()));
        if (e instanceof StreamConstraintsException) {
            return new FrameRejectedException(RejectReason.TOO_LARGE, "JSON exceeds parser limits: " + detail);
        }
        if (e instanceof JsonEOFException) {
            return new FrameRejectedException(RejectReason.TRUNCATED, "JSON ends early: " + detail);
        }
        if (e instanceof MismatchedInputException && detail.startsWith("Duplicate field")) {
            return new FrameRejectedException(RejectReason.DUPLICATE_KEY, detail);
        }
        return new FrameRejectedException(RejectReason.NOT_JSON, "not JSON: " + detail);
    }

    private static FrameRejectedException notAnObject(JsonToken token) {
        String what = switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> String.valueOf(token);
        };
        return new FrameRejectedException(RejectReason.NOT_AN_OBJECT, "frame is " + what + ", not a JSON object");
    }

    private static FrameType typeOf(ObjectNode root) {
        JsonNode type = root.get("type");
        JsonNode simpleType = root.get("ty");
        if (type != null && simpleType != null) {
            throw new FrameRejectedException(RejectReason.CONFLICTING_FIELD, "frame has both 'type' and 'ty'");
        }
        JsonNode value = type != null ? type : simpleType;
        if (value == null || value.isNull()) {
            throw missingType(root.has("status"), root.has("error"), root);
        }
        if (!value.isTextual()) {
            throw unknownType(value.toString());
        }
        return FrameType.ofWireName(value.textValue()).orElseThrow(() -> unknownType(value.textValue()));
    }

    private static FrameRejectedException missingType(boolean status, boolean error, ObjectNode root) {
        if (error) {
            JsonNode body = root == null ? null : root.get("error");
            String detail = body == null ? "" : ": " + FrameValues.abbreviate(body.toString());
            return new FrameRejectedException(RejectReason.ERROR_FRAME, "Upbit error frame" + detail);
        }
        if (status) {
            JsonNode body = root == null ? null : root.get("status");
            String detail = body == null ? "" : " " + FrameValues.abbreviate(body.toString());
            return new FrameRejectedException(RejectReason.STATUS_FRAME, "Upbit status frame" + detail);
        }
        return missing("type");
    }

    private static FrameRejectedException unknownType(String type) {
        return new FrameRejectedException(RejectReason.UNKNOWN_TYPE,
                "unknown frame type " + FrameValues.abbreviate(type) + " (expected ticker, trade or orderbook)");
    }

    private static FrameRejectedException missing(String field) {
        return new FrameRejectedException(RejectReason.MISSING_FIELD, "required field '" + field + "' is missing");
    }

    private static String marketOf(JsonNode code) {
        if (code == null || code.isNull()) {
            throw missing("code");
        }
        if (!code.isTextual()) {
            throw new FrameRejectedException(RejectReason.BAD_VALUE,
                    "field 'code' is not a market code: " + FrameValues.abbreviate(code.toString()));
        }
        return checkMarket(code.textValue());
    }

    private static String checkMarket(String market) {
        if (!MARKET.matcher(market).matches()) {
            throw new FrameRejectedException(RejectReason.BAD_VALUE,
                    "field 'code' is not a market code: \"" + FrameValues.abbreviate(market) + "\"");
        }
        return market;
    }

    /** A copy of a SIMPLE frame under DEFAULT names; unknown keys keep their name. */
    private static ObjectNode toDefaultKeys(ObjectNode simple, FrameType type) {
        ObjectNode normal = renamed(simple, SimpleKeys.of(type));
        JsonNode units = normal.get("orderbook_units");
        if (type == FrameType.ORDERBOOK && units instanceof ArrayNode array) {
            ArrayNode normalUnits = normal.arrayNode(array.size());
            for (JsonNode unit : array) {
                normalUnits.add(unit instanceof ObjectNode object ? renamed(object, SimpleKeys.orderbookUnit()) : unit);
            }
            normal.set("orderbook_units", normalUnits);
        }
        return normal;
    }

    private static ObjectNode renamed(ObjectNode source, Map<String, String> names) {
        ObjectNode target = source.objectNode();
        for (Map.Entry<String, JsonNode> field : source.properties()) {
            String name = names.getOrDefault(field.getKey(), field.getKey());
            if (target.has(name)) {
                throw new FrameRejectedException(RejectReason.CONFLICTING_FIELD,
                        "fields '" + field.getKey() + "' and '" + name + "' both mean '" + name + "'");
            }
            target.set(name, field.getValue());
        }
        return target;
    }

    private static boolean isBlank(CharBuffer text) {
        for (int i = text.position(); i < text.limit(); i++) {
            char c = text.get(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
