package dev.tickerlake.upbit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tickerlake.support.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of Upbit's public quotation WebSocket: subscribes to ticker, trade and orderbook frames of the KRW markets
 * (or a configured list), hands every data frame to the sink, and keeps the connection alive (text {@code PING},
 * idle detection, reconnection with back-off and resubscription) without ever throwing out of its threads.
 * <p>
 * Upbit rules it follows: at most 5 connects and 5 subscribe messages per second (100 subscribe messages per minute),
 * no {@code Origin} header (requests carrying one are limited to 1 per 10 s), a keep-alive well inside the server's
 * 120 s idle timeout. {@code {"status":"UP"}} and {@code {"error":{...}}} frames are control answers, never data.
 */
public final class UpbitWebSocketClient extends FrameSourceSupport {

    /** The origin every frame of this source carries. */
    public static final String ORIGIN = "upbit-websocket";
    public static final URI DEFAULT_URI = URI.create("wss://api.upbit.com/websocket/v1");
    public static final URI DEFAULT_REST_BASE = URI.create("https://api.upbit.com");
    public static final List<String> DEFAULT_TYPES = List.of("ticker", "trade", "orderbook");

    private static final Logger LOG = LoggerFactory.getLogger(UpbitWebSocketClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final URI uri;
    private final URI restBase;
    private final List<String> explicitMarkets;
    private final Duration marketRefresh;
    private final List<String> types;
    private final int orderbookDepth;
    private final String format;
    private final Duration pingInterval;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final Backoff backoff;
    private final int maxFrameBytes;
    private final HttpClient http;

    private final SlidingWindowRateLimiter connectsPerSecond = new SlidingWindowRateLimiter(5, Duration.ofSeconds(1));
    private final SlidingWindowRateLimiter subscribesPerSecond = new SlidingWindowRateLimiter(5, Duration.ofSeconds(1));
    private final SlidingWindowRateLimiter subscribesPerMinute = new SlidingWindowRateLimiter(100, Duration.ofMinutes(1));
    private final Object subscriptionLock = new Object();
    /** An old connection's last frame may still be in the sink when the next connection delivers: one at a time. */
    private final Object sinkLock = new Object();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong subscriptions = new AtomicLong();
    private final AtomicLong statusFrames = new AtomicLong();
    private final AtomicLong errorFrames = new AtomicLong();

    private volatile List<String> markets = List.of();
    private volatile Connection current;
    private volatile FrameSink sink;
    private ScheduledExecutorService timer;

    private UpbitWebSocketClient(Builder b) {
        super(ORIGIN, b.stateListener);
        this.uri = b.uri;
        this.restBase = b.restBase;
        this.explicitMarkets = List.copyOf(b.markets);
        this.marketRefresh = b.marketRefresh;
        this.types = List.copyOf(b.types);
        this.orderbookDepth = b.orderbookDepth;
        this.format = b.format;
        this.pingInterval = b.pingInterval;
        this.idleTimeout = b.idleTimeout;
        this.connectTimeout = b.connectTimeout;
        this.backoff = new Backoff(b.backoffInitial, b.backoffMax);
        this.maxFrameBytes = b.maxFrameBytes;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void start(FrameSink sink) {
        markStarting();
        this.sink = Objects.requireNonNull(sink, "sink");
        markets = explicitMarkets;
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "upbit-websocket-timer");
            thread.setDaemon(true);
            return thread;
        });
        long pingMillis = pingInterval.toMillis();
        timer.scheduleWithFixedDelay(this::ping, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        long watchMillis = Math.max(50, Math.min(1000, idleTimeout.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::watchIdle, watchMillis, watchMillis, TimeUnit.MILLISECONDS);
        if (explicitMarkets.isEmpty() && !marketRefresh.isZero()) {
            long refreshMillis = marketRefresh.toMillis();
            timer.scheduleWithFixedDelay(this::refreshMarkets, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
        }
        startWorker(this::superviseConnections, "upbit-websocket");
        LOG.info("Upbit WebSocket client starting: {} ({}; markets: {})", uri, String.join(", ", types),
                explicitMarkets.isEmpty() ? "all KRW from " + UpbitMarkets.marketAllUri(restBase) : explicitMarkets);
    }

    /**
     * The shared close, with the timer and the current connection ended before the supervisor is awaited; no run
     * completion (the client runs until closed).
     */
    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        Connection connection = current;
        if (connection != null) {
            connection.end("client closed");
            connection.closeGracefully();
        }
        stopWorker();
        LOG.info("Upbit WebSocket client closed after {} frames", emitted());
    }

    /** The markets subscribed (or about to be): the configured list, or the KRW markets last listed by Upbit. */
    public List<String> markets() {
        return markets;
    }

    /** WebSocket connection attempts so far. */
    public long connects() {
        return connects.get();
    }

    /** Subscribe messages sent so far (one per connection, plus one per market-list change). */
    public long subscriptions() {
        return subscriptions.get();
    }

    /** {@code {"status":"UP"}} answers received. */
    public long statusFrames() {
        return statusFrames.get();
    }

    /** {@code {"error":...}} frames received. */
    public long errorFrames() {
        return errorFrames.get();
    }

    private void superviseConnections() {
        while (!closed()) {
            try {
                connectOnce();
            } catch (InterruptedException e) {
                if (closed()) {
                    break;
                }
            } catch (RuntimeException | Error e) {
                // Never let the supervisor die: report and try again.
                try {
                    retryLater("Upbit WebSocket client failed", Errors.describe(e));
                } catch (InterruptedException interrupted) {
                    if (closed()) {
                        break;
                    }
                }
            }
        }
    }

    /** One connection's life: list markets, connect, subscribe, wait for its end, back off. */
    private void connectOnce() throws InterruptedException {
        if (markets.isEmpty()) {
            try {
                List<String> listed = UpbitMarkets.fetchKrw(http, restBase, connectTimeout);
                if (listed.isEmpty()) {
                    retryLater("Upbit lists no KRW market at " + UpbitMarkets.marketAllUri(restBase), "empty list");
                    return;
                }
                markets = listed;
                LOG.info("Upbit lists {} KRW markets", listed.size());
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                retryLater("Upbit market list " + UpbitMarkets.marketAllUri(restBase) + " unavailable",
                        Errors.describe(e));
                return;
            }
        }
        connectsPerSecond.acquire();
        connects.incrementAndGet();
        Connection connection = new Connection();
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder().connectTimeout(connectTimeout)
                .buildAsync(uri, connection);
        try {
            opening.get(connectTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            // A handshake that completes after we gave up must not stay open.
            opening.whenComplete((webSocket, failure) -> {
                if (webSocket != null) {
                    webSocket.abort();
                }
            });
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            retryLater("Upbit WebSocket connect to " + uri + " failed", connectFailure(e));
            return;
        }
        current = connection;
        try {
            if (closed()) {
                connection.closeGracefully();
                return;
            }
            try {
                subscribe(connection);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                connection.end("subscribe failed: " + Errors.describe(e));
            }
            if (!connection.ended.isDone()) {
                state(SourceState.UP, null);
                LOG.info("Upbit WebSocket connected to {}, subscribed to {} markets", uri, connection.subscribed.size());
            }
            String reason;
            try {
                reason = connection.ended.get();
            } catch (ExecutionException e) {
                reason = Errors.describe(e);
            }
            current = null;
            connection.abort();
            if (!closed()) {
                retryLater("Upbit WebSocket connection to " + uri + " lost", reason);
            }
        } finally {
            current = null;
            connection.abort();
        }
    }

    private String connectFailure(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof WebSocketHandshakeException handshake) {
            return "handshake refused: HTTP " + handshake.getResponse().statusCode();
        }
        if (e instanceof TimeoutException) {
            return "no handshake answer within " + (connectTimeout.toMillis() + 5000) + " ms";
        }
        return Errors.describe(cause);
    }

    /** DOWN with {@code cause}, one log line, then the back-off delay. */
    private void retryLater(String what, String cause) throws InterruptedException {
        error(what + ": " + cause);
        state(SourceState.DOWN, what + ": " + cause);
        if (closed()) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        LOG.warn("{}: {}; retry {} in {}", what, cause, backoff.attempts(),
                delay < 1000 ? delay + " ms" : String.format(Locale.ROOT, "%.1f s", delay / 1000.0));
        Thread.sleep(delay);
    }

    private void subscribe(Connection connection) throws Exception {
        synchronized (subscriptionLock) {
            List<String> codes = markets;
            subscribesPerSecond.acquire();
            subscribesPerMinute.acquire();
            connection.send(subscribeMessage(codes));
            connection.subscribed = codes;
            subscriptions.incrementAndGet();
        }
    }

    /** {@code [{"ticket":…},{"type":"ticker","codes":[…]},…,{"format":"DEFAULT"}]}. */
    String subscribeMessage(List<String> codes) {
        ArrayNode request = JSON.createArrayNode();
        request.addObject().put("ticket", UUID.randomUUID().toString());
        for (String type : types) {
            ObjectNode subscription = request.addObject();
            subscription.put("type", type);
            ArrayNode list = subscription.putArray("codes");
            for (String code : codes) {
                list.add("orderbook".equals(type) && orderbookDepth > 0 ? code + "." + orderbookDepth : code);
            }
        }
        request.addObject().put("format", format);
        return request.toString();
    }

    private void refreshMarkets() {
        try {
            List<String> listed = UpbitMarkets.fetchKrw(http, restBase, connectTimeout);
            if (listed.isEmpty()) {
                LOG.warn("Upbit market list refresh returned no KRW market; keeping {} markets", markets.size());
                return;
            }
            synchronized (subscriptionLock) {
                List<String> previous = markets;
                if (listed.equals(previous)) {
                    return;
                }
                Set<String> added = new TreeSet<>(listed);
                added.removeAll(previous);
                Set<String> removed = new TreeSet<>(previous);
                removed.removeAll(listed);
                markets = listed;
                Connection connection = current;
                if (connection == null || connection.subscribed == null || connection.ended.isDone()) {
                    LOG.info("Upbit KRW markets changed (added {}, removed {})", added, removed);
                    return;
                }
                LOG.info("Upbit KRW markets changed (added {}, removed {}); resubscribing", added, removed);
                try {
                    subscribe(connection);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    connection.end("resubscribe failed: " + Errors.describe(e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Upbit market list refresh from {} failed: {}; keeping {} markets",
                    UpbitMarkets.marketAllUri(restBase), Errors.describe(e), markets.size());
        }
    }

    private void ping() {
        Connection connection = current;
        if (connection == null || connection.subscribed == null || connection.ended.isDone()) {
            return;
        }
        try {
            connection.send("PING");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            connection.end("PING failed: " + Errors.describe(e));
        }
    }

    private void watchIdle() {
        Connection connection = current;
        if (connection == null || connection.inSink) {
            return;
        }
        long silentNanos = System.nanoTime() - connection.lastActivityNanos;
        if (silentNanos > idleTimeout.toNanos()) {
            connection.end(String.format(Locale.ROOT, "no message for %.1f s (idle timeout %.1f s)",
                    silentNanos / 1e9, idleTimeout.toMillis() / 1000.0));
        }
    }

    /** A message longer than the limit: only its first bytes were kept; it goes on as such, to become a dead letter. */
    private void receivedOversized(Connection connection, byte[] prefix, long size) {
        FrameSink target = sink;
        if (closed() || target == null) {
            return;
        }
        connection.inSink = true;
        try {
            synchronized (sinkLock) {
                emitOversized(target, prefix, size, ORIGIN);
            }
        } finally {
            connection.inSink = false;
            connection.touch();
        }
    }

    private void received(Connection connection, byte[] frame) {
        FrameHeader header = FrameHeader.read(frame);
        switch (header.kind()) {
            case STATUS -> statusFrames.incrementAndGet();
            case ERROR -> {
                errorFrames.incrementAndGet();
                String description = describeErrorFrame(frame);
                error("Upbit error frame: " + description);
                LOG.warn("Upbit sent an error frame: {}", description);
            }
            case DATA -> {
                FrameSink target = sink;
                if (closed() || target == null) {
                    return;
                }
                connection.inSink = true;
                try {
                    boolean taken;
                    synchronized (sinkLock) {
                        taken = emit(target, frame, ORIGIN);
                    }
                    if (taken && !connection.hadData) {
                        connection.hadData = true;
                        backoff.reset();
                    }
                } finally {
                    connection.inSink = false;
                    connection.touch();
                }
            }
        }
    }

    private static String describeErrorFrame(byte[] frame) {
        try {
            JsonNode error = JSON.readTree(frame).path("error");
            return error.path("name").asText("?") + ": " + error.path("message").asText("");
        } catch (Exception e) {
            return new String(frame, StandardCharsets.UTF_8);
        }
    }

    /** One WebSocket connection: assembles partial messages, tracks activity, serialises sends. */
    private final class Connection implements WebSocket.Listener {

        final CompletableFuture<String> ended = new CompletableFuture<>();
        volatile WebSocket webSocket;
        volatile long lastActivityNanos = System.nanoTime();
        volatile boolean inSink;
        volatile boolean hadData;
        volatile List<String> subscribed;
        /** The message being received, in parts; bounded, so a message of any length costs at most the limit. */
        private final FrameBuffer message = new FrameBuffer(maxFrameBytes);

        void touch() {
            lastActivityNanos = System.nanoTime();
        }

        void end(String reason) {
            ended.complete(reason);
        }

        synchronized void send(String text) throws Exception {
            WebSocket ws = webSocket;
            if (ws == null || ws.isOutputClosed()) {
                throw new IllegalStateException("connection closed");
            }
            ws.sendText(text, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        void closeGracefully() {
            WebSocket ws = webSocket;
            if (ws == null) {
                return;
            }
            try {
                if (!ws.isOutputClosed()) {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // Closing anyway.
            }
            ws.abort();
        }

        void abort() {
            WebSocket ws = webSocket;
            if (ws != null) {
                ws.abort();
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            this.webSocket = webSocket;
            touch();
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            touch();
            message.append(data);
            if (last) {
                deliver();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            touch();
            message.append(StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(data)));
            if (last) {
                deliver();
            }
            webSocket.request(1);
            return null;
        }

        /** Hands on the message just completed: whole, or as its first bytes and size when it was too long. */
        private void deliver() {
            byte[] frame = message.kept();
            long size = message.size();
            boolean oversized = message.oversized();
            message.reset();
            if (oversized) {
                receivedOversized(this, frame, size);
            } else {
                received(this, frame);
            }
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            touch();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            touch();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end("closed by the server (" + statusCode + (reason == null || reason.isBlank() ? "" : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("connection failed: " + Errors.describe(error));
        }
    }

    /** Settings of an {@link UpbitWebSocketClient}; every one has a production default. */
    public static final class Builder {
        private URI uri = DEFAULT_URI;
        private URI restBase = DEFAULT_REST_BASE;
        private List<String> markets = List.of();
        private Duration marketRefresh = Duration.ofMinutes(10);
        private List<String> types = DEFAULT_TYPES;
        private int orderbookDepth;
        private String format = "DEFAULT";
        private Duration pingInterval = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofSeconds(90);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration backoffInitial = Duration.ofSeconds(1);
        private Duration backoffMax = Duration.ofSeconds(60);
        private int maxFrameBytes = FrameParser.DEFAULT_MAX_FRAME_BYTES;
        private BiConsumer<SourceState, String> stateListener;

        private Builder() {
        }

        /** WebSocket endpoint; default {@code wss://api.upbit.com/websocket/v1}. */
        public Builder uri(URI uri) {
            this.uri = Objects.requireNonNull(uri);
            return this;
        }

        /** REST base for {@code /v1/market/all}; default {@code https://api.upbit.com}. */
        public Builder restBase(URI restBase) {
            this.restBase = Objects.requireNonNull(restBase);
            return this;
        }

        /** Markets to subscribe (e.g. KRW-BTC); empty (the default) = every KRW market Upbit lists. */
        public Builder markets(Collection<String> markets) {
            Set<String> codes = new LinkedHashSet<>();
            for (String market : markets) {
                String code = market.trim().toUpperCase(Locale.ROOT);
                if (!code.isEmpty()) {
                    codes.add(code);
                }
            }
            this.markets = new ArrayList<>(codes);
            return this;
        }

        /** How often the KRW market list is read again (resubscribing when it changed); zero = never. Default 10 min. */
        public Builder marketRefresh(Duration marketRefresh) {
            this.marketRefresh = requireNotNegative(marketRefresh, "marketRefresh");
            return this;
        }

        /** Frame types to subscribe; default ticker, trade, orderbook. */
        public Builder types(Collection<String> types) {
            this.types = nonEmptyCopy(types, "frame type");
            return this;
        }

        /** Orderbook levels to ask for (1, 5, 15 or 30, as a {@code .N} code suffix); 0 (default) = Upbit's default. */
        public Builder orderbookDepth(int orderbookDepth) {
            if (orderbookDepth != 0 && orderbookDepth != 1 && orderbookDepth != 5 && orderbookDepth != 15
                    && orderbookDepth != 30) {
                throw new IllegalArgumentException("orderbook depth must be 0, 1, 5, 15 or 30: " + orderbookDepth);
            }
            this.orderbookDepth = orderbookDepth;
            return this;
        }

        /** Frame format requested; default {@code DEFAULT} (full keys). */
        public Builder format(String format) {
            this.format = Objects.requireNonNull(format);
            return this;
        }

        /** How often the text {@code PING} is sent; default 60 s (Upbit closes after ~120 s of silence). */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = requirePositive(pingInterval, "pingInterval");
            return this;
        }

        /** Silence after which the connection counts as dead and is replaced; default 90 s; must exceed the ping interval. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = requirePositive(idleTimeout, "idleTimeout");
            return this;
        }

        /** Time allowed for a connect (TCP, TLS, handshake) and for a REST call; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Reconnect delays: the first about {@code initial}, doubling up to {@code max}, jittered; default 1 s .. 60 s. */
        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = requirePositive(initial, "backoff initial");
            this.backoffMax = requirePositive(max, "backoff max");
            return this;
        }

        /**
         * Longest message read whole (bytes); a longer one is handed on as its first bytes and its size, to become a
         * dead letter. Default 64 KiB ({@code tickerlake.cdc.max-frame-bytes}).
         */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes <= 0) {
                throw new IllegalArgumentException("max frame bytes must be positive: " + maxFrameBytes);
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** Told of every state change (UP, DOWN with its cause, STOPPED), on the client's threads. */
        public Builder stateListener(BiConsumer<SourceState, String> stateListener) {
            this.stateListener = stateListener;
            return this;
        }

        public UpbitWebSocketClient build() {
            if (idleTimeout.compareTo(pingInterval) <= 0) {
                throw new IllegalArgumentException("idleTimeout (" + idleTimeout + ") must exceed pingInterval ("
                        + pingInterval + ")");
            }
            return new UpbitWebSocketClient(this);
        }

        private static Duration requirePositive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        private static Duration requireNotNegative(Duration d, String what) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }
    }
}
