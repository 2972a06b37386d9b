package dev.tickerlake.upbit;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * What a raw Upbit frame is, read from its top-level keys without building a tree: a data frame (with its
 * {@code type} and {@code code}, DEFAULT or SIMPLE keys), the keep-alive answer {@code {"status":"UP"}}, or an error
 * frame {@code {"error":{...}}}. Anything else, malformed JSON included, counts as data: validation happens downstream.
 *
 * @param kind DATA, STATUS or ERROR
 * @param type the frame's {@code type}/{@code ty} (ticker, trade, orderbook), or null
 * @param code the frame's {@code code}/{@code cd} (market, e.g. KRW-BTC), or null
 */
public record FrameHeader(Kind kind, String type, String code) {

    /** Whether a frame carries market data or is one of the WebSocket's control answers. */
    public enum Kind { DATA, STATUS, ERROR }

    private static final JsonFactory JSON = new JsonFactory();

    public static FrameHeader read(byte[] frame) {
        String type = null;
        String code = null;
        boolean status = false;
        boolean error = false;
        try (JsonParser parser = JSON.createParser(frame)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME && (type == null || code == null)) {
                    String key = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (key) {
                        case "type", "ty" -> type = value == JsonToken.VALUE_STRING ? parser.getText() : type;
                        case "code", "cd" -> code = value == JsonToken.VALUE_STRING ? parser.getText() : code;
                        case "status" -> status = true;
                        case "error" -> error = true;
                        default -> { }
                    }
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            // Malformed: still data as far as the feed is concerned.
        }
        Kind kind = type != null ? Kind.DATA : error ? Kind.ERROR : status ? Kind.STATUS : Kind.DATA;
        return new FrameHeader(kind, type, code);
    }
}
