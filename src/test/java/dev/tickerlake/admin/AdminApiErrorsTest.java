package dev.tickerlake.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.health.BucketsReadiness;
import dev.tickerlake.support.S3Settings;
import dev.tickerlake.sync.SyncJob;
import dev.tickerlake.sync.SyncJobSettings;
import dev.tickerlake.lake.TableMonitor;
import dev.tickerlake.lake.TimeTravelService;
import dev.tickerlake.lake.UpbitTables;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's error mapping ({@code routes/admin-api.camel.yaml}: the {@code api} route configuration) on Camel's
 * test kit: the {@code direct:api-*} routes called as platform-http calls them, without an HTTP server, over a
 * {@code file:} warehouse with an empty ticker table. A refusal is its status and an {@code {"error","detail"}} body; S3
 * unreachable is a 503 with Retry-After; anything else a 500 that names the failure without a stack trace.
 */
@CamelMainTest(
        // Only this route file and the settings below, not the application's application.properties.
        propertyPlaceholderLocations = "false",
        properties = {
                "camel.main.routes-include-pattern=classpath:admin-api-test/upstream-beans.camel.yaml,"
                        + "classpath:camel/admin-api.camel.yaml,classpath:admin-api-test/sync-control-stand-in.camel.yaml",
                // The direct:api-* routes as the file spells them, not inlined into the rest calls' routes; those
                // start at platform-http, which needs the HTTP server, so they are left out.
                "camel.rest.inline-routes=false",
                "camel.main.route-filter-exclude-pattern=rest:*",
                "tickerlake.admin.concurrent-reads=1",
                "tickerlake.admin.retry-after=3",
                // The file's own adminAuth bean: one configured user, operator / s3"cr'et (a password as a generator
                // makes them: quotes reach the bean as they are).
                "tickerlake.admin.users=operator:s3\"cr'et",
                "tickerlake.admin.users-file=",
                "tickerlake.embedded.dev-mode=false"})
public class AdminApiErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATOR = "Basic " + Base64.getEncoder()
            .encodeToString("operator:s3\"cr'et".getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path warehouse;
    static TimeTravelService lake;

    /** An empty ticker table: the calls here stop before any row (writing one costs seconds). */
    @BeforeAll
    static void emptyTickerTable() throws Exception {
        try (UpbitTables tables = new UpbitTables(UpbitTables.localOptions(warehouse))) {
            tables.createTicker("ticker", Map.of());
        }
        lake = new TimeTravelService(UpbitTables.localOptions(warehouse));
    }

    @AfterAll
    static void close() throws Exception {
        lake.close();
    }

    // The beans of the other route files that admin-api.camel.yaml names, made by upstream-beans.camel.yaml (loaded
    // first) from these; the file's own tablesApi, adminAuth, concurrentReads and apiHeaderFilter come from it.

    public static TimeTravelService lake() {
        return lake;
    }

    public static TableMonitor tableMonitor() {
        return new TableMonitor(lake, "upbit");
    }

    /** Never started: syncControl below stands in for the calls that would need its Flink cluster. */
    public static SyncJob syncJob() {
        return new SyncJob(SyncJobSettings.builder().warehouse(warehouse.toUri().toString())
                .s3(S3Settings.pathStyle("http://127.0.0.1:1", "k", "s")).bootstrapServers("127.0.0.1:1")
                .topic("upbit-cdc").consumerGroup("sync").database("upbit").checkpointDir(warehouse.toUri().toString())
                .localDir(warehouse.resolve("sync")).jobName("never-started").build());
    }

    /** The buckets route has confirmed the warehouse's bucket. */
    @ReplaceInRegistry
    BucketsReadiness buckets() {
        BucketsReadiness buckets = new BucketsReadiness("paimon");
        buckets.confirmed("paimon");
        return buckets;
    }

    /** The sync job's control, bound by sync-control-stand-in.camel.yaml: each call fails as it can in production. */
    public static final class SyncControlStandIn {
        public Map<String, Object> status() {
            return Map.of("state", "RUNNING");
        }

        /** A bug, or a failure nobody mapped. */
        public Map<String, Object> stop() {
            throw new IllegalStateException("savepoint of job 4f2a failed");
        }

        /** Restoring from a savepoint on S3 while S3 does not answer. */
        public Map<String, Object> start(String from) {
            throw new UncheckedIOException(new IOException("reading the restore point",
                    new ConnectException("Connection refused")));
        }

        /** Named by api-rollback (a route's bean method must exist when it starts); not called here. */
        public Object rollback(String database, String table, Object body) {
            throw new UnsupportedOperationException("not called here");
        }
    }

    @BeanInject
    CamelContext context;

    @Produce
    ProducerTemplate platformHttp;

    /** The route file's own limit of concurrent row and diff reads. */
    @BeanInject("concurrentReads")
    ConcurrentReads reads;

    @Test
    void anUnknownTableIsA404WithTheProblemAsJson() throws Exception {
        Answer answer = get("direct:api-table", "/api/tables/upbit/nope", Map.of("db", "upbit", "table", "nope"));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json()).isEqualTo(json("""
                {"error": "no_such_table", "detail": "table upbit.nope does not exist"}"""));
    }

    @Test
    void aMalformedParameterIsA400() throws Exception {
        Answer limit = get("direct:api-snapshots", "/api/tables/upbit/ticker/snapshots",
                Map.of("db", "upbit", "table", "ticker", "limit", "lots"));
        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.json()).isEqualTo(json("""
                {"error": "invalid_limit", "detail": "limit must be a positive number, got 'lots'"}"""));

        Answer twoPoints = get("direct:api-rows", "/api/tables/upbit/ticker/rows",
                Map.of("db", "upbit", "table", "ticker", "snapshot", "1", "tag", "before_fomc"));
        assertThat(twoPoints.status()).isEqualTo(400);
        assertThat(twoPoints.json()).isEqualTo(json("""
                {"error": "invalid_request", "detail": "give at most one of snapshot, timestamp and tag"}"""));

        // The refused read gave its permit back (tickerlake.admin.concurrent-reads=1): the next read is answered.
        Answer rows = get("direct:api-rows", "/api/tables/upbit/ticker/rows", Map.of("db", "upbit", "table", "ticker"));
        assertThat(rows.status()).isNull();
        assertThat(rows.json()).isEqualTo(json("""
                {"snapshot": null, "offset": 0, "rows": [], "truncated": false}"""));
    }

    @Test
    void aMutationWithoutValidCredentialsIsA401() throws Exception {
        Map<String, Object> ticker = Map.of("db", "upbit", "table", "ticker");
        String tag = "{\"name\": \"before_fomc\"}";

        Answer anonymous = post("direct:api-create-tag", "/api/tables/upbit/ticker/tags", ticker, null, tag);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json()).isEqualTo(json("""
                {"error": "unauthorized", "detail": "this call needs HTTP basic authentication"}"""));

        String guess = "Basic " + Base64.getEncoder().encodeToString("operator:guess".getBytes(StandardCharsets.UTF_8));
        Answer wrongPassword = post("direct:api-create-tag", "/api/tables/upbit/ticker/tags", ticker, guess, tag);
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(wrongPassword.json()).isEqualTo(json("""
                {"error": "unauthorized", "detail": "unknown user or wrong password"}"""));
        assertThat(lake.tags("upbit", "ticker")).isEmpty();

        // With them the call gets past the check: the lake answers (the table has no snapshot to tag yet).
        Answer checked = post("direct:api-create-tag", "/api/tables/upbit/ticker/tags", ticker, OPERATOR, tag);
        assertThat(checked.status()).isEqualTo(404);
        assertThat(checked.json()).isEqualTo(json("""
                {"error": "no_snapshot", "detail": "upbit.ticker has no snapshot yet"}"""));
    }

    @Test
    void anUnexpectedFailureIsA500NamingItWithoutAStackTrace() throws Exception {
        Answer answer = post("direct:api-sync-stop", "/api/sync/stop", Map.of(), OPERATOR, "");

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.text()).isEqualTo("{\"error\":\"internal\",\"detail\":\"savepoint of job 4f2a failed\"}");
        assertThat(answer.retryAfter()).isNull();
    }

    @Test
    void s3NotAnsweringIsA503WithRetryAfter() throws Exception {
        Answer answer = post("direct:api-sync-start", "/api/sync/start", Map.of(), OPERATOR, "");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.retryAfter()).isEqualTo("5");
        assertThat(answer.json()).isEqualTo(json("""
                {"error": "warehouse_unavailable", "detail": "S3 did not answer: Connection refused"}"""));
    }

    @Test
    void rowsOrDiffsBeyondTheConcurrentReadsAreA429WithRetryAfter() throws Exception {
        // One read is running (tickerlake.admin.concurrent-reads=1) until its exchange completes.
        Exchange running = new DefaultExchange(context);
        reads.acquire(running);

        for (String read : new String[] {"rows", "diff"}) {
            String route = "direct:api-" + read;
            Answer refused = get(route, "/api/tables/upbit/ticker/" + read,
                    Map.of("db", "upbit", "table", "ticker", "from", "1", "to", "1"));
            assertThat(refused.status()).as(route).isEqualTo(429);
            assertThat(refused.retryAfter()).isEqualTo("3");
            assertThat(refused.json()).isEqualTo(json("""
                    {"error": "too_many_reads", "detail": "1 row or diff reads are running, the most at once \
                    (tickerlake.admin.concurrent-reads); retry after 3 s"}"""));
        }

        running.getExchangeExtension().handoverCompletions().forEach(done -> done.onComplete(running));
        Answer rows = get("direct:api-rows", "/api/tables/upbit/ticker/rows", Map.of("db", "upbit", "table", "ticker"));
        assertThat(rows.status()).isNull();
        assertThat(rows.json().path("rows")).isEmpty();
    }

    /** Before the buckets route has confirmed the buckets. */
    @Nested
    class WarehouseNotReady {

        @ReplaceInRegistry
        BucketsReadiness buckets = new BucketsReadiness("paimon");

        @Test
        void aTableReadIsA503WithRetryAfterAndTheSyncJobStillAnswers() throws Exception {
            Answer tables = get("direct:api-tables", "/api/tables", Map.of());
            assertThat(tables.status()).isEqualTo(503);
            assertThat(tables.retryAfter()).isEqualTo("5");
            assertThat(tables.json()).isEqualTo(json("""
                    {"error": "warehouse_unavailable", "detail": "the buckets on S3 are not confirmed yet (S3 \
                    unreachable or a bucket missing): see /observe/health/ready"}"""));

            Answer sync = get("direct:api-sync", "/api/sync", Map.of());
            assertThat(sync.status()).isNull();
            assertThat(sync.json()).isEqualTo(json("{\"state\": \"RUNNING\"}"));

            buckets.confirmed("paimon");
            Answer confirmed = get("direct:api-tables", "/api/tables", Map.of());
            assertThat(confirmed.status()).isNull();
            assertThat(confirmed.json().path("tables").get(0).path("table").asText()).isEqualTo("ticker");
        }
    }

    /** What the route answered: the status it set (null: platform-http's default, 200), Retry-After, the body. */
    record Answer(Integer status, String retryAfter, String text) {
        JsonNode json() throws IOException {
            return JSON.readTree(text);
        }
    }

    private Answer get(String route, String path, Map<String, Object> parameters) {
        return call(route, "GET", path, parameters, null, null);
    }

    private Answer post(String route, String path, Map<String, Object> parameters, String authorization, String body) {
        return call(route, "POST", path, parameters, authorization, body);
    }

    /** A request as platform-http hands it to the route: method, path, path and query parameters as headers. */
    private Answer call(String route, String method, String path, Map<String, Object> parameters,
                        String authorization, String body) {
        Map<String, Object> headers = new LinkedHashMap<>(parameters);
        headers.put(Exchange.HTTP_METHOD, method);
        headers.put(Exchange.HTTP_PATH, path);
        headers.put(Exchange.HTTP_URI, path);
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        Exchange answered = platformHttp.send(route, exchange -> {
            exchange.getMessage().setHeaders(headers);
            exchange.getMessage().setBody(body);
        });
        assertThat(answered.getException()).as("the route answers every failure").isNull();
        return new Answer(answered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class),
                answered.getMessage().getHeader("Retry-After", String.class),
                answered.getMessage().getBody(String.class));
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }
}
