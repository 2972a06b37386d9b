package dev.tickerlake.upbit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.tickerlake.support.Durations;

/** Builds the {@link FrameSource} that {@code tickerlake.source} names, from the keys application.properties lists. */
public final class FrameSources {

    private FrameSources() {
    }

    /**
     * The source that {@code tickerlake.source} names, configured from {@code settings}.
     *
     * @param settings a key's value, or null (or blank) when the key is not set
     * @throws IllegalArgumentException on an unknown source or a malformed value
     */
    public static FrameSource fromSettings(Function<String, String> settings) {
        String source = value(settings, "tickerlake.source", "upbit").toLowerCase(Locale.ROOT);
        return switch (source) {
            case "upbit" -> upbit(settings);
            case "replay" -> replay(settings);
            case "synthetic" -> synthetic(settings);
            default -> throw new IllegalArgumentException("tickerlake.source must be upbit, replay or synthetic: "
                    + source);
        };
    }

    public static UpbitWebSocketClient upbit(Function<String, String> settings) {
        return UpbitWebSocketClient.builder()
                .uri(URI.create(value(settings, "tickerlake.upbit.websocket-url",
                        UpbitWebSocketClient.DEFAULT_URI.toString())))
                .restBase(URI.create(value(settings, "tickerlake.upbit.rest-url",
                        UpbitWebSocketClient.DEFAULT_REST_BASE.toString())))
                .markets(list(value(settings, "tickerlake.upbit.markets", "")))
                .marketRefresh(duration(settings, "tickerlake.upbit.market-refresh", "10m"))
                .pingInterval(duration(settings, "tickerlake.upbit.ping-interval", "60s"))
                .idleTimeout(duration(settings, "tickerlake.upbit.idle-timeout", "90s"))
                .orderbookDepth(Integer.parseInt(value(settings, "tickerlake.upbit.orderbook-depth", "0")))
                .maxFrameBytes(maxFrameBytes(settings))
                .build();
    }

    public static ReplayFile replay(Function<String, String> settings) {
        String file = value(settings, "tickerlake.replay.file", "");
        if (file.isEmpty()) {
            throw new IllegalArgumentException("tickerlake.replay.file must name a JSON-lines file for the replay source");
        }
        return ReplayFile.builder(Path.of(file))
                .speed(Double.parseDouble(value(settings, "tickerlake.replay.speed", "1")))
                .loop(Boolean.parseBoolean(value(settings, "tickerlake.replay.loop", "false")))
                .maxFrameBytes(maxFrameBytes(settings))
                .build();
    }

    public static SyntheticFeed synthetic(Function<String, String> settings) {
        SyntheticFeed.Builder builder = SyntheticFeed.builder()
                .rate(Double.parseDouble(value(settings, "tickerlake.synthetic.rate",
                        String.valueOf(SyntheticFeed.DEFAULT_RATE))))
                .seed(Long.parseLong(value(settings, "tickerlake.synthetic.seed",
                        String.valueOf(SyntheticFeed.DEFAULT_SEED))));
        String markets = value(settings, "tickerlake.synthetic.markets", String.valueOf(SyntheticFeed.DEFAULT_MARKETS));
        if (markets.chars().allMatch(Character::isDigit)) {
            builder.markets(Integer.parseInt(markets));
        } else {
            builder.markets(list(markets).stream().map(code -> code.toUpperCase(Locale.ROOT)).toList());
        }
        return builder.build();
    }

    private static int maxFrameBytes(Function<String, String> settings) {
        return Integer.parseInt(value(settings, "tickerlake.cdc.max-frame-bytes",
                String.valueOf(FrameParser.DEFAULT_MAX_FRAME_BYTES)));
    }

    private static Duration duration(Function<String, String> settings, String key, String fallback) {
        try {
            return Durations.parse(value(settings, key, fallback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String value(Function<String, String> settings, String key, String fallback) {
        String value = settings.apply(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
