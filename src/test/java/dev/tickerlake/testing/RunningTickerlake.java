package dev.tickerlake.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tickerlake.Tickerlake;
import dev.tickerlake.embedded.EmbeddedKafka;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * A tickerlake started in this JVM exactly as {@code java -jar} starts it (same entry point, same properties), on free
 * ports and a given data directory. Close it to stop everything it started.
 */
public final class RunningTickerlake implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Main main;
    private final int managementPort;
    private final int apiPort;

    private RunningTickerlake(Main main, int managementPort, int apiPort) {
        this.main = main;
        this.managementPort = managementPort;
        this.apiPort = apiPort;
    }

    /** Starts tickerlake with its data under {@code dataDir}; {@code settings} are extra {@code key=value} overrides. */
    public static RunningTickerlake start(Path dataDir, Map<String, String> settings) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("tickerlake.data-dir", dataDir.toString());
        all.put("tickerlake.embedded.s3-port", String.valueOf(EmbeddedKafka.freePort()));
        all.put("tickerlake.embedded.kafka-port", String.valueOf(EmbeddedKafka.freePort()));
        all.put("camel.server.port", String.valueOf(EmbeddedKafka.freePort()));
        all.put("camel.management.port", String.valueOf(EmbeddedKafka.freePort()));
        // Tests name the parts they exercise: no live exchange feed and no sync job unless asked for.
        all.put("tickerlake.source", "none");
        all.put("tickerlake.paimon.enabled", "false");
        all.putAll(settings);
        List<String> args = new ArrayList<>();
        all.forEach((key, value) -> args.add("--" + key + "=" + value));
        Main main = Tickerlake.create(args.toArray(String[]::new));
        main.start();
        return new RunningTickerlake(main, Integer.parseInt(all.get("camel.management.port")),
                Integer.parseInt(all.get("camel.server.port")));
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** The effective value of a property (after embedded servers have set their endpoints). */
    public String property(String key) {
        return context().getPropertiesComponent().resolveProperty(key).orElseThrow();
    }

    /** GET on the management server; returns status and body. */
    public HttpResponse<String> management(String path) throws IOException, InterruptedException {
        return get("http://127.0.0.1:" + managementPort + path);
    }

    /** Any request on the management server, with extra headers (e.g. Authorization, Origin). */
    public HttpResponse<String> management(String method, String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The overall status ({@code UP}/{@code DOWN}) of a health endpoint, e.g. {@code /observe/health/ready}. */
    public String healthStatus(String path) throws IOException, InterruptedException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(management(path).body()).path("status").asText();
    }

    /** GET on the API server; returns status and body. */
    public HttpResponse<String> api(String path) throws IOException, InterruptedException {
        return get("http://127.0.0.1:" + apiPort + path);
    }

    /** A request with any method on the API server; {@code auth} is {@code user:password} or null. */
    public HttpResponse<String> api(String method, String path, String body, String auth)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (auth != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(auth.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
