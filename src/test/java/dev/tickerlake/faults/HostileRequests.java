package dev.tickerlake.faults;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.tickerlake.faults.HostileRequest.Auth;
import dev.tickerlake.faults.HostileRequest.Header;
import dev.tickerlake.faults.HostileRequest.Server;

/**
 * Seeded generator of hostile requests against the admin API and the management port of one tickerlake, one category
 * each (names, params, where, tags, bodies, methods, encodings, headers, auth, management). Each category varies one
 * thing hard and keeps the rest plausible, so that a failure names its cause; valid requests are mixed in everywhere so
 * that the code behind the validation runs too. Names the generator makes (tags, tables) carry {@code marker}, so the
 * file-tree check can search for them anywhere.
 *
 * <p>Sample {@code i} of seed {@code s} is drawn from its own {@link SplittableRandom}: {@code sample(s, i)} gives the
 * same request every time (ports and passwords aside), so one failing sample can be replayed alone.
 */
final class HostileRequests {

    static final List<String> CATEGORIES = List.of("names", "params", "where", "tags", "bodies", "methods", "encodings",
            "headers", "auth", "management");
    static final List<String> TABLES = List.of("ticker", "trade", "orderbook");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE");
    /** For {@link #string(int, int, String)}: any char U+0000..U+FFFF (unpaired surrogates included). */
    private static final String ALL_CHARS = null;
    private static final String LOWER_DIGITS_UNDERSCORE = "abcdefghijklmnopqrstuvwxyz0123456789_";
    private static final String ASCII = IntStream.range(0, 128).mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining());

    private final int apiPort;
    private final int managementPort;
    private final String user;
    private final String password;
    private final String managementUser;
    private final String managementPassword;
    private final String marker;
    private SplittableRandom random = new SplittableRandom(0);

    HostileRequests(int apiPort, int managementPort, String user, String password, String managementUser,
                    String managementPassword, String marker) {
        this.apiPort = apiPort;
        this.managementPort = managementPort;
        this.user = user;
        this.password = password;
        this.managementUser = managementUser;
        this.managementPassword = managementPassword;
        this.marker = marker;
    }

    /** Sample {@code index} of the run with this seed: every category equally often. */
    HostileRequest sample(long seed, int index) {
        random = new SplittableRandom(seed * 1_000_003L + index).split();
        return oneOf(this::names, this::params, this::where, this::tags, this::bodies, this::methods, this::encodings,
                this::headers, this::auth, this::management);
    }

    // ---- the generator's few primitives ----------------------------------------------------------------------

    /** A choice with its weight, for {@link #frequency}. */
    record Weighted<T>(int weight, Supplier<? extends T> choice) {
    }

    static <T> Weighted<T> w(int weight, Supplier<? extends T> choice) {
        return new Weighted<>(weight, choice);
    }

    /** One of the choices, each as often as its weight says. */
    @SafeVarargs
    final <T> T frequency(Weighted<? extends T>... choices) {
        int total = 0;
        for (Weighted<? extends T> choice : choices) {
            total += choice.weight();
        }
        int at = random.nextInt(total);
        for (Weighted<? extends T> choice : choices) {
            at -= choice.weight();
            if (at < 0) {
                return choice.choice().get();
            }
        }
        throw new AssertionError();
    }

    /** One of the suppliers, equally often. */
    @SafeVarargs
    final <T> T oneOf(Supplier<? extends T>... choices) {
        return choices[random.nextInt(choices.length)].get();
    }

    @SafeVarargs
    final <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** An int in [min, max]; the bounds themselves more often than the rest (edges find bugs). */
    int integer(int min, int max) {
        int edge = random.nextInt(10);
        return edge == 0 ? min : edge == 1 ? max : random.nextInt(min, max + 1);
    }

    /** Any long; 0, ±1, MIN and MAX more often. */
    long anyLong() {
        return random.nextInt(8) == 0 ? pick(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE) : random.nextLong();
    }

    /** A string of length [min, max] of characters from {@code alphabet} (null: any char U+0000..U+FFFF). */
    String string(int min, int max, String alphabet) {
        int length = integer(min, max);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet == null ? (char) random.nextInt(0x10000) : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** A string of length [min, max] of characters in [from, to]. */
    String string(int min, int max, char from, char to) {
        int length = integer(min, max);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(from, to + 1));
        }
        return text.toString();
    }

    byte[] bytes(int maxSize) {
        byte[] bytes = new byte[integer(0, maxSize)];
        random.nextBytes(bytes);
        return bytes;
    }

    <T> List<T> list(int min, int max, Supplier<T> element) {
        return IntStream.range(0, integer(min, max)).mapToObj(i -> element.get()).toList();
    }

    // ---- building blocks -------------------------------------------------------------------------------------

    /** Database/table/tag names: valid, unknown, unicode, traversal, encoded slashes, very long, empty, odd bytes. */
    String name() {
        return frequency(
                w(4, () -> pick("upbit", "ticker", "trade", "orderbook", "nope", marker)),
                w(2, () -> string(1, 70, LOWER_DIGITS_UNDERSCORE)),
                w(2, () -> string(1, 12, '\u00a0', '\ud7ff')),
                w(3, () -> pick("..", "%2e%2e", ".%2e", "..%2f..%2f..%2f" + marker, "..%2F..%2Foutside",
                        "%2e%2e%2f%2e%2e%2f" + marker, "..%5c..%5c" + marker, "..\\..\\" + marker, "%2f", "%2F" + marker,
                        "a%2fb", "%00", marker + "%00.json", "%ff%fe", "%c0%ae%c0%ae%c0%af", "%", "%zz", "%u002e",
                        "\udcff\udcfe", "\udcc0\udcae", "~root", "${jndi:ldap://127.0.0.1/x}", "{{tickerlake.admin.users}}",
                        "%7B%7Btickerlake.admin.users%7D%7D", "UPBIT", "Ticker", "tick er", "tick%20er", "tick+er",
                        "tag;drop", "'or'1'='1", "*", "%2a", "CON", "aux.txt", "-1", "0", "9223372036854775808")),
                w(1, () -> "a".repeat(integer(65, 20_000))),
                w(1, () -> percentEncode(string(0, 20, ALL_CHARS))));
    }

    /** Snapshot ids, limits and epoch timestamps: valid, negative, huge, non-numeric, ISO garbage. */
    String number() {
        return frequency(
                w(3, () -> String.valueOf(integer(-5, 50))),
                w(2, () -> String.valueOf(anyLong())),
                w(2, () -> pick("", "%20", "+1", "-0", "1e3", "0x10", "1.5", "NaN", "Infinity", "%EF%BC%95",
                        "99999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                        "00000000000000000000001", "1%00", "1;2", "1,2", "null", "true", "[1]", "%7B%7D", "five",
                        "1" + "0".repeat(400))),
                w(2, () -> string(1, 1, "123456789") + string(18, 40, "0123456789")),
                w(2, () -> percentEncode(string(0, 24, ASCII))));
    }

    /** Timestamps: epoch ms, ISO-8601 valid and garbage, extremes. */
    String timestamp() {
        return frequency(
                w(3, this::number),
                w(3, () -> pick("2026-12-07T00:00:00Z", "2026-12-07", "2026-12-07T09:00:00%2B09:00",
                        "2026-12-07T09:00:00+09:00", "2026-12-07 09:00:00", "2026-13-45T99:99:99Z", "2026-02-30",
                        "2026-12-07T00:00:00+25:00", "%2B999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
                        "%2B1000000-01-01T00:00:00Z", "-290308-12-21T19:59:05.225Z", "%2B292278994-08-17T07:12:55.807Z",
                        "9999-12-31T23:59:59.999999999Z", "0000-01-01", "T", "Z", "2026-12-07T", "--", "now", "yesterday",
                        "1970-01-01T00:00:00Z", "2026-12-07T00:00:00.123456789012Z", "2026-W49-1", "2026-341",
                        "2026-12-07T00:00:00[Europe/Paris]", "2026-12-07T00:00:00%2B01:00[Asia/Seoul]")),
                w(1, () -> percentEncode(string(0, 30, "0123456789-:TZ+. "))));
    }

    /** {@code where} values: valid conditions on real columns, wrong types, unknown columns, no colon, unicode. */
    String whereCondition() {
        return frequency(
                w(6, () -> pick("market", "dt", "price", "trade_price", "sequential_id", "timestamp", "trade_timestamp",
                        "change_rate", "symbol", "ask_price_1", "nope", "", "MARKET", "market ", "%00") + ":" + frequency(
                        w(3, () -> pick("KRW-BTC", "KRW-ETH", "2026-12-07", "2026-12-08", "1", "0", "-1")),
                        w(2, this::number),
                        w(2, this::timestamp),
                        w(1, () -> pick("1e400", "-1e400", "4.9e-325", "1E%2B999999999", "1e-999999999", "%3A%3A", "a:b:c",
                                "true", "\u00e9\u00e8", "%F0%9F%98%80", "%ff", "")))),
                w(1, () -> pick("", "market", ":", ":KRW-BTC", "%3A", "market%3AKRW-BTC", "market:KRW-BTC%00")),
                w(1, () -> percentEncode(string(0, 30, ALL_CHARS))));
    }

    /** JSON bodies: valid, malformed, deeply nested, huge, wrong types, nulls, duplicate keys, trailing content. */
    byte[] jsonBody() {
        Supplier<String> member = () -> "\"" + pick("name", "snapshot", "tag", "dryRun", "dryrun", "", "__proto__", "name\u0000")
                + "\":" + pick("null", "true", "false", "0", "-1", "1", "3", "1e308", "-1e309", "1.5",
                "99999999999999999999999", "\"1\"", "\"\"", "\"" + marker + "\"", "\"h_" + marker + "\"", "\"..\\/..\\/x\"",
                "\"\\u0000\"", "\"\\ud800\"", "[]", "{}", "[1,2]", "{\"a\":1}", "\"true\"", "NaN", "Infinity", "'single'",
                "\"" + "x".repeat(5000) + "\"", "1" + "0".repeat(1200));
        String text = frequency(
                w(4, () -> "{" + String.join(",", list(0, 4, member)) + "}"),
                w(2, () -> pick("{\"name\":\"h_" + marker + "\"}", "{\"snapshot\":1,\"dryRun\":true}",
                        "{\"tag\":\"nope\",\"dryRun\":true}", "{\"snapshot\":1}", "{\"name\":\"a\",\"name\":\"b\"}",
                        "{\"dryRun\":true,\"snapshot\":1} trailing", "{\"snapshot\":1}{\"snapshot\":2}", "", " ", "{",
                        "}", "[", "null", "[]", "\"text\"", "42", "{\"name\":}", "{name:\"x\"}", "{'name':'x'}",
                        "\ufeff{\"name\":\"x\"}", "{\"name\":\"x\"", "{\"a\":1,}", "/* c */ {}", "{\"name\":\"x\"}\u0000")),
                w(1, () -> {
                    int depth = integer(500, 200_000);
                    return "[".repeat(depth) + "]".repeat(depth);
                }),
                w(1, () -> {
                    int depth = integer(500, 50_000);
                    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                }),
                w(1, () -> "{\"name\":\"" + "x".repeat(integer(60_000, 300_000)) + "\"}"),
                w(1, () -> string(0, 200, ALL_CHARS)));
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A valid Authorization header, mostly; sometimes none, wrong or malformed. */
    Auth authKind(int validWeight) {
        return frequency(w(validWeight, () -> Auth.VALID), w(2, () -> Auth.NONE), w(1, () -> Auth.WRONG),
                w(1, () -> Auth.MALFORMED));
    }

    /** The Authorization header value for an auth kind (null: none), on the admin API or the management port. */
    String authorization(Auth kind, boolean management) {
        String u = management ? managementUser : user;
        String p = management ? managementPassword : password;
        return switch (kind) {
            case NONE -> null;
            case VALID -> pick(basic(u + ":" + p), "basic " + b64(u + ":" + p), "BASIC  " + b64(u + ":" + p));
            case WRONG -> pick(basic(u + ":" + p + "x"), basic(u + ":" + p.toUpperCase()), basic(u + ":"),
                    basic(":" + p), basic(u.toUpperCase() + ":" + p), basic("admin:admin"), basic(u + ":" + p.substring(1)),
                    basic(u + ":" + p + "\u0000"), basic(u + " :" + p), basic("nobody:" + p));
            case MALFORMED -> pick("Basic", "Basic ", "Basic !!!notbase64!!!", "Basic " + b64("nocolon"),
                    "Basic " + b64(u + ":" + p) + "====", "Bearer " + p.length(), "Digest username=\"" + u + "\"",
                    "Basic " + b64(u + ":" + p).substring(2), "Basic\u00a0" + b64(u + ":" + p), "Basic " + "A".repeat(6000),
                    "Basic " + b64("\u00ff\u00fe:\u00ff"), "Basic \udcff\udcfe", "Basic " + b64(u + ":" + p) + " extra",
                    "Negotiate " + "x".repeat(100), "Basic =", "Basic " + b64(":"));
        };
    }

    // ---- categories ------------------------------------------------------------------------------------------

    /** Table and database names in every path that takes them. */
    HostileRequest names() {
        String target = "/api/tables/" + name() + "/" + name() + pick("", "/", "/snapshots", "/rows", "/diff?from=1&to=2",
                "/tags", "/tags/" + marker, "/rollback");
        String method = pick("GET", "GET", "GET", "HEAD", "POST", "DELETE");
        Auth auth = authKind(2);
        return request("names", Server.API, method, target,
                method.equals("POST") ? "{\"name\":\"h_" + marker + "\",\"dryRun\":true}" : null, auth,
                authorization(auth, false), List.of());
    }

    /** Snapshot ids, limits, timestamps, before, from/to, tag selectors on the read endpoints. */
    HostileRequest params() {
        String table = pick(TABLES);
        String query = oneOf(
                () -> "/snapshots?limit=" + number(),
                () -> "/snapshots?limit=" + number() + "&before=" + number(),
                () -> "/rows?snapshot=" + number() + "&limit=" + number(),
                () -> "/rows?limit=3&timestamp=" + timestamp(),
                () -> "/rows?limit=3&tag=" + name(),
                () -> "/rows?snapshot=" + number() + "&timestamp=" + timestamp(),
                () -> "/diff?limit=5&from=" + number() + "&to=" + number(),
                () -> "/diff?limit=5&from=" + name() + "&to=" + number(),
                () -> "/diff?from=1&to=2&limit=" + number(),
                () -> pick("/rows?limit=1&limit=2", "/rows?snapshot=1&snapshot=2", "/rows?limit=", "/rows?=", "/rows?&&&",
                        "/rows?limit", "/snapshots?before", "/diff", "/diff?from=1", "/diff?to=1", "/rows?%zz=1",
                        "/rows?limit=3&" + "x=1&".repeat(2000), "/rows?limit=3#fragment", "/rows?snapshot=%00"));
        return request("params", Server.API, pick("GET", "GET", "GET", "HEAD"), "/api/tables/upbit/" + table + query, null,
                Auth.NONE, null, List.of());
    }

    /** where filters on rows and diff, single and repeated. */
    HostileRequest where() {
        String table = pick(TABLES);
        String conditions = frequency(
                w(8, () -> list(1, 4, () -> "where=" + queryValue(whereCondition())).stream().collect(Collectors.joining("&"))),
                w(1, () -> "where=market:KRW-BTC&".repeat(integer(50, 400)).replaceAll("&$", "")));
        String endpoint = pick("/rows?limit=5&", "/diff?from=1&to=2&limit=5&", "/rows?snapshot=1&");
        return request("where", Server.API, "GET", "/api/tables/upbit/" + table + endpoint + conditions, null, Auth.NONE,
                null, List.of());
    }

    /** Tag creation, listing and deletion with hostile names, authenticated or not. */
    HostileRequest tags() {
        String table = pick(TABLES);
        String tag = frequency(w(2, () -> "h_" + marker + "_" + string(1, 8, 'a', 'z')), w(3, this::name));
        String method = pick("POST", "POST", "DELETE", "GET");
        Auth auth = authKind(3);
        String header = authorization(auth, false);
        return switch (method) {
            case "POST" -> request("tags", Server.API, "POST", "/api/tables/upbit/" + table + "/tags",
                    "{\"name\":\"" + jsonEscape(tag) + "\"}", auth, header, List.of());
            case "DELETE" -> request("tags", Server.API, "DELETE", "/api/tables/upbit/" + table + "/tags/" + tag, null, auth,
                    header, List.of());
            default -> request("tags", Server.API, "GET", "/api/tables/upbit/" + table + "/tags?name=" + tag, null, auth,
                    header, List.of());
        };
    }

    /** JSON bodies on the mutating calls that take one (tags, rollback), mostly authenticated so the body is read. */
    HostileRequest bodies() {
        String target = "/api/tables/upbit/" + pick(TABLES) + pick("/tags", "/rollback");
        byte[] body = jsonBody();
        Auth auth = authKind(6);
        return request("bodies", Server.API, "POST", target, body, auth, authorization(auth, false), List.of());
    }

    /** Every method on every admin path (and a few that are no method at all). */
    HostileRequest methods() {
        String method = frequency(w(8, () -> pick(METHODS)),
                w(1, () -> pick("CONNECT", "PROPFIND", "FOO", "get", "Post", "M-SEARCH", "GET\u00e9", "PO ST", "")));
        String path = pick("/api/tables", "/api/tables/upbit/ticker", "/api/tables/upbit/ticker/snapshots",
                "/api/tables/upbit/ticker/rows?limit=1", "/api/tables/upbit/trade/diff?from=1&to=2",
                "/api/tables/upbit/ticker/tags", "/api/tables/upbit/ticker/tags/h_" + marker, "/api/tables/upbit/orderbook/rollback",
                "/api/sync", "/api/sync/stop", "/api/sync/start", "/api/sync/start?from=earliest", "/api", "/api/", "/",
                "/api/nope", "/api/tables/upbit", "/api/sync/", "/api/tables/upbit/ticker/tags/", "*",
                "/api/tables/upbit/ticker/../../sync/stop", "/api/tables/upbit/ticker/%2e%2e/%2e%2e/sync/start",
                "/api/./sync/stop", "//api/sync/stop", "/API/sync/stop", "/api/sync/stop;x=1", "/api/sync/stop%00",
                "/api/sync/stop/", "http://127.0.0.1/api/sync/stop", "/api/tables/upbit/ticker/rollback?dryRun=true");
        Auth auth = authKind(1);
        boolean withBody = random.nextBoolean();
        return request("methods", Server.API, method, path, withBody ? "{\"tag\":\"nope\",\"dryRun\":true}" : null, auth,
                authorization(auth, false), List.of());
    }

    /** Content-Types, charsets and content encodings that lie, and bodies that are not UTF-8. */
    HostileRequest encodings() {
        String table = pick(TABLES);
        String endpoint = pick("/tags", "/rollback", "/rows?limit=1");
        String type = pick("application/json", "application/json; charset=utf-8",
                "application/json; charset=utf-16", "application/json; charset=nope", "application/json; charset=",
                "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                "multipart/form-data; boundary=XyZ", "multipart/form-data; boundary=" + "b".repeat(500), "application/xml",
                "*/*", "", ";;;", "application/json\u00e9", "application/\udcff", "APPLICATION/JSON",
                "application/json; charset=utf-8; charset=latin1");
        String encoding = pick("", "", "gzip", "deflate", "br", "x-gzip, gzip", "identity", "compress", "zstd", "gzip\u00e9");
        byte[] body = oneOf(this::jsonBody,
                () -> pick(new byte[] {(byte) 0xff, (byte) 0xfe, '{', 0, '}', 0},
                        new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc3, '(', '"', '}'},
                        new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'},
                        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3},
                        multipart(marker)),
                () -> bytes(300));
        Auth auth = authKind(4);
        List<Header> extra = new ArrayList<>();
        if (!type.isEmpty()) {
            extra.add(new Header("Content-Type", type));
        }
        if (!encoding.isEmpty()) {
            extra.add(new Header("Content-Encoding", encoding));
        }
        String method = endpoint.startsWith("/rows") ? "GET" : "POST";
        return request("encodings", Server.API, method, "/api/tables/upbit/" + table + endpoint, body, auth,
                authorization(auth, false), extra);
    }

    /** Oversized, duplicated, odd and conflicting headers; framing that lies; a Host and Origin from elsewhere. */
    HostileRequest headers() {
        String path = frequency(
                w(6, () -> pick("/api/tables", "/api/tables/upbit/ticker/rows?limit=1", "/api/sync", "/api/sync/stop",
                        "/api/tables/upbit/trade/tags", "/api/tables/upbit/trade/rollback")),
                w(1, () -> "/api/tables/upbit/ticker/rows?where=market:" + "K".repeat(integer(2_000, 70_000))));
        List<Header> extra = oneOf(
                () -> List.of(new Header("X-Big", "v".repeat(integer(1_000, 70_000)))),
                () -> IntStream.range(0, integer(100, 3_000)).mapToObj(i -> new Header("X-H" + i, "v")).toList(),
                () -> pick(
                        List.of(new Header("Content-Type", "application/json"), new Header("Content-Type", "text/plain")),
                        List.of(new Header("Host", "evil.example")),
                        List.of(new Header("Host", "")),
                        List.of(new Header("Host", "127.0.0.1:99999")),
                        List.of(new Header("Host", "[::1"), new Header("Host", "x")),
                        List.of(new Header("Host", "\u00e9v\u00efl.example")),
                        List.of(new Header("Origin", "http://evil.example")),
                        List.of(new Header("Origin", "null")),
                        List.of(new Header("X-Forwarded-For", "10.0.0.1"), new Header("X-Forwarded-Host", "evil.example")),
                        List.of(new Header("X-HTTP-Method-Override", "DELETE")),
                        List.of(new Header("Expect", "100-continue")),
                        List.of(new Header("Expect", "nonsense")),
                        List.of(new Header("Connection", "keep-alive, Upgrade"), new Header("Upgrade", "h2c"),
                                new Header("HTTP2-Settings", "AAMAAABkAAQAAP__")),
                        List.of(new Header("Upgrade", "websocket"), new Header("Connection", "Upgrade")),
                        List.of(new Header("X-Bad\u00e9", "1")),
                        List.of(new Header("X-Bin", "\udcff\udcfe\udc80")),
                        List.of(new Header("Bad Name", "1")),
                        List.of(new Header("", "empty name")),
                        List.of(new Header("X-Colon", ":::")),
                        List.of(new Header("Range", "bytes=0-1")),
                        List.of(new Header("Accept", "application/xml")),
                        List.of(new Header("Accept-Encoding", "gzip;q=1, br, *")),
                        List.of(new Header("Cookie", "a=" + "b".repeat(4000))),
                        List.of(new Header("CamelHttpResponseCode", "500")),
                        List.of(new Header("CamelHttpPath", "/api/sync/stop")),
                        List.of(new Header("Authorization", basic(user + ":" + password + "x")),
                                new Header("Authorization", basic(user + ":" + password))),
                        List.of(new Header("Content-Length", "5"), new Header("Content-Length", "7")),
                        List.of(new Header("Content-Length", "-1")),
                        List.of(new Header("Content-Length", "abc")),
                        List.of(new Header("Transfer-Encoding", "chunked"), new Header("Content-Length", "3")),
                        List.of(new Header("Transfer-Encoding", "gzip, chunked")),
                        List.of(new Header("Transfer-Encoding", "nope"))));
        String method = pick("GET", "POST");
        Auth auth = authKind(1);
        return request("headers", Server.API, method, path, method.equals("POST") ? "{\"tag\":\"nope\",\"dryRun\":true}" : null,
                auth, authorization(auth, false), extra);
    }

    /** The mutating calls with every kind of credentials, well-formed bodies. */
    HostileRequest auth() {
        String[] call = pick(
                new String[] {"POST", "/api/tables/upbit/ticker/tags", "{\"name\":\"h_" + marker + "\"}"},
                new String[] {"DELETE", "/api/tables/upbit/ticker/tags/h_" + marker, null},
                new String[] {"POST", "/api/tables/upbit/trade/rollback", "{\"snapshot\":1,\"dryRun\":true}"},
                new String[] {"POST", "/api/tables/upbit/trade/rollback", "{\"snapshot\":1}"},
                new String[] {"POST", "/api/sync/stop", null},
                new String[] {"POST", "/api/sync/start", null},
                new String[] {"POST", "/api/sync/start?from=earliest", null},
                new String[] {"PUT", "/api/tables/upbit/ticker/tags", "{\"name\":\"h_" + marker + "\"}"},
                new String[] {"PATCH", "/api/tables/upbit/ticker/rollback", "{\"snapshot\":1}"},
                new String[] {"DELETE", "/api/sync/stop", null});
        Auth auth = pick(Auth.NONE, Auth.WRONG, Auth.MALFORMED, Auth.VALID);
        return request("auth", Server.API, call[0], call[1], call[2], auth, authorization(auth, false), List.of());
    }

    /** Health, metrics and Jolokia (GET paths and POST bodies), with and without management credentials. */
    HostileRequest management() {
        String sync = "dev.tickerlake:type=SyncJob,name=paimon-sync";
        boolean post = frequency(w(3, () -> false), w(2, () -> true));
        String get = post ? null : oneOf(
                () -> pick("/observe/health", "/observe/health/", "/observe/health/live", "/observe/health/ready",
                        "/observe/health/nope", "/observe/health?verbose=true", "/observe/health/../metrics",
                        "/observe/metrics", "/observe/metrics?name[]=jvm_memory_used_bytes", "/observe/metrics/x",
                        "/observe/jolokia", "/observe/jolokia/", "/observe/jolokia/version", "/observe/jolokia/list?maxDepth=1",
                        "/observe/jolokia/read/" + sync + "/State", "/observe/jolokia/read/java.lang:type=Runtime/InputArguments",
                        "/observe/jolokia/read/java.lang:type=Runtime/SystemProperties",
                        "/observe/jolokia/exec/" + sync + "/stopWithSavepoint()", "/observe/jolokia/exec/" + sync + "/start()",
                        "/observe/jolokia/write/java.lang:type=Memory/Verbose/true", "/observe/jolokia/search/*:*",
                        "/observe/jolokia/read/..%2f..%2f" + marker, "/observe/jolokia/read/%00", "/observe/jolokia/nope",
                        "/observe/jolokia/read/no-mbean-name", "/observe/jolokia/read/a:b=c/x/y/z/!/!/",
                        "/observe/jolokia/exec/java.lang:type=Memory/gc()", "/observe/jolokia/read?p=/version",
                        "/observe/jolokia/read/java.lang:type=Memory?mimeType=text/html&callback=alert"),
                () -> "/observe/jolokia/read/" + name(),
                () -> "/observe/health/" + name());
        String body = !post ? null : oneOf(
                () -> pick("{\"type\":\"version\"}", "{\"type\":\"read\",\"mbean\":\"" + sync + "\",\"attribute\":\"State\"}",
                        "{\"type\":\"exec\",\"mbean\":\"" + sync + "\",\"operation\":\"stopWithSavepoint()\"}",
                        "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=tickerlake,type=context,name=\\\"tickerlake\\\"\","
                                + "\"operation\":\"sendBody(java.lang.String,java.lang.Object)\",\"arguments\":[\"log:x\",\"y\"]}",
                        "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":true}",
                        "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"InputArguments\"}",
                        "[{\"type\":\"version\"},{\"type\":\"nope\"},{}]", "[]", "{}", "null", "", "{", "[[[[", "\"x\"",
                        "{\"type\":\"read\",\"mbean\":\"*:*\"}", "{\"type\":\"list\",\"path\":\"" + marker + "\"}",
                        "{\"type\":\"search\",\"mbean\":\"" + marker + ":*\"}", "{\"type\":null}", "{\"type\":[1]}",
                        "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\",\"path\":\"../../x\"}"),
                () -> new String(jsonBody(), StandardCharsets.UTF_8));
        String origin = pick("", "", "", "http://127.0.0.1:8090", "http://evil.example", "null");
        Auth auth = authKind(2);
        String header = authorization(auth, true);
        List<Header> extra = origin.isEmpty() ? List.of() : List.of(new Header("Origin", origin));
        return post ? request("management", Server.MANAGEMENT, "POST", "/observe/jolokia", body, auth, header, extra)
                : request("management", Server.MANAGEMENT, "GET", get, null, auth, header, extra);
    }

    // ---- assembly --------------------------------------------------------------------------------------------

    private HostileRequest request(String category, Server server, String method, String target, Object body, Auth auth,
                                   String authorization, List<Header> extra) {
        byte[] bytes = body == null ? new byte[0]
                : body instanceof byte[] b ? b : body.toString().getBytes(StandardCharsets.UTF_8);
        List<Header> headers = new ArrayList<>();
        boolean framing = extra.stream().anyMatch(h -> h.name().equalsIgnoreCase("Content-Length")
                || h.name().equalsIgnoreCase("Transfer-Encoding"));
        boolean host = extra.stream().anyMatch(h -> h.name().equalsIgnoreCase("Host"));
        boolean type = extra.stream().anyMatch(h -> h.name().equalsIgnoreCase("Content-Type"));
        if (!host) {
            headers.add(new Header("Host", "127.0.0.1:" + (server == Server.API ? apiPort : managementPort)));
        }
        headers.add(new Header("Connection", "close"));
        if (!framing && (bytes.length > 0 || List.of("POST", "PUT", "PATCH").contains(method))) {
            headers.add(new Header("Content-Length", String.valueOf(bytes.length)));
        }
        if (!type && bytes.length > 0 && !category.equals("encodings")) {
            headers.add(new Header("Content-Type", "application/json"));
        }
        if (authorization != null) {
            headers.add(new Header("Authorization", authorization));
        }
        headers.addAll(extra);
        HostileRequest request = new HostileRequest(category, server, method, target, List.copyOf(headers), bytes, auth, framing);
        // The scenario keeps the sync job running: an operator's own stop or start (valid credentials) is not a
        // hostile request. Those calls go out with a wrong password instead, which must be refused.
        if (controlsSyncJob(request) && headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("Authorization")
                && (h.value().endsWith(b64(user + ":" + password)) || h.value().endsWith(b64(managementUser + ":" + managementPassword))))) {
            String wrong = basic((server == Server.API ? user : managementUser) + ":not-the-password");
            List<Header> replaced = headers.stream().map(h -> h.name().equalsIgnoreCase("Authorization")
                    ? new Header(h.name(), wrong) : h).toList();
            return new HostileRequest(category, server, method, target, replaced, bytes, Auth.WRONG, framing);
        }
        return request;
    }

    /**
     * A request that would stop, start or restart the sync job if it were authenticated. (An authenticated rollback is
     * kept: the job runs, so a real one is refused with 409, and a dry run changes nothing.)
     */
    private static boolean controlsSyncJob(HostileRequest request) {
        String path = request.routedPath().toLowerCase(java.util.Locale.ROOT);
        String body = new String(request.body(), StandardCharsets.ISO_8859_1);
        String all = request.target() + " " + body;
        return request.server() == Server.API ? path.startsWith("/api/sync/")
                : all.contains("exec") && all.contains("SyncJob");
    }

    private static String basic(String credentials) {
        return "Basic " + b64(credentials);
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Percent-encodes everything but unreserved characters (so that any generated text is a valid target part). */
    static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** A query value: '&', '#', '+', space and controls encoded, the rest as generated. */
    private static String queryValue(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '&' || c == '#' || c == '+' || c == ' ' || c < 0x20) {
                out.append(percentEncode(String.valueOf(c)));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String jsonEscape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static byte[] multipart(String marker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../" + marker + ".txt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nuploaded by HostileHttpIT\r\n--XyZ--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
