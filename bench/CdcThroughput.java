import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.tickerlake.Tickerlake;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.upbit.SyntheticFrames;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Frames/s through the feed and the CDC route (no Paimon): N synthetic frames replayed as fast as possible from a
 * file into the embedded Kafka, until every envelope is on upbit-cdc. Prints a small table.
 * Run: mvn -B -q package -DskipTests && java -cp target/tickerlake.jar bench/CdcThroughput.java [frames] [markets]
 */
public class CdcThroughput {

    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int markets = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dir = Files.createTempDirectory("cdc-bench");
        Path file = dir.resolve("frames.jsonl");
        SyntheticFrames generator = new SyntheticFrames(markets, 42L);
        long t0 = 1714521600000L;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < frames; i++) {
                out.write(generator.next(t0 + i).json());
                out.write('\n');
            }
        }
        System.out.printf("wrote %,d frames (%,d markets, %,d bytes)%n", frames, markets, Files.size(file));
        int kafkaPort = EmbeddedKafka.freePort();
        Main main = Tickerlake.create("--tickerlake.data-dir=" + dir.resolve("data"),
                "--tickerlake.embedded.s3-port=" + EmbeddedKafka.freePort(),
                "--tickerlake.embedded.kafka-port=" + kafkaPort,
                "--camel.server.port=" + EmbeddedKafka.freePort(), "--camel.management.port=" + EmbeddedKafka.freePort(),
                "--tickerlake.paimon.enabled=false", "--tickerlake.source=replay",
                "--tickerlake.replay.file=" + file, "--tickerlake.replay.speed=0");
        main.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort))) {
            long start = 0, rawDone = 0;
            long raw = 0, cdc = 0;
            while (cdc < frames) {
                Thread.sleep(250);
                raw = endOffsets(admin, List.of("upbit-ticker", "upbit-trade", "upbit-orderbook"));
                cdc = endOffsets(admin, List.of("upbit-cdc", "upbit-dlq"));
                if (start == 0 && raw > 0) {
                    start = System.nanoTime();
                }
                if (rawDone == 0 && raw >= frames) {
                    rawDone = System.nanoTime();
                }
            }
            long end = System.nanoTime();
            System.out.printf("%n| stage | frames | seconds | frames/s |%n|---|---|---|---|%n");
            System.out.printf("| feed: replay file -> raw topics | %,d | %.1f | %,.0f |%n", frames,
                    (rawDone - start) / 1e9, frames / ((rawDone - start) / 1e9));
            System.out.printf("| end to end: file -> upbit-cdc envelopes | %,d | %.1f | %,.0f |%n", frames,
                    (end - start) / 1e9, frames / ((end - start) / 1e9));
        } finally {
            main.stop();
        }
    }

    /** Records on the topics so far; 0 while tickerlake has not created them yet. */
    private static long endOffsets(Admin admin, List<String> topics) throws Exception {
        if (!admin.listTopics().names().get().containsAll(topics)) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> request = admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }
}
