package dev.tickerlake;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.admin.AdminAuth;
import dev.tickerlake.admin.ApiException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpUtils;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every refusal Vert.x itself makes on the admin API and the management port (no such path 404, wrong method 405,
 * body over {@code max-body-size} 413, malformed credentials 400, missing credentials 401, an {@code Expect} other than
 * {@code 100-continue} 417, ...) answers the JSON problem
 * body {@code {"error","detail"}} the API uses, instead of Vert.x's empty, plain-text or HTML bodies. On the admin API,
 * before anything else reads the request: a mutating method (POST, PUT, PATCH, DELETE) on one of its mutating paths
 * (tags, rollback, sync stop/start) without valid credentials is a 401, whether or not that method is served there, so
 * a client without credentials learns nothing but that it needs them (and no body of theirs is read); that holds too
 * when Vert.x Web's router refuses the request before any route (a missing or malformed {@code Host}: its 400). On
 * both servers a
 * multipart body, and a form body on a method other than POST, PUT, PATCH or DELETE, is a 415 (the servers take JSON
 * only; Vert.x's body handler failed a multipart or form GET with a 500).
 *
 * <p>A path that is not valid percent-encoding ({@code /observe/health/%}, {@code /api/tables/%zz}) cannot be normalised,
 * so Vert.x cannot route it: a 400 {@code bad_request} (on the admin API, a mutating call on what reads as a mutating
 * path, {@code %2e} taken as '.', is still a 401 first). These handlers never call {@code normalizedPath()} unguarded:
 * it throws for such a path, and a handler that throws leaves Vert.x's plain "Bad Request" (and an ERROR with a stack
 * trace in the log).
 *
 * <p>Refusals of the HTTP/1.1 decoder itself (request line over 4096 bytes: 414, headers over 8192 bytes: 431, a request
 * that is not HTTP/1.1, e.g. a negative Content-Length: 400) happen before any handler and keep Vert.x's empty body:
 * Camel 4.18 creates that server with default options and no way to set its invalid-request handler.
 *
 * <p>Both servers speak HTTP/1.1 only: Vert.x's HTTP server attempts an h2c upgrade for any request with {@code
 * Upgrade: h2c} ({@code HttpServerOptions.http2ClearTextEnabled}, on by default; Camel 4.18 creates the servers with
 * default options and no way to set them). That upgrade handler runs before any router: with two {@code Connection}
 * headers or a bad {@code HTTP2-Settings} it answered an empty 400 without Content-Length and left the connection
 * open, so the client waited for an answer that never ended. It is turned off on each server's connection worker (a
 * private field, read reflectively): the upgrade header is ignored, as RFC 9110 allows, and the request is answered
 * over HTTP/1.1 like any other.
 *
 * <p>Vert.x looks the error handlers up on the router the server was given, which Camel keeps to itself (it hands out
 * the sub-router its routes are added to): it is read reflectively; without it, refusals keep Vert.x's bodies and a
 * WARN says so.
 */
final class HttpRefusals extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRefusals.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MUTATING_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Pattern MUTATING_PATH = Pattern.compile(
            "^/api/(tables/[^/]+/[^/]+/(tags|tags/[^/]+|rollback)|sync/(stop|start))/?$");
    private static final Pattern ENCODED_DOT = Pattern.compile("(?i)%2e");
    private static final Map<Integer, String> ERRORS = Map.of(400, "bad_request", 401, "unauthorized", 403, "forbidden",
            404, "not_found", 405, "method_not_allowed", 413, "body_too_large", 415, "unsupported_media_type",
            417, "expectation_failed");

    private final CamelContext context;

    HttpRefusals(CamelContext context) {
        this.context = context;
    }

    @Override
    protected void doStart() {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            if (!http11Only(server.getServer())) {
                LOG.warn("HTTP server on port {}: Vert.x's h2c upgrade could not be turned off; a request with "
                        + "Upgrade: h2c may be left without an answer", server.getPort());
            }
            // The server's own router and the sub-router Camel adds its routes to: a failure is handled by either.
            for (String field : new String[] {"router", "subRouter"}) {
                Router router = router(server, field);
                if (router == null) {
                    LOG.warn("HTTP refusals on port {} keep Vert.x's bodies: its {} is not reachable", server.getPort(), field);
                    continue;
                }
                boolean adminApi = isAdminApi(server);
                for (int status : new int[] {400, 401, 403, 404, 405, 406, 413, 415, 417, 500}) {
                    router.errorHandler(status, ctx -> refuse(ctx, status, adminApi));
                }
                if (field.equals("router")) {
                    router.route().order(-1).handler(ctx -> guard(ctx, adminApi));
                }
            }
        }
    }

    private boolean isAdminApi(VertxPlatformHttpServer server) {
        MainHttpServer main = context.hasService(MainHttpServer.class);
        return main != null && server.getConfigurationPort() == main.getPort();
    }

    /**
     * Runs first on both servers. On the admin API: 401 for a mutating call without valid credentials, 400 for a path
     * that is not valid percent-encoding. On both: 415 for a multipart body, and for a form body on a method other than
     * POST, PUT, PATCH or DELETE (Vert.x's body handler fails those with a 500).
     */
    private void guard(RoutingContext ctx, boolean adminApi) {
        String method = ctx.request().method().name();
        ApiException refused = null;
        if (adminApi) {
            String path = normalizedPath(ctx);
            refused = unauthorizedMutation(ctx, method, path != null ? path : lenientPath(ctx));
            if (refused == null && path == null) {
                refused = undecodablePath(ctx);
            }
        }
        if (refused == null) {
            String type = ctx.request().getHeader("Content-Type");
            String lower = type == null ? "" : type.trim().toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("multipart/") || lower.startsWith("application/x-www-form-urlencoded")
                    && !MUTATING_METHODS.contains(method)) {
                refused = new ApiException(415, "unsupported_media_type", "this server takes JSON bodies only, sent "
                        + "with Content-Type: application/json, not " + shown(type) + " on " + method);
            }
        }
        if (refused == null) {
            ctx.next();
            return;
        }
        if (refused.getStatus() == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"tickerlake\"");
        }
        answer(ctx.response(), refused.getStatus(), refused.getError(), refused.getDetail());
    }

    private void refuse(RoutingContext ctx, int status, boolean adminApi) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.headWritten()) {
            return;
        }
        String method = ctx.request().method().name();
        String path = normalizedPath(ctx);
        // A refusal before the guard ran: Vert.x Web's router fails a request whose Host header is missing or not a
        // valid host[:port] with a 400 before any route, and one it cannot route (invalid percent-encoding) likewise.
        // An unauthenticated mutation is still a 401 first: refusing it must not depend on the Host header.
        ApiException unauthorized = adminApi ? unauthorizedMutation(ctx, method, path != null ? path : lenientPath(ctx)) : null;
        if (unauthorized != null) {
            response.putHeader("WWW-Authenticate", "Basic realm=\"tickerlake\"");
            answer(response, unauthorized.getStatus(), unauthorized.getError(), unauthorized.getDetail());
            return;
        }
        if (path == null) {
            // Vert.x could not route it (its 400, or a 500 from a handler that tried to normalise the path).
            ApiException refused = undecodablePath(ctx);
            answer(response, refused.getStatus(), refused.getError(), refused.getDetail());
            return;
        }
        String detail;
        if (status == 404 || status == 405) {
            detail = status == 404 ? "no such path: " + method + " " + shown(path)
                    : method + " is not served on " + shown(path) + allowed(response);
        } else if (status == 417) {
            detail = "the only expectation this server meets is Expect: 100-continue, not "
                    + shown(ctx.request().getHeader("Expect"));
        } else if (status == 413) {
            detail = "the request body is larger than this server takes (camel.server.max-body-size)";
        } else if (status == 500) {
            // A failure inside Vert.x's handlers (the admin routes answer their own): still a JSON answer, still logged.
            LOG.warn("HTTP {} {} failed: {}", method, shown(path), String.valueOf(ctx.failure()));
            detail = "the request failed inside the HTTP server";
        } else {
            Throwable failure = ctx.failure();
            detail = failure instanceof HttpException http && http.getPayload() != null ? http.getPayload()
                    : status == 401 ? "this path needs HTTP basic authentication"
                    : status == 400 ? "the request is malformed" + (failure == null ? ""
                            : failure.getCause() != null ? ": " + shown(String.valueOf(failure.getCause().getMessage()))
                            : failure.getMessage() != null && !(failure instanceof HttpException)
                                    ? ": " + shown(failure.getMessage()) : "")
                    : "refused";
        }
        answer(response, status, ERRORS.getOrDefault(status, "http_" + status), detail);
    }

    private static void answer(HttpServerResponse response, int status, String error, String detail) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        try {
            response.setStatusCode(status).putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(body));
        } catch (Exception e) {
            response.setStatusCode(status).end();
        }
    }

    /** A 401 when this is a mutating call on a mutating admin path without valid credentials; null otherwise. */
    private ApiException unauthorizedMutation(RoutingContext ctx, String method, String path) {
        if (!MUTATING_METHODS.contains(method) || path == null || !MUTATING_PATH.matcher(path).matches()) {
            return null;
        }
        AdminAuth auth = context.getRegistry().lookupByNameAndType("adminAuth", AdminAuth.class);
        if (auth == null) {
            return null;
        }
        try {
            auth.check(ctx.request().getHeader("Authorization"));
            return null;
        } catch (ApiException refused) {
            return refused;
        }
    }

    /** Vert.x's normalised path (percent-decoded where unreserved, dot segments removed); null when it is not valid. */
    private static String normalizedPath(RoutingContext ctx) {
        try {
            return ctx.normalizedPath();
        } catch (IllegalArgumentException invalidPercentEncoding) {
            return null;
        }
    }

    /** A path Vert.x cannot normalise, read leniently: {@code %2e} as '.', dot segments removed, the rest as sent. */
    private static String lenientPath(RoutingContext ctx) {
        String raw = ctx.request().path();
        return raw == null || raw.isEmpty() ? "/" : HttpUtils.removeDots(ENCODED_DOT.matcher(raw).replaceAll("."));
    }

    private static ApiException undecodablePath(RoutingContext ctx) {
        return ApiException.badRequest("bad_request", "the path is not valid percent-encoding: " + shown(ctx.request().path()));
    }

    private static String allowed(HttpServerResponse response) {
        String allow = response.headers().get("Allow");
        return allow == null || allow.isBlank() ? "" : "; allowed: " + allow;
    }

    /** The path as echoed in a detail: printable, at most 120 characters. */
    private static String shown(String path) {
        String printable = path == null ? "" : path.replaceAll("[\\p{Cntrl}]", "?");
        return printable.length() <= 120 ? printable : printable.substring(0, 117) + "...";
    }

    /**
     * Turns Vert.x's h2c upgrade (and prior-knowledge h2c) off on a listening server: its connection worker reads the
     * flag for every new connection. False when the server is not one this Vert.x version builds that way.
     */
    static boolean http11Only(HttpServer server) {
        if (!(server instanceof TCPServerBase)) {
            return false;
        }
        try {
            Field childHandler = TCPServerBase.class.getDeclaredField("childHandler");
            childHandler.setAccessible(true);
            Object worker = childHandler.get(server);
            if (worker == null) {
                return false;
            }
            Field disableH2c = worker.getClass().getDeclaredField("disableH2C");
            disableH2c.setAccessible(true);
            disableH2c.setBoolean(worker, true);
            return disableH2c.getBoolean(worker);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Router router(VertxPlatformHttpServer server, String name) {
        try {
            Field field = VertxPlatformHttpServer.class.getDeclaredField(name);
            field.setAccessible(true);
            return (Router) field.get(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
