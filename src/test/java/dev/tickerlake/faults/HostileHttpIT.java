package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.faults.HostileRequest.Auth;
import dev.tickerlake.testing.RunningTickerlake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scenario 6, hostile HTTP: thousands of generated requests ({@link HostileRequests}, seeded) against the admin API and the management port of
 * one running tickerlake (synthetic feed, CDC route, sync job writing real tables; admin users configured; management
 * authentication on). Every answer: no 5xx; every 4xx a JSON object with a non-empty {@code error} (the admin API's
 * {@code {"error","detail"}}); every unauthenticated mutation a 401; no secret in any answer. Around the run: no path
 * outside the areas the pipeline writes appeared or changed (data directory, the test's temp root, the working
 * directory), and the sync job ran throughout, never stopped by a call.
 *
 * <p>Requests: {@code tickerlake.faults=short} (default) 1,000, {@code full} 10,000. Seed: fixed
 * ({@value #DEFAULT_SEED}), printed; {@code -Dtickerlake.faults.http.seed=N} runs another;
 * {@code -Dtickerlake.faults.http.sample=I} sends only sample I of that seed (a failure message names both);
 * {@code -Dtickerlake.faults.http.survey=true} sends them all and lists every violation instead of stopping at the first.
 * Requests that change nothing go out from {@value #DEFAULT_CLIENTS} client threads at once
 * ({@code -Dtickerlake.faults.http.clients=N}); an authenticated mutation waits for every request before it and goes
 * out alone, so each answer is the one a sequential run gets. The run prints the slowest answers.
 * Order: the generated requests, the plain examples, then the checks of the whole run (files, sync job) and the result.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileHttpIT {

    static final String SCENARIO = "6 hostile HTTP";
    static final String DEFAULT_SEED = "20261207";
    static final long SEED = Long.parseLong(System.getProperty("tickerlake.faults.http.seed", DEFAULT_SEED).trim());
    /** Only this sample of the seed (a replay), or null for all of them. */
    static final Integer ONLY_SAMPLE = Integer.getInteger("tickerlake.faults.http.sample");
    static final boolean SURVEY = Boolean.getBoolean("tickerlake.faults.http.survey");
    static final int REQUESTS = FaultScale.current().pick(1_000, 10_000);
    /** Client threads sending the requests that change nothing ({@code -Dtickerlake.faults.http.clients=N}). */
    static final int DEFAULT_CLIENTS = 3;
    static final int CLIENTS = Math.max(1, Integer.getInteger("tickerlake.faults.http.clients", DEFAULT_CLIENTS));
    /** A request without an answer by then counts as none (a hang is a finding, not a slow answer). */
    private static final int ANSWER_WITHIN_MILLIS = 30_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "ops";
    private static final String PASSWORD = "Adm1n-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(9));
    private static final String MANAGEMENT_USER = "watch";
    private static final String MANAGEMENT_PASSWORD = "Mgmt-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(9));
    /** In every name the generator makes, so that anything it could have created is found by name. */
    private static final String MARKER = "hostile" + Long.toUnsignedString(SEED);

    private static Path root;
    private static Path dataDir;
    private static RunningTickerlake app;
    private static HostileRequests generator;
    private static Map<String, FileTree> before;
    private static String jobId;
    private static long started;

    private static final Map<String, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, AtomicInteger>> byCategory = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> millisByCategory = new ConcurrentHashMap<>();
    private static final AtomicInteger sent = new AtomicInteger();
    /** Refusals by Vert.x's HTTP/1.1 decoder, before any handler: empty 400/414/431 (see HttpRefusals). */
    private static final AtomicInteger decoderRefusals = new AtomicInteger();
    private static final List<String> violations = new CopyOnWriteArrayList<>();
    /** The slowest answers: millis, sample index, category, status, request (for finding what makes the run slow). */
    private static final List<String> slowest = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        started = System.nanoTime();
        System.out.printf("[faults] %s: seed %d%s, %d requests (%s)%s, marker %s%n", SCENARIO, SEED,
                SEED == Long.parseLong(DEFAULT_SEED) ? " (default)" : "", ONLY_SAMPLE == null ? REQUESTS : 1,
                FaultScale.current(), ONLY_SAMPLE == null ? "" : ", only sample " + ONLY_SAMPLE, MARKER);
        root = Files.createTempDirectory("hostile-http");
        dataDir = root.resolve("data");
        Path secrets = Files.createDirectories(root.resolve("secrets"));
        Path managementUsers = Files.writeString(secrets.resolve("management-users.properties"),
                "user." + MANAGEMENT_USER + " = " + MANAGEMENT_PASSWORD + "\n");
        // A file outside the warehouse that traversal attempts aim at: it must stay as it is.
        Files.writeString(Files.createDirectories(root.resolve("outside")).resolve(MARKER + ".txt"), "not yours\n");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("tickerlake.source", "synthetic");
        settings.put("tickerlake.synthetic.markets", "5");
        settings.put("tickerlake.synthetic.rate", "50");
        settings.put("tickerlake.paimon.enabled", "true");
        settings.put("tickerlake.flink.checkpoint-interval", "2s");
        settings.put("tickerlake.monitoring.table-refresh", "1000");
        settings.put("tickerlake.admin.users", USER + ":" + PASSWORD);
        // Rows and diffs from every client thread at once are served, never a 429 that a sequential run would not get.
        settings.put("tickerlake.admin.concurrent-reads", String.valueOf(CLIENTS + 1));
        // Users are configured, so the API would take camel.server.host (0.0.0.0): keep it on this machine.
        settings.put("camel.server.host", "127.0.0.1");
        settings.put("camel.management.authentication-enabled", "true");
        settings.put("camel.management.basic-properties-file", managementUsers.toString());
        app = RunningTickerlake.start(dataDir, settings);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> "UP".equals(app.healthStatus("/observe/health/ready")));
        // Real tables with a few snapshots and a tag before the first hostile request.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            JsonNode tables = JSON.readTree(app.api("/api/tables").body()).path("tables");
            assertThat(tables.size()).isEqualTo(3);
            for (JsonNode table : tables) {
                assertThat(table.path("latestSnapshot").path("id").asLong()).isPositive();
            }
        });
        var tag = app.api("POST", "/api/tables/upbit/ticker/tags", "{\"name\":\"kept_" + MARKER + "\"}", USER + ":" + PASSWORD);
        assertThat(tag.statusCode()).as(tag.body()).isEqualTo(201);
        jobId = sync().path("jobId").asText();
        assertThat(sync().path("state").asText()).isEqualTo("RUNNING");
        generator = new HostileRequests(Integer.parseInt(app.property("camel.server.port")),
                Integer.parseInt(app.property("camel.management.port")), USER, PASSWORD, MANAGEMENT_USER,
                MANAGEMENT_PASSWORD, MARKER);
        before = trees();
        System.out.printf("[faults] %s: tickerlake up, tables with snapshots, sync job %s RUNNING (%.1f s)%n", SCENARIO,
                jobId, (System.nanoTime() - started) / 1e9);
    }

    @Test
    @Order(1)
    void everyAnswerKeepsTheContract() throws Exception {
        int first = ONLY_SAMPLE == null ? 0 : ONLY_SAMPLE;
        int end = ONLY_SAMPLE == null ? REQUESTS : ONLY_SAMPLE + 1;
        // Requests that change nothing go out from CLIENTS threads at once; one that may change what later answers
        // say (an authenticated mutation: a tag made or deleted) waits for every request before it and goes out
        // alone, so every answer is the one a sequential run gets and the summary stays the same from run to run.
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        Map<Integer, String> found = new ConcurrentSkipListMap<>();
        List<Future<?>> inFlight = new ArrayList<>();
        try {
            for (int index = first; index < end && (SURVEY || found.isEmpty()); index++) {
                HostileRequest request = generator.sample(SEED, index);
                int sample = index;
                if (changesState(request)) {
                    awaitAll(inFlight);
                    check(sample, request, found);
                } else {
                    inFlight.add(clients.submit(() -> check(sample, request, found)));
                    if (inFlight.size() >= 4 * CLIENTS) {
                        inFlight.remove(0).get();
                    }
                }
                if ((index + 1) % 1_000 == 0) {
                    System.out.printf("[faults] %s: %d/%d requests sent, statuses %s, %d violations (%.1f s)%n", SCENARIO,
                            index + 1, REQUESTS, counts(byStatus), found.size(), (System.nanoTime() - started) / 1e9);
                }
            }
            awaitAll(inFlight);
        } finally {
            clients.shutdownNow();
        }
        violations.addAll(found.values());
        if (!SURVEY && !found.isEmpty()) {
            throw new AssertionError(found.values().iterator().next());
        }
        assertThat(violations).as("violations (survey)").isEmpty();
    }

    /** Sends sample {@code index} and records its violation, if any, under its index. */
    private static void check(int index, HostileRequest request, Map<Integer, String> found) {
        long sending = System.nanoTime();
        String violation = send(request);
        long millis = (System.nanoTime() - sending) / 1_000_000;
        if (millis >= 200) {
            slowest.add(String.format("%6d ms  sample %d  %s", millis, index, HostileRequest.printable(request.describe(), 160)));
        }
        if (violation != null) {
            found.put(index, violation + "\n    seed " + SEED + ", sample " + index + " (replay: -Dtickerlake.faults.http.seed="
                    + SEED + " -Dtickerlake.faults.http.sample=" + index + ")\n    request: " + request.describe());
        }
    }

    private static void awaitAll(List<Future<?>> inFlight) throws Exception {
        for (Future<?> request : inFlight) {
            request.get();
        }
        inFlight.clear();
    }

    /**
     * True when the request may change what later requests are answered: a mutation (tags, rollback, sync) that carries
     * the right credentials in any Authorization header. Refused mutations and reads change nothing.
     */
    private static boolean changesState(HostileRequest request) {
        String valid = b64(USER + ":" + PASSWORD);
        return request.mutation() && (request.auth() == Auth.VALID || request.headers().stream()
                .anyMatch(h -> h.name().equalsIgnoreCase("Authorization") && h.value().contains(valid)));
    }

    /** Sends one request and checks its answer: the violation with the answer, or null. */
    private static String send(HostileRequest request) {
        long start = System.nanoTime();
        RawHttp.Answer answer;
        try {
            answer = RawHttp.send(request.server() == HostileRequest.Server.API ? apiPort() : managementPort(), request.wire(),
                    request.head(), ANSWER_WITHIN_MILLIS);
        } catch (IOException e) {
            return "the request could not be sent or its answer read: " + e;
        } finally {
            sent.incrementAndGet();
            millisByCategory.computeIfAbsent(request.category(), c -> new AtomicLong())
                    .addAndGet((System.nanoTime() - start) / 1_000_000);
        }
        String status = answer.status() < 0 ? "none" : String.valueOf(answer.status());
        byStatus.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        byCategory.computeIfAbsent(request.category(), c -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        String problem = problem(request, answer);
        return problem == null ? null : problem + "\n    answer: " + answer.status() + " " + answer.headers() + " "
                + HostileRequest.printable(answer.text(), 400);
    }

    // ---- the defects the generator found, each guarded by a plain example ------------------------------------

    /** Query parameters were echoed as response headers; one with a control character failed the answer (500). */
    @Test
    @Order(2)
    void queryParametersAreNeverEchoedAndAControlCharacterInOneIsA400() throws Exception {
        RawHttp.Answer answer = api("GET", "/api/tables/upbit/trade/rows?limit=5&where=%00:KRW-BTC", null, null);
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("error").asText()).isEqualTo("invalid_where");
        RawHttp.Answer read = api("GET", "/api/tables/upbit/trade/rows?limit=1&where=market:KRW-BTC&snapshot=", null, null);
        assertThat(read.status()).as(read.text()).isEqualTo(200);
        assertThat(read.headers()).doesNotContainKeys("limit", "where", "snapshot", "db", "table");
    }

    /** Vert.x's own refusals (no such path, wrong method, body too large) answered empty, plain-text or HTML bodies. */
    @Test
    @Order(3)
    void refusalsOfTheHttpServersAreJsonProblems() throws Exception {
        String valid = "Basic " + b64(USER + ":" + PASSWORD);
        assertProblem(api("GET", "/api/nope", null, null), 404, "not_found");
        assertProblem(api("GET", "/api/sync/stop%00", null, null), 404, "not_found");
        assertProblem(api("PUT", "/api/tables", "{}", null), 405, "method_not_allowed");
        assertProblem(api("DELETE", "/api/tables/upbit/upbit", null, valid), 405, "method_not_allowed");
        assertProblem(api("POST", "/api/tables/upbit/trade/rollback", "{\"a\":\"" + "x".repeat(70_000) + "\"}", valid), 413,
                "body_too_large");
        assertProblem(management("GET", "/observe/health/nope", null), 404, "not_found");
        assertProblem(management("GET", "/observe/jolokia/version", null), 401, "unauthorized");
        assertProblem(management("GET", "/observe/jolokia/version", "Basic !!!"), 400, "bad_request");
        assertProblem(management("GET", "/observe/jolokia/version", "Basic " + b64(MANAGEMENT_USER + ":nope")), 401,
                "unauthorized");
        RawHttp.Answer allowed = management("GET", "/observe/jolokia/version",
                "Basic " + b64(MANAGEMENT_USER + ":" + MANAGEMENT_PASSWORD));
        assertThat(allowed.status()).as(allowed.text()).isEqualTo(200);
    }

    /** PUT, PATCH and DELETE (or POST) where the admin API does not serve them answered 405 without credentials. */
    @Test
    @Order(4)
    void everyMutatingMethodOnAMutatingPathNeedsCredentialsFirst() throws Exception {
        String valid = "Basic " + b64(USER + ":" + PASSWORD);
        for (String[] call : List.of(new String[] {"PUT", "/api/tables/upbit/ticker/tags"},
                new String[] {"PATCH", "/api/tables/upbit/ticker/rollback"}, new String[] {"DELETE", "/api/sync/stop"},
                new String[] {"PUT", "/api/sync/start"}, new String[] {"POST", "/api/tables/upbit/ticker/tags/x"},
                new String[] {"DELETE", "/api/tables/upbit/ticker/tags"})) {
            assertProblem(api(call[0], call[1], "{}", null), 401, "unauthorized");
            assertProblem(api(call[0], call[1], "{}", "Basic " + b64(USER + ":wrong")), 401, "unauthorized");
            assertProblem(api(call[0], call[1], "{}", valid), 405, "method_not_allowed");
        }
    }

    /**
     * A multipart Content-Type on a GET failed in Vert.x's body handler (500 "Request method must be one of POST, PUT,
     * PATCH or DELETE to decode a multipart request"); a multipart POST must not leave an upload anywhere.
     */
    @Test
    @Order(5)
    void aMultipartBodyIsA415AndLeavesNoFileBehind() throws Exception {
        Path uploads = Path.of("file-uploads").toAbsolutePath();
        boolean existedBefore = Files.exists(uploads);
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + MARKER + ".txt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nuploaded\r\n--XyZ--\r\n";
        for (String method : List.of("GET", "POST")) {
            RawHttp.Answer answer = RawHttp.send(apiPort(), request(method, method.equals("GET")
                    ? "/api/tables/upbit/ticker/rows?limit=1" : "/api/tables/upbit/ticker/tags", body.getBytes(
                    StandardCharsets.UTF_8), "Basic " + b64(USER + ":" + PASSWORD), "multipart/form-data; boundary=XyZ"),
                    false, 60_000);
            assertProblem(answer, 415, "unsupported_media_type");
        }
        assertThat(uploads).as("the upload directory").matches(path -> existedBefore || !Files.exists(path));
    }

    /**
     * An invalid percent-encoding in the path ({@code %} or {@code %zz}: Vert.x's router cannot normalise it) answered
     * 400 text/plain "Bad Request" on the management port; on the admin API it must be the same JSON problem, and a
     * mutating call there still needs credentials first.
     */
    @Test
    @Order(6)
    void anInvalidPercentEncodingInThePathIsAJsonProblemOnBothServers() throws Exception {
        String managementAuth = "Basic " + b64(MANAGEMENT_USER + ":" + MANAGEMENT_PASSWORD);
        for (String target : List.of("/observe/health/%", "/observe/health/%zz", "/observe/jolokia/read/%zz",
                "/observe/jolokia/read/%")) {
            assertProblem(management("GET", target, managementAuth), 400, "bad_request");
            assertProblem(management("GET", target, null), 400, "bad_request");
        }
        String valid = "Basic " + b64(USER + ":" + PASSWORD);
        for (String target : List.of("/api/tables/%", "/api/tables/upbit/%zz/rows", "/api/sync/%", "/api/%zz")) {
            assertProblem(api("GET", target, null, null), 400, "bad_request");
            assertProblem(api("GET", target, null, valid), 400, "bad_request");
        }
        assertProblem(api("POST", "/api/tables/upbit/ticker/tags/%zz", "{}", null), 401, "unauthorized");
        assertProblem(api("DELETE", "/api/tables/upbit/%/tags/x", null, null), 401, "unauthorized");
        assertProblem(api("POST", "/api/tables/upbit/ticker/tags/%zz", "{}", valid), 400, "bad_request");
    }

    /**
     * A form Content-Type with a body on a GET failed in Vert.x's body handler (500 "Request method must be one of POST,
     * PUT, PATCH or DELETE to decode a multipart request"; found at seed 20261207, sample 1103): a 415 on both servers.
     */
    @Test
    @Order(7)
    void aFormBodyOnAGetIsA415OnBothServers() throws Exception {
        byte[] form = "a=b".getBytes(StandardCharsets.UTF_8);
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=XyZ")) {
            assertProblem(RawHttp.send(apiPort(), request("GET", "/api/tables/upbit/ticker/rows?limit=1", form, null, type),
                    false, 60_000), 415, "unsupported_media_type");
            assertProblem(RawHttp.send(managementPort(), request("GET", "/observe/health", form,
                    "Basic " + b64(MANAGEMENT_USER + ":" + MANAGEMENT_PASSWORD), type), false, 60_000), 415,
                    "unsupported_media_type");
        }
    }

    /**
     * Jolokia failed malformed POST bodies with a 500 (found by the full run: {@code {}, {@code [}, {@code {"type":[1]}},
     * nesting 31-400 KB deep): each is a 400 JSON problem with its reason, and a valid request keeps Jolokia's answer.
     */
    @Test
    @Order(8)
    void aMalformedJolokiaPostBodyIsA400AndAValidOneKeepsJolokiasAnswer() throws Exception {
        String auth = "Basic " + b64(MANAGEMENT_USER + ":" + MANAGEMENT_PASSWORD);
        for (String body : List.of("{", "[", "[[[[", "{\"type\":[1]}", "{\"type\":null}", "{\"type\":{}}", "{}", "[]", "null",
                "\"x\"", "42", "[{\"type\":\"version\"},1]", "[{\"type\":\"version\"},{}]", "{\"type\":\"version\"} x",
                "[".repeat(40_000) + "]".repeat(40_000), "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000),
                "{\"type\":\"read\",\"mbean\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}")) {
            RawHttp.Answer answer = jolokiaPost(body, auth);
            assertThat(answer.status()).as(HostileRequest.printable(body, 60) + " -> " + answer.text()).isEqualTo(400);
            assertThat(answer.header("Content-Type")).as(answer.text()).startsWith("application/json");
            JsonNode problem = JSON.readTree(answer.body());
            assertThat(problem.path("error").asText()).as(answer.text()).isEqualTo("bad request");
            assertThat(problem.path("detail").asText()).as(answer.text()).isNotBlank();
        }
        RawHttp.Answer version = jolokiaPost("{\"type\":\"version\"}", auth);
        assertThat(version.status()).as(version.text()).isEqualTo(200);
        assertThat(JSON.readTree(version.body()).path("status").asInt()).as(version.text()).isEqualTo(200);
        RawHttp.Answer bulk = jolokiaPost("[{\"type\":\"version\"},{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\","
                + "\"attribute\":\"Uptime\"}]", auth);
        assertThat(bulk.status()).as(bulk.text()).isEqualTo(200);
        assertThat(JSON.readTree(bulk.body())).as(bulk.text()).hasSize(2);
        assertThat(JSON.readTree(bulk.body()).get(0).path("status").asInt()).as(bulk.text()).isEqualTo(200);
    }

    /**
     * An {@code Upgrade: h2c} request on the admin API was left without an answer (found by the full run): Vert.x
     * attempted the upgrade, and with two Connection headers it answered an empty 400 without Content-Length and kept
     * the connection open. The servers speak HTTP/1.1 only: the upgrade is ignored and the request answered as any other.
     */
    @Test
    @Order(9)
    void anH2cUpgradeIsIgnoredAndTheRequestAnsweredOverHttp11() throws Exception {
        List<HostileRequest.Header> generated = List.of(new HostileRequest.Header("Connection", "keep-alive, Upgrade"),
                new HostileRequest.Header("Upgrade", "h2c"), new HostileRequest.Header("HTTP2-Settings", "AAMAAABkAAQAAP__"));
        List<HostileRequest.Header> curl = List.of(new HostileRequest.Header("Upgrade", "h2c"),
                new HostileRequest.Header("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"));
        RawHttp.Answer read = RawHttp.send(apiPort(), request("GET", "/api/tables", new byte[0], null, null, true, generated),
                false, 10_000);
        assertThat(read.status()).as(read.headers() + " " + read.text()).isEqualTo(200);
        RawHttp.Answer upgrade = RawHttp.send(apiPort(), request("GET", "/api/tables", new byte[0], null, null, false,
                concat(curl, new HostileRequest.Header("Connection", "Upgrade, HTTP2-Settings"))), false, 10_000);
        assertThat(upgrade.status()).as(upgrade.headers() + " " + upgrade.text()).isEqualTo(200);
        byte[] body = "{\"tag\":\"nope\",\"dryRun\":true}".getBytes(StandardCharsets.UTF_8);
        assertProblem(RawHttp.send(apiPort(), request("POST", "/api/sync/stop", body, null, "application/json", true,
                generated), false, 10_000), 401, "unauthorized");
        assertProblem(RawHttp.send(apiPort(), request("POST", "/api/tables/upbit/trade/rollback", body, null,
                "application/json", false, concat(curl, new HostileRequest.Header("Connection", "Upgrade, HTTP2-Settings"))),
                false, 10_000), 401, "unauthorized");
        RawHttp.Answer health = RawHttp.send(managementPort(), request("GET", "/observe/health", new byte[0], null, null,
                false, concat(curl, new HostileRequest.Header("Connection", "Upgrade, HTTP2-Settings"))), false, 10_000);
        assertThat(health.status()).as(health.headers() + " " + health.text()).isEqualTo(200);
    }

    /** {@code Expect: nonsense} on a request whose body is read was a plain-text 417 (found by the full run). */
    @Test
    @Order(10)
    void anUnknownExpectationIsAJson417() throws Exception {
        byte[] body = "{\"tag\":\"nope\",\"dryRun\":true}".getBytes(StandardCharsets.UTF_8);
        String valid = "Basic " + b64(USER + ":" + PASSWORD);
        for (String target : List.of("/api/tables/upbit/trade/tags", "/api/tables/upbit/trade/rollback")) {
            assertProblem(RawHttp.send(apiPort(), request("POST", target, body, valid, "application/json", true,
                    List.of(new HostileRequest.Header("Expect", "nonsense"))), false, 10_000), 417, "expectation_failed");
        }
    }

    /**
     * An unauthenticated mutation with a malformed {@code Host} (found by the full run: {@code [::1} twice, a port over
     * 65535, an empty one) was a 400, not a 401: refusing it must not depend on the Host header.
     */
    @Test
    @Order(11)
    void anUnauthenticatedMutationIsA401WhateverItsHostHeader() throws Exception {
        byte[] body = "{\"tag\":\"nope\",\"dryRun\":true}".getBytes(StandardCharsets.UTF_8);
        for (List<HostileRequest.Header> host : List.<List<HostileRequest.Header>>of(
                List.of(new HostileRequest.Header("Host", "[::1"), new HostileRequest.Header("Host", "x")),
                List.of(new HostileRequest.Header("Host", "127.0.0.1:99999")), List.of(new HostileRequest.Header("Host", "")),
                List.of(new HostileRequest.Header("Host", "\u00e9v\u00efl.example")),
                List.of(new HostileRequest.Header("Host", "evil.example")), List.of())) {
            for (String target : List.of("/api/sync/stop", "/api/tables/upbit/trade/rollback")) {
                for (String authorization : java.util.Arrays.asList(null, "Basic", "Basic " + b64("admin:admin"))) {
                    RawHttp.Answer answer = RawHttp.send(apiPort(), request("POST", target, body, authorization,
                            "application/json", true, host, false), false, 10_000);
                    assertThat(answer.status()).as(host + " " + target + " " + authorization + ": " + answer.headers() + " "
                            + answer.text()).isEqualTo(401);
                    assertProblem(answer, 401, "unauthorized");
                }
            }
        }
    }

    private static RawHttp.Answer jolokiaPost(String body, String authorization) throws IOException {
        return RawHttp.send(managementPort(), request("POST", "/observe/jolokia", body.getBytes(StandardCharsets.UTF_8),
                authorization, "application/json"), false, 60_000);
    }

    private static List<HostileRequest.Header> concat(List<HostileRequest.Header> headers, HostileRequest.Header more) {
        List<HostileRequest.Header> all = new ArrayList<>(headers);
        all.add(more);
        return all;
    }

    private static void assertProblem(RawHttp.Answer answer, int status, String error) throws IOException {
        assertThat(answer.status()).as(answer.headers() + " " + answer.text()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).as(answer.headers() + " " + answer.text()).startsWith("application/json");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("error").asText()).as(answer.text()).isEqualTo(error);
        assertThat(body.path("detail").asText()).as(answer.text()).isNotBlank();
    }

    private static RawHttp.Answer api(String method, String target, String body, String authorization) throws IOException {
        return RawHttp.send(apiPort(), request(method, target, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                authorization, "application/json"), method.equals("HEAD"), 60_000);
    }

    private static RawHttp.Answer management(String method, String target, String authorization) throws IOException {
        return RawHttp.send(Integer.parseInt(app.property("camel.management.port")),
                request(method, target, new byte[0], authorization, null), false, 60_000);
    }

    private static byte[] request(String method, String target, byte[] body, String authorization, String contentType) {
        return request(method, target, body, authorization, contentType, true, List.of());
    }

    /** A request with {@code Connection: close} first when {@code close}, then {@code extra} headers. */
    private static byte[] request(String method, String target, byte[] body, String authorization, String contentType,
                                  boolean close, List<HostileRequest.Header> extra) {
        return request(method, target, body, authorization, contentType, close, extra, true);
    }

    /** As above; {@code host}: a {@code Host: 127.0.0.1} first (else the Host headers, if any, are in {@code extra}). */
    private static byte[] request(String method, String target, byte[] body, String authorization, String contentType,
                                  boolean close, List<HostileRequest.Header> extra, boolean host) {
        List<HostileRequest.Header> headers = new ArrayList<>();
        if (host) {
            headers.add(new HostileRequest.Header("Host", "127.0.0.1"));
        }
        if (close) {
            headers.add(new HostileRequest.Header("Connection", "close"));
        }
        headers.add(new HostileRequest.Header("Content-Length", String.valueOf(body.length)));
        if (contentType != null && body.length > 0) {
            headers.add(new HostileRequest.Header("Content-Type", contentType));
        }
        if (authorization != null) {
            headers.add(new HostileRequest.Header("Authorization", authorization));
        }
        headers.addAll(extra);
        return new HostileRequest("example", HostileRequest.Server.API, method, target, headers, body, Auth.NONE, false).wire();
    }

    private static int apiPort() {
        return Integer.parseInt(app.property("camel.server.port"));
    }

    private static int managementPort() {
        return Integer.parseInt(app.property("camel.management.port"));
    }

    /** What is wrong with this answer to this request, or null. */
    static String problem(HostileRequest request, RawHttp.Answer answer) {
        String all = answer.headers() + " " + answer.text();
        for (String secret : List.of(PASSWORD, MANAGEMENT_PASSWORD, b64(USER + ":" + PASSWORD),
                b64(MANAGEMENT_USER + ":" + MANAGEMENT_PASSWORD))) {
            if (all.contains(secret)) {
                return "a secret in the answer";
            }
        }
        if (answer.status() < 0) {
            return request.brokenFraming() ? null : "no answer (connection closed)";
        }
        if (answer.status() >= 500) {
            return "5xx";
        }
        boolean decoderRefusal = request.mayBeRefusedByDecoder() && List.of(400, 414, 431).contains(answer.status())
                && answer.body().length == 0;
        if (decoderRefusal) {
            decoderRefusals.incrementAndGet();
        }
        if (request.mutation() && request.auth() != Auth.VALID) {
            if (answer.status() / 100 == 2 || answer.status() / 100 == 3) {
                return "an unauthenticated mutation succeeded";
            }
            if (answer.status() != 401 && !decoderRefusal) {
                return "an unauthenticated mutation answered " + answer.status() + ", not 401";
            }
        }
        if (answer.status() >= 400 && !request.head() && !decoderRefusal) {
            String type = answer.header("Content-Type");
            if (type == null || !type.toLowerCase().startsWith("application/json")) {
                return answer.status() + " without a JSON Content-Type";
            }
            JsonNode body;
            try {
                body = JSON.readTree(answer.body());
            } catch (IOException e) {
                return answer.status() + " whose body is not JSON";
            }
            if (body == null || !body.isObject() || !body.path("error").isTextual() || body.path("error").asText().isBlank()) {
                return answer.status() + " without a non-empty \"error\"";
            }
            if (request.server() == HostileRequest.Server.API && !body.path("detail").isTextual()) {
                return answer.status() + " without the admin API's \"detail\"";
            }
        }
        return null;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (root != null) {
                try (Stream<Path> paths = Files.walk(root)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /**
     * After the requests and the examples: nothing outside the pipeline's areas touched, the same sync job still
     * running, the tables still answering. Records the scenario's result first, so a failing run is in the table too.
     */
    @Test
    @Order(100)
    void nothingOutsideTheLakeChangedAndTheSyncJobRanThroughout() throws Exception {
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, FileTree> after = trees();
        List<String> outside = new ArrayList<>();
        Map<String, Integer> inside = new TreeMap<>();
        for (Map.Entry<String, FileTree> tree : after.entrySet()) {
            for (String change : tree.getValue().changes(before.get(tree.getKey()))) {
                String area = area(tree.getKey(), FileTree.path(change));
                if (area == null) {
                    outside.add(tree.getKey() + ": " + change);
                    System.out.println("[faults] " + SCENARIO + ": touched outside the pipeline's areas: " + tree.getKey()
                            + ": " + change);
                } else {
                    inside.merge(area, 1, Integer::sum);
                }
            }
        }
        // Anything named after the generated names, anywhere in the temp directory (where Vert.x, Flink, Kafka write).
        try (Stream<Path> tmp = Files.walk(Path.of(System.getProperty("java.io.tmpdir")), 3)) {
            tmp.filter(path -> !path.startsWith(root) && path.getFileName() != null
                    && path.getFileName().toString().contains(MARKER)).forEach(path -> outside.add("tmp: + " + path));
        } catch (IOException | java.io.UncheckedIOException e) {
            System.out.println("[faults] " + SCENARIO + ": the temp directory could not be searched fully: " + e);
        }
        System.out.printf("[faults] %s: file changes inside the pipeline's areas %s, outside %d%n", SCENARIO, inside,
                outside.size());
        // The job ran throughout: same job, still running, never restarted; the tables still answer.
        JsonNode sync = sync();
        var rows = app.api("/api/tables/upbit/trade/rows?limit=1");
        long frames = metric("tickerlake_source_frames_total{source=\"synthetic\"}");

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("seed", SEED);
        details.put("requests", sent.get());
        details.put("statuses", counts(byStatus));
        Map<String, Object> categories = new TreeMap<>();
        byCategory.forEach((category, statuses) -> categories.put(category, counts(statuses)));
        details.put("categories", categories);
        details.put("violations", violations.size());
        details.put("decoderRefusals", decoderRefusals.get());
        details.put("pathsTouchedOutside", outside.size());
        details.put("fileChangesInside", inside);
        details.put("syncJob", sync.path("state").asText() + (jobId.equals(sync.path("jobId").asText()) ? " (same job)" : " (another job)"));
        for (String category : HostileRequests.CATEGORIES) {
            System.out.printf("[faults] %s: %-10s %s (%d ms)%n", SCENARIO, category, categories.getOrDefault(category, Map.of()),
                    millisByCategory.getOrDefault(category, new AtomicLong()).get());
        }
        System.out.printf("[faults] %s: %d requests, statuses %s (%d of them empty refusals by the HTTP decoder), "
                + "%d violations, %d paths touched outside, sync job %s, %d frames fed, %.1f s%n", SCENARIO, sent.get(),
                counts(byStatus), decoderRefusals.get(), violations.size(), outside.size(), details.get("syncJob"), frames,
                seconds);
        violations.stream().limit(40).forEach(v -> System.out.println("[faults] violation: " + v));
        System.out.printf("[faults] %s: %d answers took 200 ms or more (%d ms in all), from %d client threads; the slowest:%n",
                SCENARIO, slowest.size(), slowest.stream().mapToLong(s -> Long.parseLong(s.trim().split(" ")[0])).sum(),
                CLIENTS);
        slowest.stream().sorted(Comparator.reverseOrder()).limit(15)
                .forEach(s -> System.out.println("[faults] " + SCENARIO + ": slow: " + s));
        FaultReport.record(new ScenarioResult(SCENARIO, sent.get(), frames, 0, 0, 0, 0, 0, 0.0, details));

        assertThat(violations).as("violations").isEmpty();
        assertThat(outside).as("paths outside the warehouse touched").isEmpty();
        assertThat(sync.path("state").asText()).isEqualTo("RUNNING");
        assertThat(sync.path("jobId").asText()).as("the sync job was never stopped").isEqualTo(jobId);
        assertThat(metric("tickerlake_sync_job_restarts")).isZero();
        assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
        assertThat(sent.get()).as("requests sent").isGreaterThanOrEqualTo(ONLY_SAMPLE == null ? REQUESTS : 1);
    }

    /** The trees compared: the data directory, the rest of the test's temp root, and the working directory. */
    private static Map<String, FileTree> trees() {
        Map<String, FileTree> trees = new LinkedHashMap<>();
        trees.put("data", FileTree.of(dataDir, name -> false));
        trees.put("temp root", FileTree.of(root, name -> name.equals("data/")));
        trees.put("working dir", FileTree.of(Path.of("").toAbsolutePath(),
                name -> name.equals("target/") || name.equals(".git/")));
        return trees;
    }

    /**
     * The area of the data directory a change belongs to when the running pipeline writes there, else null. Allowed:
     * {@code kafka/} (the embedded broker: the feed and the CDC route append to their topics, the sync job commits
     * offsets), {@code s3/paimon/warehouse/} (the tables: every checkpoint commits snapshots, manifests, data and
     * changelog files; authenticated tag calls add and remove tags there), {@code s3/checkpoints/} (the sync job's
     * Flink checkpoints, made and expired every interval) and {@code paimon-sync/flink-tmp/} (Flink's io.tmp.dirs: the
     * running job's spill directories, made and removed as it writes). Nothing else: not the restore pointer (written
     * only when a job is launched or stops with a savepoint, so a change means the job was stopped or restarted), not
     * Flink's plugin directory, not the other buckets, not the test's temp root (the users file, the file traversal
     * attempts aim at), not the working directory (where Vert.x's body handler would put uploads).
     */
    static String area(String tree, String path) {
        if (!tree.equals("data")) {
            return null;
        }
        for (String area : List.of("kafka/", "s3/paimon/warehouse/", "s3/checkpoints/", "paimon-sync/flink-tmp/")) {
            if (path.startsWith(area)) {
                return area;
            }
        }
        return null;
    }

    private static JsonNode sync() throws Exception {
        return JSON.readTree(app.api("/api/sync").body());
    }

    private static long metric(String name) throws Exception {
        return app.management("/observe/metrics").body().lines().filter(line -> line.startsWith(name + " "))
                .findFirst().map(line -> (long) Double.parseDouble(line.substring(name.length() + 1).trim())).orElse(-1L);
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> counters) {
        Map<String, Integer> counts = new TreeMap<>();
        counters.forEach((key, value) -> counts.put(key, value.get()));
        return counts;
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
