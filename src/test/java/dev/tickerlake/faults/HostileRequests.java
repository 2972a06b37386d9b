package dev.tickerlake.faults;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.tickerlake.faults.HostileRequest.Auth;
import dev.tickerlake.faults.HostileRequest.Header;
import dev.tickerlake.faults.HostileRequest.Server;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of hostile requests against the admin API and the management port of one tickerlake, one
 * category each (names, params, where, tags, bodies, methods, encodings, headers, auth, management). Each category
 * varies one thing hard and keeps the rest plausible, so that a failure names its cause; valid requests are mixed in
 * everywhere so that the code behind the validation runs too. Names the generator makes (tags, tables) carry
 * {@code marker}, so the file-tree check can search for them anywhere.
 */
final class HostileRequests {

    static final List<String> CATEGORIES = List.of("names", "params", "where", "tags", "bodies", "methods", "encodings",
            "headers", "auth", "management");
    static final List<String> TABLES = List.of("ticker", "trade", "orderbook");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE");

    private final int apiPort;
    private final int managementPort;
    private final String user;
    private final String password;
    private final String managementUser;
    private final String managementPassword;
    private final String marker;

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

    /** Every category, equally often. */
    Arbitrary<HostileRequest> any() {
        return Arbitraries.oneOf(List.of(names(), params(), where(), tags(), bodies(), methods(), encodings(), headers(),
                auth(), management()));
    }

    // ---- building blocks -------------------------------------------------------------------------------------

    /** Database/table/tag names: valid, unknown, unicode, traversal, encoded slashes, very long, empty, odd bytes. */
    Arbitrary<String> name() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("upbit", "ticker", "trade", "orderbook", "nope", marker)),
                Tuple.of(2, Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_').ofMinLength(1).ofMaxLength(70)),
                Tuple.of(2, Arbitraries.strings().withCharRange('\u00a0', '\ud7ff').ofMinLength(1).ofMaxLength(12)),
                Tuple.of(3, Arbitraries.of("..", "%2e%2e", ".%2e", "..%2f..%2f..%2f" + marker, "..%2F..%2Foutside",
                        "%2e%2e%2f%2e%2e%2f" + marker, "..%5c..%5c" + marker, "..\\..\\" + marker, "%2f", "%2F" + marker,
                        "a%2fb", "%00", marker + "%00.json", "%ff%fe", "%c0%ae%c0%ae%c0%af", "%", "%zz", "%u002e",
                        "\udcff\udcfe", "\udcc0\udcae", "~root", "${jndi:ldap://127.0.0.1/x}", "{{tickerlake.admin.users}}",
                        "%7B%7Btickerlake.admin.users%7D%7D", "UPBIT", "Ticker", "tick er", "tick%20er", "tick+er",
                        "tag;drop", "'or'1'='1", "*", "%2a", "CON", "aux.txt", "-1", "0", "9223372036854775808")),
                Tuple.of(1, Arbitraries.integers().between(65, 20_000).map(n -> "a".repeat(n))),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20).map(HostileRequests::percentEncode)));
    }

    /** Snapshot ids, limits and epoch timestamps: valid, negative, huge, non-numeric, ISO garbage. */
    Arbitrary<String> number() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(-5, 50).map(String::valueOf)),
                Tuple.of(2, Arbitraries.longs().map(String::valueOf)),
                Tuple.of(2, Arbitraries.of("", "%20", "+1", "-0", "1e3", "0x10", "1.5", "NaN", "Infinity", "%EF%BC%95",
                        "99999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                        "00000000000000000000001", "1%00", "1;2", "1,2", "null", "true", "[1]", "%7B%7D", "five",
                        "1" + "0".repeat(400))),
                Tuple.of(2, Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(18),
                        java.math.BigInteger.TEN.pow(40)).map(String::valueOf)),
                Tuple.of(2, Arbitraries.strings().ascii().ofMaxLength(24).map(HostileRequests::percentEncode)));
    }

    /** Timestamps: epoch ms, ISO-8601 valid and garbage, extremes. */
    Arbitrary<String> timestamp() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, number()),
                Tuple.of(3, Arbitraries.of("2026-12-07T00:00:00Z", "2026-12-07", "2026-12-07T09:00:00%2B09:00",
                        "2026-12-07T09:00:00+09:00", "2026-12-07 09:00:00", "2026-13-45T99:99:99Z", "2026-02-30",
                        "2026-12-07T00:00:00+25:00", "%2B999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
                        "%2B1000000-01-01T00:00:00Z", "-290308-12-21T19:59:05.225Z", "%2B292278994-08-17T07:12:55.807Z",
                        "9999-12-31T23:59:59.999999999Z", "0000-01-01", "T", "Z", "2026-12-07T", "--", "now", "yesterday",
                        "1970-01-01T00:00:00Z", "2026-12-07T00:00:00.123456789012Z", "2026-W49-1", "2026-341",
                        "2026-12-07T00:00:00[Europe/Paris]", "2026-12-07T00:00:00%2B01:00[Asia/Seoul]")),
                Tuple.of(1, Arbitraries.strings().withChars("0123456789-:TZ+. ").ofMaxLength(30).map(HostileRequests::percentEncode)));
    }

    /** {@code where} values: valid conditions on real columns, wrong types, unknown columns, no colon, unicode. */
    Arbitrary<String> whereCondition() {
        Arbitrary<String> column = Arbitraries.of("market", "dt", "price", "trade_price", "sequential_id", "timestamp",
                "trade_timestamp", "change_rate", "symbol", "ask_price_1", "nope", "", "MARKET", "market ", "%00");
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("KRW-BTC", "KRW-ETH", "2026-12-07", "2026-12-08", "1", "0", "-1")),
                Tuple.of(2, number()),
                Tuple.of(2, timestamp()),
                Tuple.of(1, Arbitraries.of("1e400", "-1e400", "4.9e-325", "1E%2B999999999", "1e-999999999", "%3A%3A", "a:b:c",
                        "true", "\u00e9\u00e8", "%F0%9F%98%80", "%ff", "")));
        return Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(column, value).as((c, v) -> c + ":" + v)),
                Tuple.of(1, Arbitraries.of("", "market", ":", ":KRW-BTC", "%3A", "market%3AKRW-BTC", "market:KRW-BTC%00")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30).map(HostileRequests::percentEncode)));
    }

    /** JSON bodies: valid, malformed, deeply nested, huge, wrong types, nulls, duplicate keys, trailing content. */
    Arbitrary<byte[]> jsonBody() {
        Arbitrary<String> field = Arbitraries.of("name", "snapshot", "tag", "dryRun", "dryrun", "", "__proto__", "name\u0000");
        Arbitrary<String> scalar = Arbitraries.of("null", "true", "false", "0", "-1", "1", "3", "1e308", "-1e309", "1.5",
                "99999999999999999999999", "\"1\"", "\"\"", "\"" + marker + "\"", "\"h_" + marker + "\"", "\"..\\/..\\/x\"",
                "\"\\u0000\"", "\"\\ud800\"", "[]", "{}", "[1,2]", "{\"a\":1}", "\"true\"", "NaN", "Infinity", "'single'",
                "\"" + "x".repeat(5000) + "\"", "1" + "0".repeat(1200));
        Arbitrary<String> object = Combinators.combine(field, scalar).as((f, v) -> "\"" + f + "\":" + v)
                .list().ofMaxSize(4).map(pairs -> "{" + String.join(",", pairs) + "}");
        Arbitrary<String> text = Arbitraries.frequencyOf(
                Tuple.of(4, object),
                Tuple.of(2, Arbitraries.of("{\"name\":\"h_" + marker + "\"}", "{\"snapshot\":1,\"dryRun\":true}",
                        "{\"tag\":\"nope\",\"dryRun\":true}", "{\"snapshot\":1}", "{\"name\":\"a\",\"name\":\"b\"}",
                        "{\"dryRun\":true,\"snapshot\":1} trailing", "{\"snapshot\":1}{\"snapshot\":2}", "", " ", "{",
                        "}", "[", "null", "[]", "\"text\"", "42", "{\"name\":}", "{name:\"x\"}", "{'name':'x'}",
                        "\ufeff{\"name\":\"x\"}", "{\"name\":\"x\"", "{\"a\":1,}", "/* c */ {}", "{\"name\":\"x\"}\u0000")),
                Tuple.of(1, Arbitraries.integers().between(500, 200_000).map(depth -> "[".repeat(depth) + "]".repeat(depth))),
                Tuple.of(1, Arbitraries.integers().between(500, 50_000).map(depth -> "{\"a\":".repeat(depth) + "1"
                        + "}".repeat(depth))),
                Tuple.of(1, Arbitraries.integers().between(60_000, 300_000).map(size -> "{\"name\":\"" + "x".repeat(size) + "\"}")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(200)));
        return text.map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    /** A valid Authorization header, mostly; sometimes none, wrong or malformed. */
    Arbitrary<Auth> authKind(int validWeight) {
        return Arbitraries.frequency(Tuple.of(validWeight, Auth.VALID), Tuple.of(2, Auth.NONE), Tuple.of(1, Auth.WRONG),
                Tuple.of(1, Auth.MALFORMED));
    }

    /** The header value for an auth kind on the admin API. */
    Arbitrary<String> authorization(Auth kind, boolean management) {
        String u = management ? managementUser : user;
        String p = management ? managementPassword : password;
        return switch (kind) {
            case NONE -> Arbitraries.just(null);
            case VALID -> Arbitraries.of(basic(u + ":" + p), "basic " + b64(u + ":" + p), "BASIC  " + b64(u + ":" + p));
            case WRONG -> Arbitraries.of(basic(u + ":" + p + "x"), basic(u + ":" + p.toUpperCase()), basic(u + ":"),
                    basic(":" + p), basic(u.toUpperCase() + ":" + p), basic("admin:admin"), basic(u + ":" + p.substring(1)),
                    basic(u + ":" + p + "\u0000"), basic(u + " :" + p), basic("nobody:" + p));
            case MALFORMED -> Arbitraries.of("Basic", "Basic ", "Basic !!!notbase64!!!", "Basic " + b64("nocolon"),
                    "Basic " + b64(u + ":" + p) + "====", "Bearer " + p.length(), "Digest username=\"" + u + "\"",
                    "Basic " + b64(u + ":" + p).substring(2), "Basic\u00a0" + b64(u + ":" + p), "Basic " + "A".repeat(6000),
                    "Basic " + b64("\u00ff\u00fe:\u00ff"), "Basic \udcff\udcfe", "Basic " + b64(u + ":" + p) + " extra",
                    "Negotiate " + "x".repeat(100), "Basic =", "Basic " + b64(":"));
        };
    }

    // ---- categories ------------------------------------------------------------------------------------------

    /** Table and database names in every path that takes them. */
    Arbitrary<HostileRequest> names() {
        Arbitrary<String> suffix = Arbitraries.of("", "/", "/snapshots", "/rows", "/diff?from=1&to=2", "/tags",
                "/tags/" + marker, "/rollback");
        return Combinators.combine(name(), name(), suffix, Arbitraries.of("GET", "GET", "GET", "HEAD", "POST", "DELETE"),
                authKind(2)).flatAs((db, table, s, method, auth) -> {
                    String target = "/api/tables/" + db + "/" + table + s;
                    return authorization(auth, false).map(header -> request("names", Server.API, method, target,
                            method.equals("POST") ? "{\"name\":\"h_" + marker + "\",\"dryRun\":true}" : null, auth, header,
                            List.of()));
                });
    }

    /** Snapshot ids, limits, timestamps, before, from/to, tag selectors on the read endpoints. */
    Arbitrary<HostileRequest> params() {
        Arbitrary<String> table = Arbitraries.of(TABLES);
        Arbitrary<String> query = Arbitraries.oneOf(
                number().map(n -> "/snapshots?limit=" + n),
                Combinators.combine(number(), number()).as((l, b) -> "/snapshots?limit=" + l + "&before=" + b),
                Combinators.combine(number(), number()).as((s, l) -> "/rows?snapshot=" + s + "&limit=" + l),
                timestamp().map(t -> "/rows?limit=3&timestamp=" + t),
                name().map(t -> "/rows?limit=3&tag=" + t),
                Combinators.combine(number(), timestamp()).as((s, t) -> "/rows?snapshot=" + s + "&timestamp=" + t),
                Combinators.combine(number(), number()).as((f, t) -> "/diff?limit=5&from=" + f + "&to=" + t),
                Combinators.combine(name(), number()).as((f, t) -> "/diff?limit=5&from=" + f + "&to=" + t),
                number().map(l -> "/diff?from=1&to=2&limit=" + l),
                Arbitraries.of("/rows?limit=1&limit=2", "/rows?snapshot=1&snapshot=2", "/rows?limit=", "/rows?=", "/rows?&&&",
                        "/rows?limit", "/snapshots?before", "/diff", "/diff?from=1", "/diff?to=1", "/rows?%zz=1",
                        "/rows?limit=3&" + "x=1&".repeat(2000), "/rows?limit=3#fragment", "/rows?snapshot=%00"));
        return Combinators.combine(table, query, Arbitraries.of("GET", "GET", "GET", "HEAD"))
                .as((t, q, method) -> request("params", Server.API, method, "/api/tables/upbit/" + t + q, null, Auth.NONE,
                        null, List.of()));
    }

    /** where filters on rows and diff, single and repeated. */
    Arbitrary<HostileRequest> where() {
        Arbitrary<String> conditions = whereCondition().map(HostileRequests::queryValue).list().ofMinSize(1).ofMaxSize(4)
                .map(list -> list.stream().map(c -> "where=" + c).collect(Collectors.joining("&")));
        Arbitrary<String> many = Arbitraries.integers().between(50, 400)
                .map(n -> IntStream.range(0, n).mapToObj(i -> "where=market:KRW-BTC").collect(Collectors.joining("&")));
        return Combinators.combine(Arbitraries.of(TABLES), Arbitraries.frequencyOf(Tuple.of(8, conditions), Tuple.of(1, many)),
                        Arbitraries.of("/rows?limit=5&", "/diff?from=1&to=2&limit=5&", "/rows?snapshot=1&"))
                .as((t, w, endpoint) -> request("where", Server.API, "GET", "/api/tables/upbit/" + t + endpoint + w, null,
                        Auth.NONE, null, List.of()));
    }

    /** Tag creation, listing and deletion with hostile names, authenticated or not. */
    Arbitrary<HostileRequest> tags() {
        Arbitrary<String> tagName = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8).map(s -> "h_" + marker + "_" + s)),
                Tuple.of(3, name()));
        return Combinators.combine(Arbitraries.of(TABLES), tagName, Arbitraries.of("POST", "POST", "DELETE", "GET"),
                authKind(3)).flatAs((t, tag, method, auth) -> authorization(auth, false).map(header -> switch (method) {
                    case "POST" -> request("tags", Server.API, "POST", "/api/tables/upbit/" + t + "/tags",
                            "{\"name\":\"" + jsonEscape(tag) + "\"}", auth, header, List.of());
                    case "DELETE" -> request("tags", Server.API, "DELETE", "/api/tables/upbit/" + t + "/tags/" + tag, null,
                            auth, header, List.of());
                    default -> request("tags", Server.API, "GET", "/api/tables/upbit/" + t + "/tags?name=" + tag, null,
                            auth, header, List.of());
                }));
    }

    /** JSON bodies on the mutating calls that take one (tags, rollback), mostly authenticated so the body is read. */
    Arbitrary<HostileRequest> bodies() {
        return Combinators.combine(Arbitraries.of(TABLES), Arbitraries.of("/tags", "/rollback"), jsonBody(), authKind(6))
                .flatAs((t, endpoint, body, auth) -> authorization(auth, false).map(header -> request("bodies", Server.API,
                        "POST", "/api/tables/upbit/" + t + endpoint, body, auth, header, List.of())));
    }

    /** Every method on every admin path (and a few that are no method at all). */
    Arbitrary<HostileRequest> methods() {
        Arbitrary<String> method = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(METHODS)),
                Tuple.of(1, Arbitraries.of("CONNECT", "PROPFIND", "FOO", "get", "Post", "M-SEARCH", "GET\u00e9", "PO ST", "")));
        Arbitrary<String> path = Arbitraries.of("/api/tables", "/api/tables/upbit/ticker", "/api/tables/upbit/ticker/snapshots",
                "/api/tables/upbit/ticker/rows?limit=1", "/api/tables/upbit/trade/diff?from=1&to=2",
                "/api/tables/upbit/ticker/tags", "/api/tables/upbit/ticker/tags/h_" + marker, "/api/tables/upbit/orderbook/rollback",
                "/api/sync", "/api/sync/stop", "/api/sync/start", "/api/sync/start?from=earliest", "/api", "/api/", "/",
                "/api/nope", "/api/tables/upbit", "/api/sync/", "/api/tables/upbit/ticker/tags/", "*",
                "/api/tables/upbit/ticker/../../sync/stop", "/api/tables/upbit/ticker/%2e%2e/%2e%2e/sync/start",
                "/api/./sync/stop", "//api/sync/stop", "/API/sync/stop", "/api/sync/stop;x=1", "/api/sync/stop%00",
                "/api/sync/stop/", "http://127.0.0.1/api/sync/stop", "/api/tables/upbit/ticker/rollback?dryRun=true");
        return Combinators.combine(method, path, authKind(1), Arbitraries.of(true, false))
                .flatAs((m, p, auth, withBody) -> authorization(auth, false).map(header -> request("methods", Server.API, m, p,
                        withBody ? "{\"tag\":\"nope\",\"dryRun\":true}" : null, auth, header, List.of())));
    }

    /** Content-Types, charsets and content encodings that lie, and bodies that are not UTF-8. */
    Arbitrary<HostileRequest> encodings() {
        Arbitrary<String> contentType = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "application/json; charset=utf-16", "application/json; charset=nope", "application/json; charset=",
                "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                "multipart/form-data; boundary=XyZ", "multipart/form-data; boundary=" + "b".repeat(500), "application/xml",
                "*/*", "", ";;;", "application/json\u00e9", "application/\udcff", "APPLICATION/JSON",
                "application/json; charset=utf-8; charset=latin1");
        Arbitrary<String> contentEncoding = Arbitraries.of("", "", "gzip", "deflate", "br", "x-gzip, gzip", "identity",
                "compress", "zstd", "gzip\u00e9");
        Arbitrary<byte[]> body = Arbitraries.oneOf(jsonBody(),
                Arbitraries.of(new byte[] {(byte) 0xff, (byte) 0xfe, '{', 0, '}', 0},
                        new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc3, '(', '"', '}'},
                        new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'},
                        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3},
                        multipart(marker)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
        return Combinators.combine(Arbitraries.of(TABLES), Arbitraries.of("/tags", "/rollback", "/rows?limit=1"), contentType,
                contentEncoding, body, authKind(4)).flatAs((t, endpoint, type, encoding, bytes, auth) ->
                authorization(auth, false).map(header -> {
                    List<Header> extra = new ArrayList<>();
                    if (!type.isEmpty()) {
                        extra.add(new Header("Content-Type", type));
                    }
                    if (!encoding.isEmpty()) {
                        extra.add(new Header("Content-Encoding", encoding));
                    }
                    String method = endpoint.startsWith("/rows") ? "GET" : "POST";
                    return request("encodings", Server.API, method, "/api/tables/upbit/" + t + endpoint, bytes, auth,
                            header, extra);
                }));
    }

    /** Oversized, duplicated, odd and conflicting headers; framing that lies; a Host and Origin from elsewhere. */
    Arbitrary<HostileRequest> headers() {
        Arbitrary<List<Header>> odd = Arbitraries.oneOf(
                Arbitraries.integers().between(1_000, 70_000).map(n -> List.of(new Header("X-Big", "v".repeat(n)))),
                Arbitraries.integers().between(100, 3_000).map(n -> IntStream.range(0, n)
                        .mapToObj(i -> new Header("X-H" + i, "v")).toList()),
                Arbitraries.of(
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
        Arbitrary<String> path = Arbitraries.of("/api/tables", "/api/tables/upbit/ticker/rows?limit=1", "/api/sync",
                "/api/sync/stop", "/api/tables/upbit/trade/tags", "/api/tables/upbit/trade/rollback");
        Arbitrary<String> longTarget = Arbitraries.integers().between(2_000, 70_000)
                .map(n -> "/api/tables/upbit/ticker/rows?where=market:" + "K".repeat(n));
        return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(6, path), Tuple.of(1, longTarget)), odd,
                Arbitraries.of("GET", "POST"), authKind(1)).flatAs((p, extra, method, auth) ->
                authorization(auth, false).map(header -> request("headers", Server.API, method, p,
                        method.equals("POST") ? "{\"tag\":\"nope\",\"dryRun\":true}" : null, auth, header, extra)));
    }

    /** The mutating calls with every kind of credentials, well-formed bodies. */
    Arbitrary<HostileRequest> auth() {
        Arbitrary<String[]> call = Arbitraries.of(
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
        return Combinators.combine(call, Arbitraries.of(Auth.NONE, Auth.WRONG, Auth.MALFORMED, Auth.VALID))
                .flatAs((c, auth) -> authorization(auth, false).map(header -> request("auth", Server.API, c[0], c[1], c[2],
                        auth, header, List.of())));
    }

    /** Health, metrics and Jolokia (GET paths and POST bodies), with and without management credentials. */
    Arbitrary<HostileRequest> management() {
        String sync = "dev.tickerlake:type=SyncJob,name=paimon-sync";
        Arbitrary<String> get = Arbitraries.oneOf(
                Arbitraries.of("/observe/health", "/observe/health/", "/observe/health/live", "/observe/health/ready",
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
                name().map(n -> "/observe/jolokia/read/" + n),
                name().map(n -> "/observe/health/" + n));
        Arbitrary<String> jolokiaBody = Arbitraries.oneOf(
                Arbitraries.of("{\"type\":\"version\"}", "{\"type\":\"read\",\"mbean\":\"" + sync + "\",\"attribute\":\"State\"}",
                        "{\"type\":\"exec\",\"mbean\":\"" + sync + "\",\"operation\":\"stopWithSavepoint()\"}",
                        "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=tickerlake,type=context,name=\\\"tickerlake\\\"\","
                                + "\"operation\":\"sendBody(java.lang.String,java.lang.Object)\",\"arguments\":[\"log:x\",\"y\"]}",
                        "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":true}",
                        "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"InputArguments\"}",
                        "[{\"type\":\"version\"},{\"type\":\"nope\"},{}]", "[]", "{}", "null", "", "{", "[[[[", "\"x\"",
                        "{\"type\":\"read\",\"mbean\":\"*:*\"}", "{\"type\":\"list\",\"path\":\"" + marker + "\"}",
                        "{\"type\":\"search\",\"mbean\":\"" + marker + ":*\"}", "{\"type\":null}", "{\"type\":[1]}",
                        "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\",\"path\":\"../../x\"}"),
                jsonBody().map(bytes -> new String(bytes, StandardCharsets.UTF_8)));
        Arbitrary<String> origin = Arbitraries.of("", "", "", "http://127.0.0.1:8090", "http://evil.example", "null");
        return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(3, get), Tuple.of(2, Arbitraries.just("POST"))),
                jolokiaBody, origin, authKind(2)).flatAs((what, body, o, auth) -> authorization(auth, true).map(header -> {
                    List<Header> extra = o.isEmpty() ? List.of() : List.of(new Header("Origin", o));
                    return what.equals("POST")
                            ? request("management", Server.MANAGEMENT, "POST", "/observe/jolokia", body, auth, header, extra)
                            : request("management", Server.MANAGEMENT, "GET", what, null, auth, header, extra);
                }));
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
