package dev.tickerlake.admin;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.lake.Instants;
import dev.tickerlake.lake.WhereCondition;

/**
 * Validation of the admin API's request parameters, as they arrive (text from the query string or a JSON body); the
 * one place a request body is parsed.
 * Every rule answers bad input with an {@link ApiException} of status 400, never anything else.
 */
public final class RequestParams {

    /** Database, table and tag names. */
    public static final Pattern NAME = Pattern.compile("^[a-z0-9_]{1,64}$");
    private static final Pattern DIGITS = Pattern.compile("^[0-9]{1,18}$");

    /** One JSON value per body: trailing content is an error, not ignored. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestParams() {
    }

    /** A database, table or tag name; {@code what} names the parameter in the error. */
    public static String name(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw ApiException.badRequest("invalid_name", what + " is required");
        }
        if (!NAME.matcher(value).matches()) {
            throw ApiException.badRequest("invalid_name",
                    what + " '" + abbreviate(value) + "' must match " + NAME.pattern());
        }
        return value;
    }

    /** True when the text is a snapshot id (digits only) rather than a tag name. */
    public static boolean isSnapshotId(String value) {
        return value != null && DIGITS.matcher(value.trim()).matches();
    }

    /** A snapshot id: digits only (whether it exists in the table is checked against the table: 404). */
    public static long snapshotId(String what, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("invalid_snapshot", what + " is required");
        }
        if (!isSnapshotId(value)) {
            throw ApiException.badRequest("invalid_snapshot",
                    what + " must be a snapshot id (digits), got '" + abbreviate(value) + "'");
        }
        return Long.parseLong(value.trim());
    }

    /** An optional snapshot id: null when absent or blank. */
    public static Long optionalSnapshotId(String what, String value) {
        return value == null || value.isBlank() ? null : snapshotId(what, value);
    }

    /** A page or row limit: {@code defaultLimit} when absent, capped at {@code max}, at least 1. */
    public static int limit(String value, int defaultLimit, int max) {
        if (value == null || value.isBlank()) {
            return defaultLimit;
        }
        String trimmed = value.trim();
        if (!Pattern.matches("^[0-9]{1,9}$", trimmed)) {
            if (Pattern.matches("^[0-9]+$", trimmed)) {
                return max;
            }
            throw ApiException.badRequest("invalid_limit", "limit must be a positive number, got '" + abbreviate(value) + "'");
        }
        int limit = Integer.parseInt(trimmed);
        if (limit < 1) {
            throw ApiException.badRequest("invalid_limit", "limit must be at least 1, got " + limit);
        }
        return Math.min(limit, max);
    }

    /** How many matching rows to skip (a page after the first): 0 when absent, at most {@code max}. */
    public static int offset(String value, int max) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String trimmed = value.trim();
        if (!Pattern.matches("^[0-9]{1,9}$", trimmed)) {
            throw ApiException.badRequest("invalid_offset",
                    "offset must be a number of rows (0 or more), got '" + abbreviate(value) + "'");
        }
        int offset = Integer.parseInt(trimmed);
        if (offset > max) {
            throw ApiException.badRequest("invalid_offset", "offset can be at most " + max + ", got " + offset);
        }
        return offset;
    }

    /**
     * A point in time as epoch milliseconds: epoch ms digits, or ISO-8601 ({@code 2024-05-01T09:00:00+09:00},
     * {@code 2024-05-01T00:00:00.123Z}; without an offset, or as a bare date, it is UTC).
     */
    public static long timestamp(String what, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("invalid_timestamp", what + " is required");
        }
        String text = value.trim();
        if (Pattern.matches("^-?[0-9]{1,18}$", text)) {
            return Long.parseLong(text);
        }
        Instant instant = Instants.parse(text);
        if (instant == null) {
            throw ApiException.badRequest("invalid_timestamp", what + " must be epoch milliseconds or ISO-8601 "
                    + "(e.g. 2024-05-01T00:00:00Z), got '" + abbreviate(value) + "'");
        }
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException beyondEpochMillis) {
            throw ApiException.badRequest("invalid_timestamp", what + " is outside the range of epoch milliseconds, got '"
                    + abbreviate(value) + "'");
        }
    }

    /**
     * The {@code where} conditions of a request: absent, one {@code col:value} text, or several (a collection or
     * array, as a repeated query parameter arrives).
     */
    public static List<WhereCondition> where(Object raw) {
        List<WhereCondition> conditions = new ArrayList<>();
        if (raw == null) {
            return conditions;
        }
        if (raw instanceof Collection<?> values) {
            for (Object value : values) {
                conditions.addAll(where(value));
            }
        } else if (raw instanceof Object[] values) {
            for (Object value : values) {
                conditions.addAll(where(value));
            }
        } else {
            conditions.add(whereCondition(raw.toString()));
        }
        return conditions;
    }

    /** One {@code col:value} condition; the value is everything after the first ':' and may itself contain ':'. */
    public static WhereCondition whereCondition(String text) {
        if (text == null) {
            throw ApiException.badRequest("invalid_where", "where must be col:value, got nothing");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw ApiException.badRequest("invalid_where", "where must be col:value, got '" + text + "'");
        }
        String column = text.substring(0, colon).trim();
        if (column.isEmpty()) {
            throw ApiException.badRequest("invalid_where", "where must name a column before ':', got '" + text + "'");
        }
        return new WhereCondition(column, text.substring(colon + 1));
    }

    /**
     * A request body (JSON text, bytes, stream, Map or JsonNode) as a JSON object holding no field but
     * {@code fields}: a 400 when it is not JSON, not an object, or names a field the call does not know (a misspelt
     * {@code dryRun} must not turn a dry run into a real rollback).
     */
    public static JsonNode jsonObject(Object body, String... fields) {
        JsonNode json = requireObject(parse(body));
        Set<String> known = Set.of(fields);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest("invalid_body", "unknown field '" + abbreviate(name) + "'; the body takes "
                        + String.join(", ", fields));
            }
        }
        return json;
    }

    /** A JSON boolean field ({@code true} or {@code false}, nothing else); {@code fallback} when absent or null. */
    public static boolean flag(JsonNode json, String field, boolean fallback) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest("invalid_flag",
                    field + " must be the JSON boolean true or false, got " + abbreviate(value.toString()));
        }
        return value.booleanValue();
    }

    /** A text or number field of a JSON body as text; null when absent or null; 400 for objects, arrays, booleans. */
    public static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw ApiException.badRequest("invalid_body", field + " must be a string or a number");
        }
        return value.asText();
    }

    private static JsonNode parse(Object body) {
        if (body instanceof Map<?, ?> map) {
            return JSON.valueToTree(map);
        }
        if (body instanceof JsonNode node) {
            return node;
        }
        try {
            if (body instanceof byte[] bytes) {
                return bytes.length == 0 ? null : JSON.readTree(bytes);
            }
            if (body instanceof InputStream stream) {
                return JSON.readTree(stream);
            }
            return body == null || body.toString().isBlank() ? null : JSON.readTree(body.toString());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_body", "the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_body", "the body cannot be read: " + e.getMessage());
        }
    }

    private static JsonNode requireObject(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            // A form body (curl -d without a Content-Type) arrives empty: it is never read as JSON.
            throw ApiException.badRequest("invalid_body", "a JSON object body is required, sent with "
                    + "Content-Type: application/json (curl: -H 'Content-Type: application/json' -d '{...}')");
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid_body", "the body must be a JSON object");
        }
        return node;
    }

    /** Keeps echoed input short in error details. */
    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
