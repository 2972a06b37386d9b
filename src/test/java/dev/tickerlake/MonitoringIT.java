package dev.tickerlake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.testing.ListeningSockets;
import dev.tickerlake.testing.RunningTickerlake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring as an operator sees it, over plain HTTP on the management port of a running tickerlake (synthetic feed,
 * CDC route and the sync job on its MiniCluster, embedded S3 and Kafka): tickerlake's MBeans read through
 * {@code /observe/jolokia} move as frames flow, the sync job's JMX operations work, {@code jolokia-access.xml} refuses
 * what it must, and {@code /observe/metrics} carries the documented {@code tickerlake_*} metrics next to Camel's.
 */
class MonitoringIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE = "dev.tickerlake:type=Source,name=synthetic";
    private static final String CDC = "dev.tickerlake:type=Cdc,name=ticker-cdc";
    private static final String SYNC_JOB = "dev.tickerlake:type=SyncJob,name=paimon-sync";
    private static final String TICKER_TABLE = "dev.tickerlake:type=Table,name=upbit.ticker";
    /** What a browser showing a local page (Hawtio on 127.0.0.1:8090) sends along. */
    private static final Map<String, String> LOCAL_ORIGIN = Map.of("Origin", "http://localhost:8090");

    @TempDir
    static Path dir;
    private static RunningTickerlake app;
    private static Instant started;

    @BeforeAll
    static void start() throws Exception {
        started = Instant.now();
        app = RunningTickerlake.start(dir.resolve("data"), Map.of(
                "tickerlake.source", "synthetic",
                "tickerlake.synthetic.markets", "5",
                "tickerlake.synthetic.rate", "100",
                "tickerlake.paimon.enabled", "true",
                "tickerlake.flink.checkpoint-interval", "2s",
                "tickerlake.monitoring.table-refresh", "1000"));
        EmbeddedModeIT.awaitReady(app);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void tickerlakeMBeansMoveAsFramesFlow() throws Exception {
        assertThat(read(SOURCE, "Connected").asBoolean()).isTrue();
        long framesBefore = read(SOURCE, "FramesIn").asLong();
        long envelopesBefore = read(CDC, "EnvelopesOut").asLong();
        long rowsBefore = read(CDC, "RowsOut").asLong();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(read(SOURCE, "FramesIn").asLong()).isGreaterThan(framesBefore + 100);
            assertThat(read(SOURCE, "FramesPerSecond").asDouble()).isPositive();
            // An envelope holds one or more rows (tickerlake.cdc.envelope-max-rows): one per frame mapped.
            assertThat(read(CDC, "RowsOut").asLong()).isGreaterThan(rowsBefore + 100);
            assertThat(read(CDC, "EnvelopesOut").asLong()).isGreaterThan(envelopesBefore);
        });
        assertThat(read(CDC, "DeadLetters").asLong()).isZero();

        // The sync job commits a snapshot per checkpoint; the table's MBean follows within a refresh.
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(read(SYNC_JOB, "State").asText()).isEqualTo("RUNNING");
            assertThat(read(SYNC_JOB, "LastCheckpointId").asLong()).isPositive();
            assertThat(read(TICKER_TABLE, "SnapshotId").asLong()).isPositive();
            assertThat(read(TICKER_TABLE, "FreshnessMillis").asLong()).isGreaterThanOrEqualTo(0);
        });
        long snapshot = read(TICKER_TABLE, "SnapshotId").asLong();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(read(TICKER_TABLE, "SnapshotId").asLong()).isGreaterThan(snapshot));
        // Freshness is the data commit's time minus the newest exchange timestamp it committed; synthetic frames
        // carry the time they were made, so that timestamp lies between the app's start and the commit.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode table = read(TICKER_TABLE, "");
            Instant commit = Instant.parse(table.path("CommitTime").asText());
            Instant newestEvent = Instant.parse(table.path("NewestEventTime").asText());
            assertThat(newestEvent).isAfter(started).isBeforeOrEqualTo(commit);
            if (table.path("SnapshotId").asLong() == table.path("DataSnapshotId").asLong()) {
                assertThat(table.path("FreshnessMillis").asLong())
                        .isEqualTo(commit.toEpochMilli() - newestEvent.toEpochMilli());
            }
        });
        assertThat(read(SYNC_JOB, "Restarts").asInt()).isZero();

        // GET /api/sync reports the same freshness figure.
        HttpResponse<String> sync = app.api("/api/sync");
        assertThat(JSON.readTree(sync.body()).path("tables").path("upbit.ticker").path("freshnessMillis").isNumber())
                .as("GET /api/sync: %s %s", sync.statusCode(), sync.body()).isTrue();
    }

    @Test
    void syncJobOperationsStopAndStartItOverJolokia() throws Exception {
        await().atMost(Duration.ofSeconds(120)).until(() -> "RUNNING".equals(read(SYNC_JOB, "State").asText()));
        JsonNode stopped = exec(SYNC_JOB, "stopWithSavepoint()");
        assertThat(stopped.path("status").asInt()).isEqualTo(200);
        assertThat(stopped.path("value").asText()).isEqualTo("STOPPED");
        assertThat(read(SYNC_JOB, "ResumedFrom").isNull()).isFalse();

        JsonNode started = exec(SYNC_JOB, "start()");
        assertThat(started.path("value").asText()).isEqualTo("RUNNING");
        // From the savepoint, or from the last checkpoint when the savepoint took longer than its timeout.
        assertThat(read(SYNC_JOB, "ResumedFrom").asText()).startsWith("s3://checkpoints/paimon-sync/");
    }

    @Test
    void jolokiaAccessPolicyRefusesWhatItMust() throws Exception {
        // Reads are open everywhere, including the JVM's own MBeans, except the JVM's command line.
        assertThat(read("java.lang:type=Runtime", "Uptime").asLong()).isPositive();
        for (String commandLine : List.of("SystemProperties", "InputArguments")) {
            JsonNode refused = read("java.lang:type=Runtime", commandLine);
            assertThat(refused.path("status").asInt()).as("read %s", commandLine).isEqualTo(403);
            assertThat(refused.path("error").asText()).contains("forbidden");
        }
        // Operations only where the policy names them: a route's statistics reset, not the context's sendBody.
        assertThat(exec("org.apache.camel:context=tickerlake,type=routes,name=\"table-freshness\"", "reset()")
                .path("status").asInt()).isEqualTo(200);
        JsonNode send = exec("org.apache.camel:context=tickerlake,type=context,name=\"tickerlake\"",
                "sendBody(java.lang.String,java.lang.Object)", "log:probe", "hello");
        assertThat(send.path("status").asInt()).as(send.toString()).isEqualTo(403);
        assertThat(send.path("error").asText()).contains("forbidden");
        assertThat(exec("java.lang:type=Memory", "gc()").path("status").asInt()).isEqualTo(403);
        assertThat(exec("com.sun.management:type=DiagnosticCommand", "vmFlags([Ljava.lang.String;)", new Object[] {
                new String[0]}).path("status").asInt()).isEqualTo(403);
        assertThat(exec("java.util.logging:type=Logging", "setLoggerLevel(java.lang.String,java.lang.String)", "", "OFF")
                .path("status").asInt()).isEqualTo(403);
        assertThat(read("jdk.management.jfr:type=FlightRecorder", "Recordings").path("status").asInt()).isEqualTo(403);
        // No attribute may be written: neither the JVM's nor a Camel route's.
        assertThat(post(Map.of("type", "write", "mbean", "java.lang:type=Memory", "attribute", "Verbose", "value", true))
                .path("status").asInt()).isEqualTo(403);
        assertThat(post(Map.of("type", "write", "mbean",
                "org.apache.camel:context=tickerlake,type=routes,name=\"table-freshness\"", "attribute", "Tracing",
                "value", false)).path("status").asInt()).isEqualTo(403);
    }

    @Test
    void jolokiaServesClientsThatSendNoOriginAndRefusesPagesOfOtherOrigins() throws Exception {
        // curl, the Jolokia CLI, scrapers: no Origin. Local pages (Hawtio on 127.0.0.1 or localhost, any port or none).
        for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("Origin", "http://localhost"),
                Map.of("Origin", "http://127.0.0.1:8090"), Map.of("Referer", "http://localhost:8090/hawtio/camel"))) {
            HttpResponse<String> version = app.management("GET", "/observe/jolokia/version", null, headers);
            assertThat(version.statusCode()).as("GET version %s: %s", headers, version.body()).isEqualTo(200);
            assertThat(JSON.readTree(version.body()).path("value").path("agent").asText()).isEqualTo("2.5.0");
        }
        HttpResponse<String> posted = app.management("POST", "/observe/jolokia", "{\"type\":\"version\"}", Map.of());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        // Pages of other origins, however they show it, get a 403 with the reason (a browser always names the page).
        for (Map<String, String> headers : List.of(Map.of("Origin", "http://evil.example"),
                Map.of("Origin", "http://localhost.evil.example:9876"), Map.of("Origin", "null"),
                Map.of("Origin", "https://localhost:8443"), Map.of("Referer", "http://evil.example/page"),
                Map.of("Sec-Fetch-Site", "cross-site"))) {
            for (String method : List.of("GET", "POST")) {
                HttpResponse<String> refused = method.equals("GET")
                        ? app.management("GET", "/observe/jolokia/read/" + SOURCE + "/FramesIn", null, headers)
                        : app.management("POST", "/observe/jolokia", "{\"type\":\"read\",\"mbean\":\"" + SOURCE
                                + "\",\"attribute\":\"FramesIn\"}", headers);
                assertThat(refused.statusCode()).as("%s %s: %s", method, headers, refused.body()).isEqualTo(403);
                JsonNode problem = JSON.readTree(refused.body());
                assertThat(problem.path("error").asText()).isEqualTo("forbidden");
                assertThat(problem.path("detail").asText()).contains("may not use Jolokia");
                assertThat(problem.path("value").isMissingNode()).isTrue();
            }
        }
        // Malformed requests are the client's fault: 400 with the reason, never a 500.
        for (String body : List.of("not json", "{\"type\":\"nope\"}", "{\"type\":\"read\",\"mbean\":\"no name\"}", "")) {
            HttpResponse<String> bad = app.management("POST", "/observe/jolokia", body, Map.of());
            assertThat(bad.statusCode()).as("POST [%s]: %s", body, bad.body()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).path("error").asText()).isEqualTo("bad request");
            assertThat(JSON.readTree(bad.body()).path("detail").asText()).isNotBlank();
        }
        HttpResponse<String> badPath = app.management("GET", "/observe/jolokia/read/no-mbean-name", null, Map.of());
        assertThat(badPath.statusCode()).as(badPath.body()).isBetween(400, 499);
    }

    /**
     * Every operation of every Camel and tickerlake MBean, as the live agent lists them, is refused by the access
     * policy unless the operator's allow-list below names it; the allow-list itself holds nothing that sends to an
     * endpoint, takes an endpoint URI, a body or an expression, or changes routes or settings.
     */
    @Test
    void jolokiaExecIsRefusedForEveryOperationOutsideTheOperatorsAllowList() throws Exception {
        Map<String, Set<String>> allowed = Map.of(
                "routes", Set.of("start", "stop", "suspend", "resume", "restart", "reset", "dumpRouteAsXml",
                        "dumpRouteAsYaml", "dumpRouteStatsAsXml", "dumpRouteStatsAsJSon", "dumpStatsAsXml",
                        "dumpStatsAsJSon", "dumpStepStatsAsXml", "dumpRouteSourceLocationsAsXml", "processorIds"),
                "context", Set.of("reset", "dumpRoutesAsXml", "dumpRoutesAsYaml", "dumpRoutesStatsAsXml",
                        "dumpRouteStatsAsJSon", "dumpRestsAsXml", "dumpStatsAsXml", "dumpStatsAsJSon",
                        "dumpStepStatsAsXml", "dumpRoutesCoverageAsXml", "dumpRouteTemplatesAsXml", "componentNames",
                        "dataFormatNames", "languageNames", "routeIds", "routeGroups"),
                "processors", Set.of("reset", "dumpProcessorAsXml", "dumpStatsAsXml", "dumpStatsAsJSon"),
                "services", Set.of("listRestServices"),
                "SyncJob", Set.of("stopWithSavepoint", "start"));
        assertThat(allowed.values().stream().flatMap(Set::stream))
                .noneMatch(name -> name.matches("(send|request|create|remove|update|evaluate|browse|invoke|enable|"
                        + "disable|set|interrupt|purge|clear|verify|canSend).*"));

        List<Map<String, Object>> refusable = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (String domain : List.of("org.apache.camel", "dev.tickerlake")) {
            JsonNode mbeans = post(Map.of("type", "list", "path", domain)).path("value");
            assertThat(mbeans.size()).as("MBeans of %s", domain).isPositive();
            mbeans.fields().forEachRemaining(mbean -> {
                String name = domain + ":" + mbean.getKey();
                java.util.regex.Matcher type = java.util.regex.Pattern.compile("type=([^,]+)").matcher(mbean.getKey());
                Set<String> allowedHere = type.find() ? allowed.getOrDefault(type.group(1), Set.of()) : Set.of();
                mbean.getValue().path("op").fields().forEachRemaining(op -> {
                    JsonNode signatures = op.getValue().isArray() ? op.getValue() : JSON.createArrayNode().add(op.getValue());
                    for (JsonNode signature : signatures) {
                        List<String> types = new ArrayList<>();
                        signature.path("args").forEach(arg -> types.add(arg.path("type").asText()));
                        seen.add(op.getKey() + "(" + String.join(",", types) + ")");
                        if (allowedHere.contains(op.getKey())) {
                            continue;
                        }
                        Map<String, Object> request = new LinkedHashMap<>();
                        request.put("type", "exec");
                        request.put("mbean", name);
                        request.put("operation", op.getKey() + "(" + String.join(",", types) + ")");
                        request.put("arguments", new ArrayList<>(java.util.Collections.nCopies(types.size(), null)));
                        refusable.add(request);
                    }
                });
            });
        }
        // The live MBeans do carry the dangerous operations, so the check below is not vacuous.
        assertThat(seen).contains("sendBody(java.lang.String,java.lang.Object)",
                "requestBody(java.lang.String,java.lang.Object)", "createEndpoint(java.lang.String)",
                "updateRouteFromXml(java.lang.String)", "setGlobalOption(java.lang.String,java.lang.String)");

        HttpResponse<String> response = app.management("POST", "/observe/jolokia", JSON.writeValueAsString(refusable),
                Map.of("Content-Type", "application/json"));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answers = JSON.readTree(response.body());
        assertThat(answers.size()).isEqualTo(refusable.size());
        for (JsonNode answer : answers) {
            assertThat(answer.path("status").asInt())
                    .as("%s %s: %s", answer.path("request").path("mbean").asText(),
                            answer.path("request").path("operation").asText(), answer.path("error").asText())
                    .isEqualTo(403);
            assertThat(answer.path("error").asText()).contains("forbidden");
        }
    }

    @Test
    void metricsCarryTheDocumentedNames() throws Exception {
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            String metrics = app.management("/observe/metrics").body();
            assertThat(metrics)
                    .contains("tickerlake_source_frames_total{source=\"synthetic\"}")
                    .contains("tickerlake_source_frames_rate_per_second{source=\"synthetic\"}")
                    .contains("tickerlake_source_connected{source=\"synthetic\"} 1.0")
                    .contains("tickerlake_cdc_envelopes_total")
                    .contains("tickerlake_cdc_rows_total")
                    .contains("tickerlake_cdc_dead_letters_total 0.0")
                    .contains("tickerlake_sync_job_state{state=\"RUNNING\"} 1.0")
                    .contains("tickerlake_sync_job_restarts")
                    .contains("tickerlake_sync_job_last_checkpoint_id")
                    .contains("tickerlake_table_snapshot_id{table=\"upbit.ticker\"}")
                    .contains("tickerlake_table_freshness_seconds{table=\"upbit.ticker\"}")
                    .contains("tickerlake_table_commit_timestamp_seconds{table=\"upbit.trade\"}")
                    // Camel's own route metrics and the JVM's share the endpoint.
                    .contains("camel_exchanges_total")
                    .contains("jvm_memory_used_bytes");
            assertThat(value(metrics, "tickerlake_cdc_envelopes_total")).isPositive();
            assertThat(value(metrics, "tickerlake_cdc_rows_total"))
                    .isGreaterThanOrEqualTo(value(metrics, "tickerlake_cdc_envelopes_total"));
        });
    }

    @Test
    void managementAuthenticationGuardsJolokiaButNotProbes() throws Exception {
        Path users = Files.writeString(dir.resolve("management-users.properties"), "user.ops = s3cret\n");
        try (RunningTickerlake guarded = RunningTickerlake.start(dir.resolve("guarded"), Map.of(
                "camel.management.authentication-enabled", "true",
                "camel.management.basic-properties-file", users.toString()))) {
            String path = "/observe/jolokia/read/java.lang:type=Runtime/Uptime";
            for (Map<String, String> origin : List.of(Map.<String, String>of(), LOCAL_ORIGIN)) {
                assertThat(guarded.management("GET", path, null, origin).statusCode()).isEqualTo(401);
                assertThat(guarded.management("GET", path, null, with(origin, "Authorization", basic("ops:wrong")))
                        .statusCode()).isEqualTo(401);
                // A non-browser client (no Origin) and a local page alike, with the right password.
                HttpResponse<String> allowed = guarded.management("GET", path, null,
                        with(origin, "Authorization", basic("ops:s3cret")));
                assertThat(allowed.statusCode()).as("%s: %s", origin, allowed.body()).isEqualTo(200);
                assertThat(JSON.readTree(allowed.body()).path("value").asLong()).isPositive();
            }
            // The right password does not let a page of another origin in.
            assertThat(guarded.management("GET", path, null, Map.of("Origin", "http://evil.example",
                    "Authorization", basic("ops:s3cret"))).statusCode()).isEqualTo(403);
            // Probes and scraping need no credentials.
            assertThat(guarded.management("/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(guarded.management("/observe/metrics").statusCode()).isEqualTo(200);
        }
    }

    /**
     * Secrets given every way tickerlake takes settings (argument, environment, {@code --config} file, users file,
     * management users file) appear in no log line and in no HTTP answer: health, metrics, the admin API's answers and
     * errors, Jolokia reads of every MBean including the JVM's command line, route dumps with placeholders resolved.
     * The environment needs a JVM of its own: one child process, started as {@code java -jar} would be (without the
     * sync job, whose start would double this test's time).
     */
    @Test
    void noSecretInAnyLogLineOrAnswer() throws Exception {
        String run = Long.toHexString(System.nanoTime());
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("argument admin password", "ArgAdminPass-" + run);
        secrets.put("argument S3 secret key", "ArgS3Secret-" + run);
        secrets.put("environment admin password", "EnvAdminPass-" + run);
        secrets.put("config-file S3 access key", "ConfigS3Key-" + run);
        secrets.put("users-file admin password", "FileAdminPass-" + run);
        secrets.put("management password", "MgmtPass-" + run);
        Path child = Files.createDirectories(dir.resolve("secrets"));
        Path usersFile = Files.writeString(child.resolve("admin-users"), "bob:" + secrets.get("users-file admin password") + "\n");
        Path managementUsers = Files.writeString(child.resolve("management-users.properties"),
                "user.ops = " + secrets.get("management password") + "\n");
        Path config = Files.writeString(child.resolve("tickerlake.properties"), String.join("\n",
                "tickerlake.s3.access-key = " + secrets.get("config-file S3 access key"),
                "camel.management.authentication-enabled = true",
                "camel.management.basic-properties-file = " + managementUsers), StandardCharsets.UTF_8);
        int apiPort = EmbeddedKafka.freePort();
        int managementPort = EmbeddedKafka.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path")));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-opens") || arg.startsWith("--add-exports")).forEach(command::add);
        command.addAll(List.of(Tickerlake.class.getName(),
                "--config=" + config,
                "--tickerlake.admin.users=alice:" + secrets.get("argument admin password"),
                "--tickerlake.admin.users-file=" + usersFile,
                "--tickerlake.s3.secret-key=" + secrets.get("argument S3 secret key"),
                "--tickerlake.data-dir=" + child.resolve("data"),
                "--tickerlake.embedded.s3-port=" + EmbeddedKafka.freePort(),
                "--tickerlake.embedded.kafka-port=" + EmbeddedKafka.freePort(),
                "--camel.server.port=" + apiPort,
                "--camel.management.port=" + managementPort,
                "--tickerlake.source=none",
                "--tickerlake.paimon.enabled=false"));
        Path log = child.resolve("tickerlake.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TICKERLAKE_ADMIN_USERS", "carol:" + secrets.get("environment admin password"));
        Process process = builder.start();
        Map<String, String> answers = new LinkedHashMap<>();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        List<String> apiAddresses = new ArrayList<>();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String management = "http://127.0.0.1:" + managementPort;
            String api = "http://127.0.0.1:" + apiPort;
            String ops = basic("ops:" + secrets.get("management password"));
            try {
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                        "UP".equals(JSON.readTree(send(http, "GET", management + "/observe/health/ready", null, null).body())
                                .path("status").asText()));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                String logged = Files.readString(log);
                throw new AssertionError("tickerlake did not come up; its log ends with:\n"
                        + logged.substring(Math.max(0, logged.length() - 4000)), e);
            }
            for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready", "/observe/metrics",
                    "/observe/jolokia/version", "/observe/jolokia/read/dev.tickerlake:*",
                    "/observe/jolokia/read/org.apache.camel:*?ignoreErrors=true",
                    "/observe/jolokia/read/java.lang:type=Runtime?ignoreErrors=true",
                    "/observe/jolokia/read/java.lang:type=Runtime/SystemProperties",
                    "/observe/jolokia/read/java.lang:type=Runtime/InputArguments",
                    "/observe/jolokia/read/*:*?ignoreErrors=true")) {
                answers.put("GET " + path, send(http, "GET", management + path, null, ops).body());
            }
            String context = "org.apache.camel:context=tickerlake,type=context,name=\"tickerlake\"";
            answers.put("route dumps", send(http, "POST", management + "/observe/jolokia", JSON.writeValueAsString(List.of(
                    Map.of("type", "exec", "mbean", context, "operation", "dumpRoutesAsXml(boolean)", "arguments", List.of(true)),
                    Map.of("type", "exec", "mbean", context, "operation", "dumpRoutesAsYaml(boolean)", "arguments", List.of(true)))),
                    ops).body());
            for (String path : List.of("/api/sync", "/api/tables", "/api/tables/upbit/nope")) {
                answers.put("GET " + path, send(http, "GET", api + path, null, null).body());
            }
            String tag = "/api/tables/upbit/nope/tags";
            answers.put("wrong password", send(http, "POST", api + tag, "{\"name\":\"x\"}", basic("bob:wrong")).body());
            HttpResponse<String> fromFile = send(http, "POST", api + tag, "{\"name\":\"x\"}",
                    basic("bob:" + secrets.get("users-file admin password")));
            answers.put("users-file user", fromFile.body());
            statuses.put("users-file user", fromFile.statusCode());
            statuses.put("argument user",
                    send(http, "POST", api + tag, "{}", basic("alice:" + secrets.get("argument admin password"))).statusCode());
            statuses.put("environment user",
                    send(http, "POST", api + tag, "{}", basic("carol:" + secrets.get("environment admin password"))).statusCode());
            apiAddresses.addAll(ListeningSockets.addresses(apiPort));
        } finally {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        String logged = Files.readString(log);
        // The start-up summaries ran (the key is shown, its value masked).
        assertThat(logged).contains("tickerlake.admin.users = xxxxxx").contains("Apache Camel 4.18.0 (tickerlake) started");
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            List<String> forms = List.of(secret.getValue(),
                    Base64.getEncoder().encodeToString(secret.getValue().getBytes(StandardCharsets.UTF_8)));
            for (String form : forms) {
                assertThat(logged).as("the log holds the %s", secret.getKey()).doesNotContain(form);
                answers.forEach((where, body) -> assertThat(body).as("%s holds the %s", where, secret.getKey())
                        .doesNotContain(form));
            }
        }
        // What was searched is real: the users work, the JVM's command line is refused, the dumps were answered.
        assertThat(statuses.get("users-file user")).isNotEqualTo(401);
        // The environment wins over the argument for the same key; whichever it is, that user is accepted.
        assertThat(List.of(statuses.get("argument user"), statuses.get("environment user"))).anyMatch(status -> status != 401);
        assertThat(answers.get("GET /observe/jolokia/read/java.lang:type=Runtime/SystemProperties")).contains("\"status\":403");
        assertThat(answers.get("route dumps")).contains("ticker-cdc");
        // Users are configured: the configured host (0.0.0.0 in application.properties) stands.
        assertThat(apiAddresses).singleElement().isIn("0.0.0.0", "::");
    }

    private static HttpResponse<String> send(HttpClient http, String method, String url, String body, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return all;
    }

    private static JsonNode read(String mbean, String attribute) throws Exception {
        String path = "/observe/jolokia/read/" + mbean + (attribute.isEmpty() ? "" : "/" + attribute);
        HttpResponse<String> response = app.management("GET", path, null,
                LOCAL_ORIGIN);
        JsonNode answer = JSON.readTree(response.body());
        if (answer.path("status").asInt() != 200) {
            return answer;
        }
        return answer.path("value");
    }

    private static JsonNode exec(String mbean, String operation, Object... arguments) throws Exception {
        return post(Map.of("type", "exec", "mbean", mbean, "operation", operation, "arguments", arguments));
    }

    private static JsonNode post(Map<String, Object> request) throws Exception {
        HttpResponse<String> response = app.management("POST", "/observe/jolokia", JSON.writeValueAsString(request),
                Map.of("Content-Type", "application/json"));
        return JSON.readTree(response.body());
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of an unlabelled sample in Prometheus text. */
    private static double value(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1).trim())).orElse(-1.0);
    }
}
