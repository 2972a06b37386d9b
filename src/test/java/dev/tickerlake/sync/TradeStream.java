package dev.tickerlake.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends trades (and a ticker per batch) for a few markets in the background, batch after batch until stopped, so a
 * job can be stopped and started while envelopes keep arriving. Every envelope sent is added to the expected tables.
 */
final class TradeStream {

    private static final long START = 1714521600000L;

    private final String topic;
    private final List<String> markets;
    private final ExpectedTables expected;
    private final AtomicInteger tradesSent = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private CompletableFuture<Void> running;

    TradeStream(String topic, List<String> markets, ExpectedTables expected) {
        this.topic = topic;
        this.markets = markets;
        this.expected = expected;
    }

    /** Sends batches of {@code batchSize} trades, {@code pauseMillis} apart, until {@link #stop()}. */
    TradeStream start(int batchSize, long pauseMillis) {
        running = CompletableFuture.runAsync(() -> {
            long sequentialId = 1_000_000L;
            for (int b = 0; !stopping.get(); b++) {
                List<CanalRow> rows = new ArrayList<>();
                for (int i = 0; i < batchSize; i++) {
                    String market = markets.get(i % markets.size());
                    long t = START + 1000L * (b * batchSize + i);
                    rows.add(UpbitRows.trade(market, sequentialId++, t, 100.0 + b, 0.001 * (i + 1)));
                }
                String market = markets.get(b % markets.size());
                rows.add(UpbitRows.ticker(market, START + 1000L * b + 7, START + 1000L * b, 100.0 + b));
                SyncJobITSupport.send(topic, rows, expected);
                tradesSent.addAndGet(batchSize);
                sleep(pauseMillis);
            }
        });
        return this;
    }

    int tradesSent() {
        return tradesSent.get();
    }

    boolean isDone() {
        return running.isDone();
    }

    /** Returns once at least {@code more} further trades were sent. */
    void awaitMoreSent(int more) {
        int target = tradesSent() + more;
        while (tradesSent() < target && !running.isDone()) {
            sleep(50);
        }
    }

    /** Stops after the batch in flight; returns once it was sent. */
    void stop() {
        stopping.set(true);
        running.join();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
