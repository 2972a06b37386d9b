package dev.tickerlake.bench;

import java.util.List;
import java.util.Map;

import dev.tickerlake.testing.RunningTickerlake;

/**
 * The CDC route alone, with Kafka at both ends: N frames pre-loaded on the raw topics, then tickerlake started without
 * the sync job; frames/s from the first envelope on {@code upbit-cdc} to the last one (envelopes and dead letters
 * counted by the topics' end offsets every 100 ms). The last one is known once the route's consumer group has
 * committed every raw offset (the route commits a batch only after Kafka acknowledged its envelopes and dead letters,
 * routes/ticker-cdc.camel.yaml) and the output has stopped growing for 1 s. A batch sent again after a failure adds
 * records out, so their count is no sign of completion. An envelope holds one or more rows
 * ({@code tickerlake.cdc.envelope-max-rows}): envelopes are counted, rows are the frames less the dead letters.
 */
final class CdcRoute {

    record Run(double framesPerSecond, long envelopes, long deadLetters, boolean complete) {
    }

    private final BenchOptions options;

    CdcRoute(BenchOptions options) {
        this.options = options;
    }

    Run run(String name, int frames, int markets) throws Exception {
        try (Servers servers = Servers.start(options.workDir(), name)) {
            Progress.say("%s: pre-loading %,d frames over %d markets", name, frames, markets);
            new Workload(frames, markets).preload(servers.bootstrapServers());
            Map<String, String> settings = servers.tickerlakeSettings("tickerlake");
            settings.put("tickerlake.source", "none");
            settings.put("tickerlake.paimon.enabled", "false");
            settings.putAll(options.tickerlakeSettings());
            List<String> out = List.of(Servers.CDC_TOPIC, Servers.DLQ_TOPIC);
            String group = Config.application("tickerlake.cdc.group-id");
            try (RunningTickerlake ignored = RunningTickerlake.start(servers.dir().resolve("tickerlake"), settings)) {
                long start = System.nanoTime();
                long deadline = start + options.phaseTimeout(frames).toNanos();
                long first = 0;
                long lastGrowth = 0;
                long last = 0;
                while (true) {
                    long now = System.nanoTime();
                    long written = servers.endOffsets(out);
                    if (written > last) {
                        first = first == 0 ? now : first;
                        lastGrowth = now;
                        last = written;
                    }
                    boolean quiet = lastGrowth > 0 && now - lastGrowth > 1_000_000_000L;
                    // Done: the group committed every raw offset, i.e. every frame's output was acknowledged.
                    boolean consumed = servers.committed(group, Servers.RAW_TOPICS) >= frames;
                    // Unconfirmed: not every offset committed and nothing written for 30 s.
                    boolean stalled = lastGrowth > 0 && now - lastGrowth > 30_000_000_000L;
                    if (quiet && consumed || stalled || now > deadline) {
                        long deadLetters = servers.endOffsets(List.of(Servers.DLQ_TOPIC));
                        // The first envelope was written within one poll before it was seen.
                        double seconds = Progress.seconds(first - 100_000_000L, lastGrowth);
                        Run run = new Run(frames / seconds, last - deadLetters, deadLetters, consumed);
                        if (servers.committed(group, Servers.RAW_TOPICS) < frames) {
                            Progress.say("%s: the route's group %s has committed %,d of %,d raw offsets", name, group,
                                    servers.committed(group, Servers.RAW_TOPICS), frames);
                        }
                        Progress.say("%s: CDC route %,.0f frames/s (%,d envelopes, %,d dead letters%s)", name,
                                run.framesPerSecond(), run.envelopes(), deadLetters,
                                consumed ? "" : ", NOT complete: not every raw offset committed");
                        return run;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }
}
