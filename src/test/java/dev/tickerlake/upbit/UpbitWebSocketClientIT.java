package dev.tickerlake.upbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.java_websocket.WebSocket;
import org.java_websocket.enums.Opcode;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a local server that behaves like Upbit's WebSocket, and a local {@code /v1/market/all}. */
class UpbitWebSocketClientIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL_MARKETS = "[{\"market\":\"KRW-BTC\",\"korean_name\":\"비트코인\",\"english_name\":\"Bitcoin\"},"
            + "{\"market\":\"BTC-ETH\",\"korean_name\":\"이더리움\",\"english_name\":\"Ethereum\"},"
            + "{\"market\":\"KRW-ETH\",\"korean_name\":\"이더리움\",\"english_name\":\"Ethereum\"},"
            + "{\"market\":\"USDT-BTC\",\"korean_name\":\"비트코인\",\"english_name\":\"Bitcoin\"},"
            + "{\"market\":\"KRW-XRP\",\"korean_name\":\"리플\",\"english_name\":\"XRP\"}]";

    private static FakeUpbit upbit;
    private static HttpServer rest;
    private static final AtomicInteger marketListRequests = new AtomicInteger();
    private static final List<String> restOrigins = new CopyOnWriteArrayList<>();
    private static volatile String marketList = ALL_MARKETS;

    private final List<String> states = new CopyOnWriteArrayList<>();
    private UpbitWebSocketClient client;

    @BeforeAll
    static void startServers() throws Exception {
        upbit = new FakeUpbit();
        upbit.start();
        assertThat(upbit.started.await(10, TimeUnit.SECONDS)).isTrue();
        rest = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        rest.createContext("/v1/market/all", exchange -> {
            marketListRequests.incrementAndGet();
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            if (origin != null) {
                restOrigins.add(origin);
            }
            byte[] body = marketList.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        rest.start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (rest != null) {
            rest.stop(0);
        }
        if (upbit != null) {
            upbit.stop(2000);
        }
    }

    @BeforeEach
    void resetServers() {
        upbit.reset();
        marketList = ALL_MARKETS;
        marketListRequests.set(0);
        restOrigins.clear();
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void streamsDataFramesSurvivesADropAndNeverSendsAnOrigin() throws Exception {
        CollectingSink sink = new CollectingSink();
        client = client().build();
        client.start(sink);

        await().atMost(Duration.ofSeconds(20)).until(() -> upbit.subscriptions.size() == 1);
        JsonNode subscription = upbit.subscriptions.get(0);
        assertSubscription(subscription, List.of("KRW-BTC", "KRW-ETH", "KRW-XRP"));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().state() == SourceState.UP);

        List<String> sent = new ArrayList<>();
        SyntheticFrames frames = new SyntheticFrames(List.of("KRW-BTC", "KRW-ETH", "KRW-XRP"), 1);
        for (int i = 0; i < 5; i++) {
            sent.add(upbit.sendBinary(new String(frames.next(1_718_000_000_000L + i).json(), StandardCharsets.UTF_8)));
        }
        sent.add(upbit.sendFragmented(new String(frames.next(1_718_000_000_010L).json(), StandardCharsets.UTF_8), 3));
        upbit.sendBinary("{\"status\":\"UP\"}");
        sent.add(upbit.sendText(new String(frames.next(1_718_000_000_020L).json(), StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.size() == sent.size());
        assertThat(sink.frames()).containsExactlyElementsOf(sent);
        assertThat(sink.origins()).containsOnly(UpbitWebSocketClient.ORIGIN);

        await().atMost(Duration.ofSeconds(10)).until(() -> upbit.pings.get() >= 1 && client.statusFrames() >= 2);

        upbit.sendBinary("{\"error\":{\"name\":\"WRONG_FORMAT\",\"message\":\"Invalid JSON\"}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.errorFrames() == 1);
        assertThat(client.stats().lastError()).contains("WRONG_FORMAT").contains("Invalid JSON");
        assertThat(client.stats().state()).isEqualTo(SourceState.UP);

        upbit.dropLatest();
        await().atMost(Duration.ofSeconds(20)).until(() -> upbit.subscriptions.size() == 2);
        assertSubscription(upbit.subscriptions.get(1), List.of("KRW-BTC", "KRW-ETH", "KRW-XRP"));
        assertThat(upbit.subscriptions.get(1).get(0).get("ticket").asText())
                .isNotEqualTo(subscription.get(0).get("ticket").asText());
        await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().state() == SourceState.UP);

        sent.add(upbit.sendBinary(new String(frames.next(1_718_000_001_000L).json(), StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.size() == sent.size());
        assertThat(sink.frames()).as("only data frames, in order, across the reconnect").containsExactlyElementsOf(sent);

        assertThat(states).as("state changes").containsExactly("STARTING", "UP", "DOWN", "UP");
        assertThat(client.connects()).isEqualTo(2);
        assertThat(client.stats().framesEmitted()).isEqualTo(sent.size());
        assertThat(upbit.handshakes).hasSize(2).allSatisfy(headers -> assertThat(headers).doesNotContainKey("origin"));
        assertThat(restOrigins).isEmpty();
        assertThat(marketListRequests.get()).isEqualTo(1);

        client.close();
        assertThat(client.stats().state()).isEqualTo(SourceState.STOPPED);
    }

    @Test
    void aMessageLongerThanTheLimitIsHandedOnAsItsFirstBytesAndItsSize() throws Exception {
        CollectingSink sink = new CollectingSink();
        client = client().maxFrameBytes(4096).build();
        client.start(sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().state() == SourceState.UP);

        String next = new String(new SyntheticFrames(List.of("KRW-BTC"), 1).next(1_718_000_000_000L).json(),
                StandardCharsets.UTF_8);
        upbit.sendBinary(next);
        String huge = "{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"pad\":\"" + "x".repeat(3_000_000) + "\"}";
        upbit.sendFragmented(huge, 40);
        upbit.sendText(huge);
        upbit.sendBinary(next);

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.size() == 4);
        assertThat(sink.received()).extracting(CollectingSink.Received::size).containsExactly((long) next.length(),
                (long) huge.length(), (long) huge.length(), (long) next.length());
        assertThat(sink.frames()).containsExactly(next, huge.substring(0, 4096), huge.substring(0, 4096), next);
    }

    @Test
    void resubscribesWhenTheMarketListChanges() {
        client = client().marketRefresh(Duration.ofMillis(300)).build();
        client.start(new CollectingSink());
        await().atMost(Duration.ofSeconds(20)).until(() -> upbit.subscriptions.size() == 1);

        marketList = ALL_MARKETS.replace("]", ",{\"market\":\"KRW-SOL\",\"korean_name\":\"솔라나\",\"english_name\":\"Solana\"}]");

        await().atMost(Duration.ofSeconds(20)).until(() -> upbit.subscriptions.size() == 2);
        assertSubscription(upbit.subscriptions.get(1), List.of("KRW-BTC", "KRW-ETH", "KRW-SOL", "KRW-XRP"));
        assertThat(client.connects()).as("the same connection").isEqualTo(1);
        assertThat(client.markets()).contains("KRW-SOL");
    }

    @Test
    void aConfiguredMarketListNeedsNoRestCall() {
        client = client().markets(List.of("krw-btc", " KRW-ETH ")).orderbookDepth(15).build();
        client.start(new CollectingSink());

        await().atMost(Duration.ofSeconds(20)).until(() -> upbit.subscriptions.size() == 1);
        JsonNode request = upbit.subscriptions.get(0);
        assertThat(codes(request.get(1))).containsExactly("KRW-BTC", "KRW-ETH");
        assertThat(codes(request.get(3))).containsExactly("KRW-BTC.15", "KRW-ETH.15");
        assertThat(marketListRequests.get()).isZero();
    }

    @Test
    void aSilentConnectionIsReplaced() {
        upbit.answerPings = false;
        client = client().markets(List.of("KRW-BTC")).pingInterval(Duration.ofMillis(200))
                .idleTimeout(Duration.ofMillis(2000)).build();
        client.start(new CollectingSink());

        await().atMost(Duration.ofSeconds(20)).until(() -> upbit.subscriptions.size() >= 2);
        assertThat(client.connects()).isGreaterThanOrEqualTo(2);
        assertThat(states).contains("DOWN");
        assertThat(client.stats().lastError()).contains("no message for");
    }

    @Test
    void aSinkThatBlocksLongerThanTheIdleTimeoutKeepsTheConnection() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CollectingSink collected = new CollectingSink();
        FrameSink slowSink = (frame, origin) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            collected.accept(frame, origin);
        };
        client = client().markets(List.of("KRW-BTC")).pingInterval(Duration.ofMillis(200))
                .idleTimeout(Duration.ofMillis(2000)).build();
        client.start(slowSink);
        await().atMost(Duration.ofSeconds(20)).until(() -> client.stats().state() == SourceState.UP);

        List<String> sent = new ArrayList<>();
        SyntheticFrames frames = new SyntheticFrames(List.of("KRW-BTC"), 2);
        for (int i = 0; i < 3; i++) {
            sent.add(upbit.sendBinary(new String(frames.next(1_718_000_000_000L + i).json(), StandardCharsets.UTF_8)));
        }
        // Held for longer than the idle timeout: pings must keep the connection alive meanwhile.
        TimeUnit.MILLISECONDS.sleep(3000);
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> collected.size() == 3);
        assertThat(collected.frames()).containsExactlyElementsOf(sent);
        assertThat(client.connects()).as("no reconnect while the sink held a frame").isEqualTo(1);
        assertThat(states).doesNotContain("DOWN");
    }

    @Test
    void anUnreachableExchangeIsDownWithItsCauseAndNothingIsThrown() throws Exception {
        int closedPort = closedPort();
        client = client().uri(URI.create("ws://127.0.0.1:" + closedPort + "/websocket/v1"))
                .markets(List.of("KRW-BTC")).backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
        assertThatCode(() -> client.start(new CollectingSink())).doesNotThrowAnyException();

        await().atMost(Duration.ofSeconds(20)).until(() -> client.connects() >= 3);
        SourceStats stats = client.stats();
        assertThat(stats.state()).isEqualTo(SourceState.DOWN);
        assertThat(stats.lastError()).contains("connect to ws://127.0.0.1:" + closedPort).contains("ConnectException");
        assertThatCode(client::close).doesNotThrowAnyException();
        assertThat(client.stats().state()).isEqualTo(SourceState.STOPPED);
    }

    @Test
    void anUnreachableMarketListIsDownWithItsCause() throws Exception {
        int closedPort = closedPort();
        client = client().restBase(URI.create("http://127.0.0.1:" + closedPort))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
        assertThatCode(() -> client.start(new CollectingSink())).doesNotThrowAnyException();

        await().atMost(Duration.ofSeconds(20)).until(() -> client.stats().state() == SourceState.DOWN);
        assertThat(client.stats().lastError()).contains("market list").contains("/v1/market/all");
        assertThat(client.connects()).isZero();
        assertThat(upbit.subscriptions).isEmpty();
    }

    private UpbitWebSocketClient.Builder client() {
        return UpbitWebSocketClient.builder()
                .uri(URI.create("ws://127.0.0.1:" + upbit.getPort() + "/websocket/v1"))
                .restBase(URI.create("http://127.0.0.1:" + rest.getAddress().getPort()))
                .pingInterval(Duration.ofMillis(300))
                .idleTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .stateListener((state, cause) -> states.add(state.name()));
    }

    private static void assertSubscription(JsonNode request, List<String> markets) {
        assertThat(request.isArray()).isTrue();
        assertThat(request).hasSize(5);
        assertThat(request.get(0).get("ticket").asText()).isNotBlank();
        assertThat(request.get(0).size()).isEqualTo(1);
        List<String> types = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            types.add(request.get(i).get("type").asText());
            assertThat(codes(request.get(i))).containsExactlyElementsOf(markets);
        }
        assertThat(types).containsExactly("ticker", "trade", "orderbook");
        assertThat(request.get(4).get("format").asText()).isEqualTo("DEFAULT");
    }

    private static List<String> codes(JsonNode subscription) {
        List<String> codes = new ArrayList<>();
        subscription.get("codes").forEach(code -> codes.add(code.asText()));
        return codes;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Answers like Upbit: JSON subscriptions in, binary UTF-8 JSON out, {@code PING} answered with {@code {"status":"UP"}}. */
    private static final class FakeUpbit extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        final List<JsonNode> subscriptions = new CopyOnWriteArrayList<>();
        final List<Map<String, String>> handshakes = new CopyOnWriteArrayList<>();
        final AtomicInteger pings = new AtomicInteger();
        volatile boolean answerPings = true;
        volatile WebSocket latest;

        FakeUpbit() {
            super(new InetSocketAddress("127.0.0.1", 0));
            setReuseAddr(true);
            setConnectionLostTimeout(0);
        }

        void reset() {
            subscriptions.clear();
            handshakes.clear();
            pings.set(0);
            answerPings = true;
            latest = null;
            getConnections().forEach(WebSocket::close);
        }

        String sendBinary(String frame) {
            // The client may report UP a moment before this side has marked the connection open.
            await().atMost(Duration.ofSeconds(10)).until(() -> latest != null && latest.isOpen());
            latest.send(frame.getBytes(StandardCharsets.UTF_8));
            return frame;
        }

        String sendText(String frame) {
            latest.send(frame);
            return frame;
        }

        String sendFragmented(String frame, int parts) {
            byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
            int size = bytes.length / parts + 1;
            for (int offset = 0; offset < bytes.length; offset += size) {
                int length = Math.min(size, bytes.length - offset);
                latest.sendFragmentedFrame(Opcode.BINARY, ByteBuffer.wrap(bytes, offset, length),
                        offset + length >= bytes.length);
            }
            return frame;
        }

        /** Ends the connection without a close handshake, as a network failure would. */
        void dropLatest() {
            latest.closeConnection(1006, "dropped");
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            Map<String, String> headers = new TreeMap<>();
            handshake.iterateHttpFields().forEachRemaining(name ->
                    headers.put(name.toLowerCase(Locale.ROOT), handshake.getFieldValue(name)));
            handshakes.add(headers);
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            if ("PING".equals(message)) {
                pings.incrementAndGet();
                if (answerPings) {
                    conn.send("{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            try {
                subscriptions.add(JSON.readTree(message));
                latest = conn;
            } catch (IOException e) {
                conn.send("{\"error\":{\"name\":\"WRONG_FORMAT\",\"message\":\"not JSON\"}}".getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }
}
