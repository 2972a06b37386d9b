package dev.tickerlake.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.tickerlake.lake.LakeException;
import org.apache.camel.Exchange;

/**
 * An admin API failure the client can act on: the HTTP status and the {@code {"error": "...", "detail": "..."}} body.
 * Routes map it to the response as is; any other exception reaching a route is a bug (500), except S3 unreachable (503).
 */
public class ApiException extends RuntimeException {

    /** When a client should ask again while the warehouse is unavailable. */
    static final int WAREHOUSE_RETRY_AFTER_SECONDS = 5;
    /**
     * Exceptions (by simple name, in whatever shading they arrive) that mean S3 did not answer or lacks the bucket:
     * connection refused or timed out, an unknown host, S3A's and the AWS SDK's client-side failures.
     */
    private static final Set<String> STORAGE_UNREACHABLE = Set.of("ConnectException", "NoRouteToHostException",
            "UnknownHostException", "SocketTimeoutException", "ConnectTimeoutException", "HttpHostConnectException",
            "SdkClientException", "AWSClientIOException", "UnknownStoreException", "NoSuchBucketException");

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

    /**
     * The answer to a lake call the lake refused, the one place its kinds become statuses: INVALID 400, NOT_FOUND 404,
     * CONFLICT 409, TOO_LARGE 413; its code and detail as they are.
     */
    public static ApiException of(LakeException refused) {
        int status = switch (refused.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
        };
        return new ApiException(status, refused.code(), refused.detail());
    }

    /**
     * 503 with {@code Retry-After}: the tables cannot be read before the buckets are confirmed (S3 unreachable or a
     * bucket missing). Called before any table read, so the answer comes at once instead of after S3's retries.
     */
    public static void requireWarehouse(boolean bucketsReady, Exchange exchange) {
        if (!bucketsReady) {
            exchange.getMessage().setHeader("Retry-After", String.valueOf(WAREHOUSE_RETRY_AFTER_SECONDS));
            throw new ApiException(503, "warehouse_unavailable", "the buckets on S3 are not confirmed yet (S3 "
                    + "unreachable or a bucket missing): see /observe/health/ready");
        }
    }

    /**
     * The problem to answer for an exception no call turned into an ApiException: S3 unreachable (found in the cause
     * chain) is a 503 {@code warehouse_unavailable}, anything else a 500 (a bug), named without a stack trace.
     */
    public static ApiException unexpected(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (STORAGE_UNREACHABLE.contains(cause.getClass().getSimpleName())) {
                return new ApiException(503, "warehouse_unavailable", "S3 did not answer: " + cause.getMessage());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return new ApiException(500, "internal", String.valueOf(failure.getMessage()));
    }

    /** Seconds after which a 503 is worth asking again ({@code Retry-After}); null for other statuses. */
    public Integer getRetryAfter() {
        return status == 503 ? WAREHOUSE_RETRY_AFTER_SECONDS : null;
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

}
