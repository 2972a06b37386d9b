package dev.tickerlake.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.lake.Diff;
import dev.tickerlake.lake.Rows;
import dev.tickerlake.lake.TagInfo;
import dev.tickerlake.admin.Responses.TagList;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.health.BucketsReadiness;
import dev.tickerlake.lake.TimeTravelService;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's routes ({@code routes/admin-api.camel.yaml}) over real HTTP, with reads that wait until the test lets
 * them finish: rows and diffs beyond {@code tickerlake.admin.concurrent-reads} are refused at once with a 429, so a
 * burst of large reads cannot hold more of the heap than the limit allows.
 */
class AdminApiReadsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Main main;
    private static int port;
    private static volatile CountDownLatch reading = new CountDownLatch(0);
    private static volatile CountDownLatch finish = new CountDownLatch(0);

    /** Reads that signal they started, then wait for the test. */
    static final class WaitingReads extends TablesApi {
        WaitingReads() {
            super(new TimeTravelService(Map.of("warehouse", "file:///nonexistent")));
        }

        @Override
        public Rows rows(String database, String table, String snapshot, String timestamp, String tag, Object where,
                         String limit, String offset) {
            waitForTheTest();
            return new Rows(null, 0, List.of(), false);
        }

        @Override
        public Diff diff(String database, String table, String from, String to, Object where, String limit) {
            waitForTheTest();
            return new Diff(null, null, List.of(), false);
        }

        /** Tags nothing: echoes what the request body (parsed by the real service) asked for. */
        @Override
        public TagInfo createTag(String database, String table, String name, String snapshot) {
            return new TagInfo(name, snapshot == null ? 1 : Long.parseLong(snapshot), "2024-05-01T00:00:00Z");
        }

        @Override
        public TagList tags(String database, String table) {
            return new TagList(List.of());
        }

        private static void waitForTheTest() {
            reading.countDown();
            try {
                finish.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Mutating calls are not exercised here. */
    public static final class NoAuth {
        public void check(String authorization) {
        }
    }

    @BeforeAll
    static void start() throws Exception {
        port = EmbeddedKafka.freePort();
        main = new Main();
        // No bucket to wait for: the tables are readable at once.
        main.bind("buckets", new BucketsReadiness(""));
        // The route file's own tablesApi, syncControl and adminAuth need the lake and the sync job of other route files:
        // made when first looked up (as tickerlake makes them), and replaced by these once the route file is loaded.
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport camelMain) {
                PluginHelper.getBeanPostProcessor(camelMain.getCamelContext()).setLazyBeanStrategy(bind -> true);
            }

            @Override
            public void afterConfigure(BaseMainSupport camelMain) {
                Registry registry = camelMain.getCamelContext().getRegistry();
                Map.of("tablesApi", new WaitingReads(), "adminAuth", new NoAuth(),
                        "syncControl", new SyncControl(null, null, null)).forEach((name, bean) -> {
                            registry.unbind(name);
                            registry.bind(name, bean);
                        });
            }
        });
        main.configure().withRoutesIncludePattern("file:routes/admin-api.camel.yaml,file:routes/time-travel-page.camel.yaml");
        main.addOverrideProperty("camel.server.host", "127.0.0.1");
        main.addOverrideProperty("camel.server.port", String.valueOf(port));
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("camel.main.jmx-enabled", "false");
        main.addOverrideProperty("camel.metrics.enabled", "false");
        main.addOverrideProperty("camel.health.enabled", "false");
        main.addOverrideProperty("tickerlake.admin.concurrent-reads", "2");
        main.addOverrideProperty("tickerlake.admin.retry-after", "3");
        main.start();
    }

    @AfterAll
    static void stop() {
        finish.countDown();
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void rowsAndDiffsBeyondTheConcurrentLimitAnswer429WithRetryAfterAndAJsonBody() throws Exception {
        reading = new CountDownLatch(2);
        finish = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> rows = get("/api/tables/upbit/ticker/rows?limit=10000");
        CompletableFuture<HttpResponse<String>> diff = get("/api/tables/upbit/trade/diff?from=1&to=2");
        assertThat(reading.await(30, TimeUnit.SECONDS)).as("two reads running").isTrue();

        for (String path : List.of("/api/tables/upbit/ticker/rows", "/api/tables/upbit/ticker/diff?from=1&to=2")) {
            HttpResponse<String> refused = get(path).get(10, TimeUnit.SECONDS);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("3");
            JsonNode body = JSON.readTree(refused.body());
            assertThat(body.path("error").asText()).isEqualTo("too_many_reads");
            assertThat(body.path("detail").asText()).contains("2 row or diff reads").contains("retry after 3 s");
        }
        // Cheap calls are not limited.
        assertThat(get("/api/tables/upbit/ticker/tags").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        finish.countDown();
        assertThat(rows.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(diff.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // Their permits are back.
        assertThat(get("/api/tables/upbit/ticker/rows").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void thePageAndItsFilesComeWithTheirPolicyAndRevalidateWithA304() throws Exception {
        for (String path : List.of("/", "/ui/lib/uplot/uPlot.esm.js")) {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Cache-Control", "max-age=0").header("X-Echo", "not-back").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'", "script-src 'self'",
                            "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe"));
            assertThat(page.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(page.headers().map().keySet()).as(path).noneMatch(name -> name.equalsIgnoreCase("X-Echo"));
            String etag = page.headers().firstValue("ETag").orElseThrow();

            HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).as(path).isEqualTo(304);
            assertThat(again.body()).isEmpty();
        }
        assertThat(get("/").get(10, TimeUnit.SECONDS).headers().firstValue("Content-Type"))
                .hasValue("text/html; charset=utf-8");
        for (String missing : List.of("/ui/nope.js", "/ui/.hidden.js", "/ui/lib/uplot/package.json")) {
            HttpResponse<String> refused = get(missing).get(10, TimeUnit.SECONDS);
            assertThat(refused.statusCode()).as(missing).isEqualTo(404);
            assertThat(JSON.readTree(refused.body()).path("error").asText()).as(missing).isNotEmpty();
        }
    }

    @Test
    void everyAdminRouteDumpsAsXmlAsHawtiosRouteViewsAskIt() throws Exception {
        // Hawtio's route, diagram and source views show what ManagedCamelContext.dumpRoutesAsXml answers; one step Camel
        // cannot dump (the throttle EIP in concurrent mode) fails the whole context's dump.
        CamelContext context = main.getCamelContext();
        for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
            String xml = PluginHelper.getModelToXMLDumper(context).dumpModelAsXml(context, route, true, false, false);
            assertThat(xml).as(route.getRouteId()).contains("id=\"" + route.getRouteId() + "\"");
        }
        assertThat(((ModelCamelContext) context).getRouteDefinitions()).extracting(RouteDefinition::getRouteId)
                .contains("api-heavy-read", "api-rows", "api-diff");
    }

    @Test
    void aFormBodyAsCurlDashDSendsItIsA400NamingTheContentTypeAndAJsonBodyIsRead() throws Exception {
        // curl -d without -H sends Content-Type application/x-www-form-urlencoded; Vert.x then parses the body as a
        // form and its fields became message headers, echoed as response headers Vert.x refused: a 500 in plain text.
        HttpResponse<String> form = post("/api/tables/upbit/ticker/tags", "{\"name\":\"before_fomc\",\"snapshot\":5}",
                "application/x-www-form-urlencoded");
        assertThat(form.statusCode()).as(form.body()).isEqualTo(400);
        JsonNode refused = JSON.readTree(form.body());
        assertThat(refused.path("error").asText()).isEqualTo("invalid_body");
        assertThat(refused.path("detail").asText()).contains("Content-Type: application/json");
        assertThat(form.headers().map().keySet()).noneMatch(name -> name.contains("before_fomc"));

        HttpResponse<String> created = post("/api/tables/upbit/ticker/tags", "{\"name\":\"before_fomc\",\"snapshot\":5}",
                "application/json");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("name").asText()).isEqualTo("before_fomc");
        assertThat(JSON.readTree(created.body()).path("snapshot").asLong()).isEqualTo(5);
    }

    private static HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).GET().build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }
}
