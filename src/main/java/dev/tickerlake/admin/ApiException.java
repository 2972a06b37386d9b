package dev.tickerlake.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An admin API failure the client can act on: the HTTP status and the {@code {"error": "...", "detail": "..."}} body.
 * Routes map it to the response as is; any other exception reaching a route is a bug (500).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final String detail;

    public ApiException(int status, String error, String detail) {
        this(status, error, detail, null);
    }

    public ApiException(int status, String error, String detail, Throwable cause) {
        super(error + ": " + detail, cause, false, false);
        this.status = status;
        this.error = error;
        this.detail = detail;
    }

    /** 400: the request itself is wrong (malformed value, unknown column, bad name). */
    public static ApiException badRequest(String error, String detail) {
        return new ApiException(400, error, detail);
    }

    /** 404: the named table, snapshot or tag does not exist. */
    public static ApiException notFound(String error, String detail) {
        return new ApiException(404, error, detail);
    }

    /** 409: the request conflicts with the current state (existing tag, running job). */
    public static ApiException conflict(String error, String detail) {
        return new ApiException(409, error, detail);
    }

    /**
     * 413: answering would hold more than the request's read budget; the detail says how to narrow the request.
     */
    public static ApiException tooLarge(String error, String detail) {
        return new ApiException(413, error, detail);
    }

    /** The HTTP status to answer with. */
    public int getStatus() {
        return status;
    }

    /** Short machine-readable code, e.g. {@code unknown_column}. */
    public String getError() {
        return error;
    }

    /** What was wrong, in words a user can act on. */
    public String getDetail() {
        return detail;
    }

    /** The response body: {@code {"error": ..., "detail": ...}}. */
    public Map<String, String> getBody() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        return body;
    }

    /** The body of a 500: an unexpected failure (a bug, or storage unreachable), named without a stack trace. */
    public static Map<String, String> internalError(String message) {
        return Map.of("error", "internal", "detail", String.valueOf(message));
    }
}
