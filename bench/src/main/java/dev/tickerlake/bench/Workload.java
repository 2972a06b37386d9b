package dev.tickerlake.bench;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tickerlake.upbit.SyntheticFrames;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * N synthetic frames over M markets ({@link SyntheticFrames}: its ticker/trade/orderbook mix), written to the raw
 * topics as the feed writes them (key = market, value = the frame), and what the Paimon tables must hold afterwards:
 * one {@code trade} row per trade frame, and per market the {@code ticker} and {@code orderbook} row of its latest
 * frame. Frame i carries the clock {@link #T0} + i ms, so all frames fall on one UTC day (one {@code dt}).
 */
final class Workload {

    /** 2024-05-01T12:00:00Z: midday, so that 300,000 ms of frames (and tickers' earlier trade times) stay on one day. */
    static final long T0 = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
    static final long SEED = 42;

    final int frames;
    final int markets;
    long trades;
    long bytes;
    final Map<String, Long> latestTicker = new HashMap<>();
    final Map<String, Long> latestOrderbook = new HashMap<>();

    Workload(int frames, int markets) {
        this.frames = frames;
        this.markets = markets;
    }

    /** Generates the frames and writes them to the raw topics; returns once Kafka has them all. */
    Workload preload(String bootstrapServers) {
        SyntheticFrames generator = new SyntheticFrames(markets, SEED);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < frames; i++) {
                long clock = T0 + i;
                SyntheticFrames.Frame frame = generator.next(clock);
                switch (frame.type()) {
                    case "trade" -> trades++;
                    case "ticker" -> latestTicker.put(frame.market(), clock);
                    default -> latestOrderbook.put(frame.market(), clock);
                }
                bytes += frame.json().length;
                producer.send(new ProducerRecord<>("upbit-" + frame.type(), frame.market(), frame.json()));
            }
            producer.flush();
        }
        return this;
    }

    /** Expected rows per table once everything landed. */
    Map<String, Long> expectedRows() {
        return Map.of("trade", trades, "ticker", (long) latestTicker.size(), "orderbook",
                (long) latestOrderbook.size());
    }

    /** The latest frame time per market of a table that keeps one row per market ({@code ticker}, {@code orderbook}). */
    Map<String, Long> latest(String table) {
        return "ticker".equals(table) ? latestTicker : latestOrderbook;
    }

    static final List<String> TABLES = List.of("trade", "ticker", "orderbook");
}
