package dev.tickerlake;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.impl.Utils;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.DefaultJolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.spi.PlatformHttpPluginRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.jolokia.json.JSONStructure;
import org.jolokia.server.core.http.HttpRequestHandler;
import org.jolokia.server.core.request.BadRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /observe/jolokia} in place of Camel 4.18's handler, with the same Jolokia agent and access policy
 * ({@code jolokia-access.xml}), for two reasons. Camel's handler answers every refusal and every malformed request
 * with a 500 ({@code InvocationTargetException}); here a malformed request is a 400 and a refusal a 403, each with its
 * reason (a POST body is checked before Jolokia's parser sees it: JSON, at most {@value #MAX_NESTING} levels deep, one
 * request object or an array of them, each with a string {@code type}; Jolokia's parser failed malformed or deeply
 * nested bodies with a 500). And Jolokia's strict CORS check refuses requests that name no origin, i.e. curl, the Jolokia CLI and
 * scrapers; here a request without any browser marker is a non-browser client and is served (behind the management
 * authentication when it is on), while a browser request from a page of another origin is refused. Requests Jolokia
 * itself answers keep its protocol: HTTP 200 with each request's own {@code status} (403 for an operation the policy
 * refuses).
 *
 * <p>Added to the context after the management server, so it starts once that server's router exists and before the
 * routes start; its route comes after the server's authentication handlers.
 */
final class JolokiaEndpoint extends ServiceSupport {

    /** Hosts a browser page may be served from to drive Jolokia: this machine (Hawtio on 127.0.0.1:8090 and such). */
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Levels of arrays and objects a POST body may nest: a bulk request of exec calls with nested arguments needs ~6. */
    static final int MAX_NESTING = 100;
    /** Reads POST bodies before Jolokia does: nesting limited, nothing after the request. */
    private static final ObjectMapper REQUESTS = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Logger LOG = LoggerFactory.getLogger(JolokiaEndpoint.class);

    private final CamelContext context;

    JolokiaEndpoint(CamelContext context) {
        this.context = context;
    }

    @Override
    protected void doStart() {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        PlatformHttpPluginRegistry plugins = context.getCamelContextExtension()
                .getContextPlugin(PlatformHttpPluginRegistry.class);
        if (server == null || !server.isJolokiaEnabled()) {
            return;
        }
        if (server.getRouter() == null || plugins == null) {
            LOG.warn("Jolokia: the management server is not up; /observe/jolokia keeps Camel's behaviour");
            return;
        }
        HttpRequestHandler jolokia = plugins.resolvePluginById(JolokiaPlatformHttpPlugin.NAME, JolokiaPlatformHttpPlugin.class)
                .filter(DefaultJolokiaPlatformHttpPlugin.class::isInstance)
                .map(plugin -> ((DefaultJolokiaPlatformHttpPlugin) plugin).getJolokiaRequestHandler())
                .orElse(null);
        if (jolokia == null) {
            LOG.warn("Jolokia: Camel's handler not found; /observe/jolokia keeps Camel's behaviour");
            return;
        }
        // Camel's Jolokia route is the one on this path that names its methods; the authentication handler's route on
        // the same path (any method) must stay, ahead of ours.
        String path = server.getJolokiaPath();
        for (Route route : List.copyOf(server.getRouter().getRoutes())) {
            if (route.getPath() != null && route.getPath().startsWith(path) && route.methods() != null
                    && route.methods().contains(HttpMethod.POST)) {
                route.remove();
            }
        }
        server.getRouter().route(path + "/*").method(HttpMethod.GET).method(HttpMethod.POST)
                .handler(BodyHandler.create(false))
                .blockingHandler(ctx -> handle(ctx, jolokia));
    }

    private static void handle(RoutingContext ctx, HttpRequestHandler jolokia) {
        HttpServerRequest request = ctx.request();
        String foreign = foreignOrigin(request);
        if (foreign != null) {
            answer(ctx, 403, problem(403, "forbidden", foreign));
            return;
        }
        Map<String, String[]> params = new HashMap<>();
        request.params().names().forEach(name -> params.put(name, request.params().getAll(name).toArray(String[]::new)));
        try {
            JSONStructure json;
            if (request.method() == HttpMethod.GET) {
                json = jolokia.handleGetRequest(request.uri(), Utils.pathOffset(request.path(), ctx), params);
            } else if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
                throw new BadRequestException("a POST needs a JSON request (or an array of requests) as its body");
            } else {
                byte[] body = ctx.body().buffer().getBytes();
                String malformed = malformedPost(body);
                if (malformed != null) {
                    throw new BadRequestException(malformed);
                }
                json = jolokia.handlePostRequest(request.uri(), new ByteArrayInputStream(body), StandardCharsets.UTF_8.name(),
                        params);
            }
            answer(ctx, 200, json.toJSONString());
        } catch (BadRequestException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
            // Jolokia's request parsing throws the last three for values of the wrong type or shape.
            answer(ctx, 400, problem(400, "bad request", String.valueOf(e.getMessage())));
        } catch (SecurityException e) {
            answer(ctx, 403, problem(403, "forbidden", String.valueOf(e.getMessage())));
        } catch (Exception e) {
            LOG.warn("Jolokia request {} failed: {}", request.path(), e.toString());
            answer(ctx, 500, problem(500, "internal error", e.getClass().getSimpleName()));
        }
    }

    /**
     * Why a POST body is not a Jolokia request, or null when it is one: it must be JSON (UTF-8, at most
     * {@value #MAX_NESTING} levels deep, nothing after it), and either a request object or a non-empty array of them,
     * each with a string {@code type}. What the request asks for is Jolokia's to judge.
     */
    static String malformedPost(byte[] body) {
        JsonNode json;
        try {
            json = REQUESTS.readTree(body);
        } catch (JsonProcessingException e) {
            return "the body is not a JSON request: " + e.getOriginalMessage().replaceAll("[\\p{Cntrl}]", "?");
        } catch (java.io.IOException | RuntimeException e) {
            return "the body is not a JSON request";
        }
        if (json == null || json.isMissingNode()) {
            return "the body is empty: a POST needs a JSON request (or an array of requests)";
        }
        if (json.isArray()) {
            if (json.isEmpty()) {
                return "the body is an empty array: a bulk request needs at least one request";
            }
            for (int i = 0; i < json.size(); i++) {
                String wrong = malformedRequest(json.get(i));
                if (wrong != null) {
                    return "request " + i + " of the array " + wrong;
                }
            }
            return null;
        }
        String wrong = malformedRequest(json);
        return wrong == null ? null : "the body " + wrong;
    }

    private static String malformedRequest(JsonNode request) {
        if (!request.isObject()) {
            return "is not a JSON object but " + request.getNodeType().name().toLowerCase(Locale.ROOT);
        }
        JsonNode type = request.get("type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            return "has no \"type\" string (read, write, exec, list, search, version, ...)";
        }
        return null;
    }

    /**
     * Why a request comes from a browser page of another origin, or null when it does not: its {@code Origin} (else
     * its {@code Referer}) names a page that is not on this machine over http, or, naming neither, its
     * {@code Sec-Fetch-Site} says a page of another site sent it. A request with none of these is not from a browser.
     */
    static String foreignOrigin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        String header = "Origin";
        if (origin == null) {
            origin = request.getHeader("Referer");
            header = "Referer";
        }
        if (origin == null) {
            String site = request.getHeader("Sec-Fetch-Site");
            return site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))
                    ? "a browser page of another site (Sec-Fetch-Site: " + site + ") may not use Jolokia" : null;
        }
        if (isLocalPage(origin)) {
            return null;
        }
        return header + " " + origin.replaceAll("[\\r\\n]", "") + " may not use Jolokia: only pages served over http "
                + "from localhost, 127.0.0.1 or [::1] (any port) may; clients that are not browsers send no Origin";
    }

    private static boolean isLocalPage(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            return "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                    && LOCAL_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String problem(int status, String error, String detail) {
        try {
            return JSON.writeValueAsString(Map.of("error", error, "detail", detail, "status", status));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
