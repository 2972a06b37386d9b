package dev.tickerlake.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tickerlake.sync.SyncJob;
import dev.tickerlake.sync.SyncJobState;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.upbit.FrameId;
import dev.tickerlake.upbit.FrameParser;
import dev.tickerlake.upbit.SyntheticFeed;
import dev.tickerlake.upbit.SyntheticFrames;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.options.Options;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.table.source.StreamTableScan;
import org.apache.paimon.table.source.TableRead;
import org.apache.paimon.table.source.TableScan;
import org.apache.paimon.types.RowKind;

/**
 * Freshness at a live-like rate: {@link SyntheticFeed} at R frames/s over M markets (each frame carries the wall-clock
 * time it was made as {@code timestamp}) into the raw topics, started once tickerlake's sync job runs (at a given
 * checkpoint interval) and a frame of each type has reached its table, so that Flink's start builds no backlog. Then
 * a Paimon streaming read per table polls every 200 ms for new snapshots; every row of a
 * new snapshot whose frame was made within the measured window gives one sample: the time the poll first saw the
 * snapshot minus the row's {@code timestamp}.
 */
final class Freshness {

    record Run(double p50, double p95, double p99, double max, int samples, double coverage) {
    }

    private static final long POLL_MILLIS = 200;

    private final BenchOptions options;

    Freshness(BenchOptions options) {
        this.options = options;
    }

    Run run(String name, Duration checkpointInterval) throws Exception {
        Duration window = options.freshnessWindow();
        try (Servers servers = Servers.start(options.workDir(), name)) {
            Map<String, String> settings = servers.tickerlakeSettings("tickerlake");
            settings.put("tickerlake.source", "none");
            settings.put("tickerlake.paimon.enabled", "true");
            settings.put("tickerlake.flink.checkpoint-interval", checkpointInterval.toMillis() + "ms");
            Progress.say("%s: tickerlake with the synthetic feed at %,d frames/s over %d markets, checkpoints every "
                    + "%d ms", name, options.freshnessRate(), options.freshnessMarkets(), checkpointInterval.toMillis());
            Map<String, String> catalogOptions = new HashMap<>(servers.catalogOptions(Pipeline.WAREHOUSE));
            catalogOptions.put("cache-enabled", "false");
            try (RunningTickerlake tickerlake = RunningTickerlake.start(servers.dir().resolve("tickerlake"), settings);
                 Catalog catalog = CatalogFactory.createCatalog(CatalogContext.create(Options.fromMap(catalogOptions)));
                 LiveFeed feed = new LiveFeed(servers.bootstrapServers(), options.freshnessMarkets(),
                         options.freshnessRate())) {
                awaitSyncJob(tickerlake);
                // A few frames first, so that the tables exist and Flink's tasks run before the paced feed starts.
                feed.prime();
                List<Stream> streams = awaitTables(catalog, checkpointInterval);
                long feedStart = System.currentTimeMillis();
                feed.start();
                catchUp(name, streams, checkpointInterval, feedStart);
                long windowStart = System.currentTimeMillis();
                long windowEnd = windowStart + window.toMillis();
                // Partitions of a topic can lag one another: give the window's last rows time to land.
                long giveUp = windowEnd + Math.max(checkpointInterval.toMillis() * 3 + 30_000, 90_000);
                Progress.say("%s: tables up; measuring frames made in the next %d s", name, window.toSeconds());
                List<Long> latencies = new ArrayList<>();
                long nextReport = windowStart + 15_000;
                while (!streams.stream().allMatch(s -> s.newest >= windowEnd) && System.currentTimeMillis() < giveUp) {
                    for (Stream stream : streams) {
                        stream.poll(windowStart, windowEnd, latencies);
                    }
                    if (System.currentTimeMillis() > nextReport) {
                        long newest = streams.stream().mapToLong(s -> s.newest).min().orElse(0);
                        Progress.say("  %s: %,d samples so far; the newest readable frame of every table is %.1f s "
                                + "old", name, latencies.size(), (System.currentTimeMillis() - newest) / 1000.0);
                        nextReport += 15_000;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
                long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                // Every frame gives a row in the changelog of its table: as many samples as frames made in the window.
                double coverage = sorted.length / (options.freshnessRate() * window.toMillis() / 1000.0);
                if (sorted.length == 0 || coverage < 0.99) {
                    long newest = streams.stream().mapToLong(s -> s.newest).min().orElse(0);
                    throw new IllegalStateException(Bench.fmt("%s: only %,d of ≈ %,.0f rows of the window became "
                            + "readable within %d s after it (the pipeline does not keep up with %,d frames/s: the "
                            + "newest readable frame is %.1f s old)", name, sorted.length,
                            options.freshnessRate() * window.toMillis() / 1000.0, (giveUp - windowEnd) / 1000,
                            options.freshnessRate(), (System.currentTimeMillis() - newest) / 1000.0));
                }
                Run run = new Run(Stats.percentile(sorted, 50), Stats.percentile(sorted, 95),
                        Stats.percentile(sorted, 99), sorted[sorted.length - 1], sorted.length, coverage);
                Progress.say("%s: %,d rows, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms", name,
                        run.samples(), run.p50(), run.p95(), run.p99(), run.max());
                return run;
            }
        }
    }

    /**
     * Reads without measuring until the pipeline has caught up with the feed (every table has rows of the paced feed,
     * the newest at most one checkpoint interval + 5 s old): the backlog made while the sync job started is not
     * freshness.
     */
    private static void catchUp(String name, List<Stream> streams, Duration checkpointInterval, long feedStart)
            throws Exception {
        long start = System.currentTimeMillis();
        long deadline = start + 180_000;
        long nextReport = start + 15_000;
        List<Long> ignored = new ArrayList<>();
        // How old the newest readable frame was 30 s ago: still growing after a minute means it never catches up.
        long compareMillis = 30_000;
        java.util.ArrayDeque<long[]> history = new java.util.ArrayDeque<>();
        while (System.currentTimeMillis() < deadline) {
            for (Stream stream : streams) {
                stream.poll(Long.MAX_VALUE, Long.MAX_VALUE, ignored);
            }
            long now = System.currentTimeMillis();
            long oldest = now - streams.stream().mapToLong(s -> s.newest).min().orElse(0);
            boolean fed = streams.stream().allMatch(stream -> stream.newest >= feedStart);
            if (fed && oldest <= checkpointInterval.toMillis() + 5_000) {
                return;
            }
            history.addLast(new long[] {now, oldest});
            while (history.peekFirst()[0] < now - compareMillis) {
                long[] earlier = history.removeFirst();
                // More than one interval + 5 s older: not the saw-tooth of commits every interval, a growing backlog.
                if (now - start > 2 * compareMillis && oldest > earlier[1] + checkpointInterval.toMillis() + 5_000) {
                    throw new IllegalStateException(Bench.fmt("%s: the pipeline does not keep up with the feed: the "
                            + "newest readable frame is %.0f s old, %.0f s older than %d s ago", name, oldest / 1000.0,
                            (oldest - earlier[1]) / 1000.0, compareMillis / 1000));
                }
            }
            if (now > nextReport) {
                Progress.say("  %s: catching up with the feed: the newest readable frame is %.1f s old", name,
                        oldest / 1000.0);
                nextReport += 15_000;
            }
            Thread.sleep(POLL_MILLIS);
        }
        Progress.say("  %s: did not catch up with the feed within 180 s; measuring anyway", name);
    }

    /** Waits until tickerlake's sync job runs: the feed starts then, so no backlog builds up while Flink starts. */
    private static void awaitSyncJob(RunningTickerlake tickerlake) throws Exception {
        SyncJob job = tickerlake.context().getRegistry().lookupByNameAndType("syncJob", SyncJob.class);
        long deadline = System.currentTimeMillis() + 180_000;
        while (job.state().status() != SyncJobState.Status.RUNNING) {
            if (job.state().status() == SyncJobState.Status.FAILED || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the sync job did not start: " + job.state());
            }
            Thread.sleep(200);
        }
    }

    /**
     * {@link SyntheticFeed} at R frames/s, each frame to its raw topic keyed by market as tickerlake's feed route sends
     * it (the same producer settings: acks=all, idempotent).
     */
    private static final class LiveFeed implements AutoCloseable {
        private final SyntheticFeed feed;
        private final KafkaProducer<String, byte[]> producer;
        private final FrameParser parser = new FrameParser();

        LiveFeed(String bootstrapServers, int markets, int rate) {
            this.feed = SyntheticFeed.builder().markets(markets).rate(rate).seed(Workload.SEED).build();
            this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                    new StringSerializer(), new ByteArraySerializer());
        }

        /** One frame of each type (the first frames of another generator), stamped now. */
        void prime() throws Exception {
            SyntheticFrames frames = new SyntheticFrames(SyntheticFrames.marketCodes(10), Workload.SEED + 1);
            java.util.Set<String> types = new java.util.HashSet<>();
            while (types.size() < 3) {
                SyntheticFrames.Frame frame = frames.next(System.currentTimeMillis());
                if (types.add(frame.type())) {
                    producer.send(new ProducerRecord<>("upbit-" + frame.type(), frame.market(), frame.json())).get();
                }
            }
        }

        void start() {
            feed.start((frame, origin) -> {
                FrameId id = parser.identify(frame);
                producer.send(new ProducerRecord<>(id.topic(), id.market(), frame));
            });
        }

        @Override
        public void close() {
            feed.close();
            producer.close();
        }
    }

    /** Waits for every table's first snapshot, then opens a streaming read of each from its latest snapshot on. */
    private List<Stream> awaitTables(Catalog catalog, Duration checkpointInterval) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000 + checkpointInterval.toMillis() * 3;
        while (true) {
            List<Stream> streams = new ArrayList<>();
            for (String name : Workload.TABLES) {
                try {
                    FileStoreTable table = (FileStoreTable) catalog.getTable(Identifier.create("upbit", name));
                    if (table.snapshotManager().latestSnapshotId() != null) {
                        streams.add(new Stream(table));
                    }
                } catch (Catalog.TableNotExistException notYet) {
                    // created with the first envelope of the table
                } catch (RuntimeException beingWritten) {
                    // e.g. a schema file listed while the sync job still writes it (S3 has no atomic rename): retry
                }
            }
            if (streams.size() == Workload.TABLES.size()) {
                return streams;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the tables did not all get a snapshot within "
                        + (deadline / 1000 - System.currentTimeMillis() / 1000) + " s");
            }
            Thread.sleep(500);
        }
    }

    /** A streaming read of one table's new rows (its changelog: every frame's row), projected to {@code timestamp}. */
    private static final class Stream {
        final StreamTableScan scan;
        final TableRead read;
        /** The newest frame time read so far; starts at the stream's opening (nothing newer is readable yet). */
        long newest = System.currentTimeMillis();

        Stream(FileStoreTable table) {
            int timestamp = table.rowType().getFieldNames().indexOf("timestamp");
            ReadBuilder builder = table.copy(Map.of("scan.mode", "latest")).newReadBuilder()
                    .withProjection(new int[] {timestamp});
            this.scan = builder.newStreamScan();
            this.read = builder.newRead();
        }

        void poll(long windowStart, long windowEnd, List<Long> latencies) throws Exception {
            while (true) {
                long seen = System.currentTimeMillis();
                Long before = scan.checkpoint();
                TableScan.Plan plan = scan.plan();
                if (plan.splits().isEmpty()) {
                    if (java.util.Objects.equals(before, scan.checkpoint())) {
                        return;
                    }
                    continue;
                }
                try (RecordReader<InternalRow> reader = read.createReader(plan)) {
                    RecordReader.RecordIterator<InternalRow> batch;
                    while ((batch = reader.readBatch()) != null) {
                        InternalRow row;
                        while ((row = batch.next()) != null) {
                            if (row.getRowKind() == RowKind.UPDATE_BEFORE || row.getRowKind() == RowKind.DELETE) {
                                continue;
                            }
                            long made = row.getTimestamp(0, 3).getMillisecond();
                            newest = Math.max(newest, made);
                            if (made >= windowStart && made < windowEnd) {
                                latencies.add(seen - made);
                            }
                        }
                        batch.releaseBatch();
                    }
                }
            }
        }
    }
}
