package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.testing.RunningHawtio;
import dev.tickerlake.testing.RunningTickerlake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hawtio on a running tickerlake, as {@code mvn -Phawtio} starts it (its own JVM, only Hawtio's jars): everything Hawtio
 * shows reaches tickerlake through Hawtio's own proxy, {@code /hawtio/proxy/http/127.0.0.1/<port>/observe/jolokia},
 * with the Origin a browser on Hawtio's page sends; tickerlake's strict CORS policy still refuses other origins.
 */
class HawtioIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAMEL_CONTEXT = "org.apache.camel:context=tickerlake,type=context,name=\"tickerlake\"";
    private static final String TICKER_CDC_ROUTE = "org.apache.camel:context=tickerlake,type=routes,name=\"ticker-cdc\"";
    private static final String SOURCE = "dev.tickerlake:type=Source,name=synthetic";
    private static final String CDC = "dev.tickerlake:type=Cdc,name=ticker-cdc";

    @TempDir
    static Path dir;
    private static RunningTickerlake app;
    private static RunningHawtio hawtio;

    @BeforeAll
    static void start() throws Exception {
        // Hawtio's JVM starts while tickerlake does: it only needs tickerlake's address.
        String managementPort = String.valueOf(EmbeddedKafka.freePort());
        hawtio = RunningHawtio.start(dir.resolve("hawtio"),
                URI.create("http://127.0.0.1:" + managementPort + "/observe/jolokia"));
        app = RunningTickerlake.start(dir.resolve("data"), Map.of(
                "camel.management.port", managementPort,
                "tickerlake.source", "synthetic",
                "tickerlake.synthetic.markets", "5",
                "tickerlake.synthetic.rate", "50"));
        hawtio.awaitUp(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (hawtio != null) {
                hawtio.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    void hawtioServesItsConsoleAndAPageThatConnectsItToTickerlake() throws Exception {
        assertThat(hawtio.get("/hawtio/").body()).contains("<title>");
        HttpResponse<String> page = hawtio.get("/tickerlake/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("host: '127.0.0.1', port: " + app.property("camel.management.port") + ", path: '/observe/jolokia'")
                .contains("localStorage.setItem('connect.connections'")
                .contains("location.replace('/hawtio/camel?con=' + connection.name)");
    }

    @Test
    void camelTabReadsTheContextAndItsRoutesThroughHawtiosProxy() throws Exception {
        // Hawtio asks in bulk, as here: one POST with several requests.
        JsonNode context = proxy(List.of(
                Map.of("type", "read", "mbean", CAMEL_CONTEXT, "attribute", "CamelId"),
                Map.of("type", "read", "mbean", CAMEL_CONTEXT, "attribute", "State")));
        assertThat(context.get(0).path("value").asText()).isEqualTo("tickerlake");
        assertThat(context.get(1).path("value").asText()).isEqualTo("Started");

        JsonNode routes = proxy(Map.of("type", "search", "mbean", "org.apache.camel:type=routes,*")).path("value");
        List<String> names = new ArrayList<>();
        routes.forEach(name -> names.add(name.asText()));
        assertThat(names).anyMatch(name -> name.contains("name=\"ticker-cdc\""))
                .anyMatch(name -> name.contains("name=\"upbit-frame\""))
                .anyMatch(name -> name.contains("name=\"buckets\""));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(read(TICKER_CDC_ROUTE, "ExchangesTotal").asLong()).isPositive());
        // Operations too (Hawtio's route source view): exec is allowed on Camel's MBeans.
        JsonNode xml = proxy(Map.of("type", "exec", "mbean", TICKER_CDC_ROUTE, "operation", "dumpRouteAsXml()"));
        assertThat(xml.path("status").asInt()).isEqualTo(200);
        assertThat(xml.path("value").asText()).contains("ticker-cdc");
    }

    @Test
    void jmxTabReadsTickerlakesMBeansThroughHawtiosProxy() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(read(SOURCE, "FramesIn").asLong()).isPositive();
            assertThat(read(CDC, "EnvelopesOut").asLong()).isPositive();
        });
        JsonNode tree = proxy(Map.of("type", "list", "path", "dev.tickerlake")).path("value");
        JsonNode syncJob = tree.path("type=SyncJob,name=paimon-sync").isMissingNode()
                ? tree.path("name=paimon-sync,type=SyncJob") : tree.path("type=SyncJob,name=paimon-sync");
        assertThat(syncJob.path("op").has("stopWithSavepoint")).as("SyncJob operations: %s", syncJob).isTrue();
        assertThat(syncJob.path("op").has("start")).isTrue();
        assertThat(syncJob.path("attr").has("State")).isTrue();
    }

    @Test
    void pagesFromOtherOriginsGetNothingThroughHawtio() throws Exception {
        String read = JSON.writeValueAsString(Map.of("type", "read", "mbean", SOURCE, "attribute", "FramesIn"));
        // The proxy passes the browser's Origin on, so tickerlake's strict CORS policy still applies.
        HttpResponse<String> refused = hawtio.post(proxyPath(app), read, Map.of("Origin", "http://evil.example"));
        JsonNode answer = JSON.readTree(refused.body());
        assertThat(answer.path("value").isMissingNode()).as(refused.body()).isTrue();
        assertThat(answer.path("error").asText()).isNotEmpty();
        // Hawtio's own Jolokia (its JVM's MBeans) has the same policy: no foreign origins, no operations.
        String gc = JSON.writeValueAsString(Map.of("type", "exec", "mbean", "java.lang:type=Memory", "operation", "gc()"));
        assertThat(JSON.readTree(hawtio.post("/hawtio/jolokia", gc, Map.of("Origin", "http://evil.example")).body())
                .path("status").asInt()).isEqualTo(403);
        assertThat(JSON.readTree(hawtio.post("/hawtio/jolokia", gc, Map.of("Origin", hawtio.origin())).body())
                .path("status").asInt()).isEqualTo(403);
    }

    @Test
    void managementCredentialsGivenToHawtioReachTickerlake() throws Exception {
        Path users = Files.writeString(dir.resolve("management-users.properties"), "user.ops = s3cret\n");
        try (RunningTickerlake guarded = RunningTickerlake.start(dir.resolve("guarded"), Map.of(
                "camel.management.authentication-enabled", "true",
                "camel.management.basic-properties-file", users.toString()))) {
            String version = JSON.writeValueAsString(Map.of("type", "version"));
            assertThat(hawtio.post(proxyPath(guarded), version, Map.of("Origin", hawtio.origin())).statusCode())
                    .isEqualTo(401);
            // What Hawtio's connect login sends once the user has typed the management user and password.
            HttpResponse<String> allowed = hawtio.post(proxyPath(guarded), version, Map.of("Origin", hawtio.origin(),
                    "Authorization", "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8))));
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
            assertThat(JSON.readTree(allowed.body()).path("value").path("agent").asText()).isEqualTo("2.5.0");
        }
    }

    /** Hawtio's proxy path to a tickerlake's Jolokia, as its connect feature builds it. */
    private static String proxyPath(RunningTickerlake tickerlake) {
        return "/hawtio/proxy/http/127.0.0.1/" + tickerlake.property("camel.management.port") + "/observe/jolokia";
    }

    private static JsonNode read(String mbean, String attribute) throws Exception {
        JsonNode answer = proxy(Map.of("type", "read", "mbean", mbean, "attribute", attribute));
        assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200);
        return answer.path("value");
    }

    private static JsonNode proxy(Object request) throws Exception {
        HttpResponse<String> response = hawtio.post(proxyPath(app), JSON.writeValueAsString(request),
                Map.of("Origin", hawtio.origin()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
