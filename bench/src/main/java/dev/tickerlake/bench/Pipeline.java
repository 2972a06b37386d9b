package dev.tickerlake.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tickerlake.cdc.CdcMapper;
import dev.tickerlake.cdc.Envelope;
import dev.tickerlake.kafka.RetentionSettings;
import dev.tickerlake.kafka.Topics;
import dev.tickerlake.sync.SyncJob;
import dev.tickerlake.sync.SyncJobState;
import dev.tickerlake.sync.SyncJobSettings;
import dev.tickerlake.testing.RunningTickerlake;
import dev.tickerlake.upbit.FrameRejectedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The throughput measurements on one pre-loaded set of frames (one run): tickerlake end to end, then on one-row canal
 * envelopes of the same frames, Paimon's {@code kafka_sync_database} alone (stock table options, then tickerlake's)
 * and a plain Kafka consumer. The harness writes those envelopes itself, untimed, to {@link #ONE_ROW_TOPIC} (the
 * project's mapper, one envelope per frame keyed {@code table|pk}: what tickerlake's route sends with
 * {@code tickerlake.cdc.envelope-max-rows=1}), whatever format tickerlake's own envelopes on {@code upbit-cdc} take.
 * Each sync reads that topic into its own database of the same warehouse.
 */
final class Pipeline {

    static final String WAREHOUSE = "s3://paimon/warehouse";
    /** The baselines' input: one-row canal envelopes of the run's frames, written by the harness. */
    static final String ONE_ROW_TOPIC = "bench-cdc-one-row";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The figures of one run; baselines and limit are 0 when not measured. */
    record Run(double endToEnd, double stock, double tickerlakeOptions, double limitRecords, double limitRows,
               long envelopes, long deadLetters, double firstSnapshotSeconds, double cdcStageSeconds,
               long oneRowEnvelopes) {
    }

    /**
     * The remote run's changes to figure 1's tickerlake run: extra settings (Flink mode, parallelism, table options) and
     * the S3 port (fixed: the session cluster's checkpoints go to it). Once every row is readable the job is stopped
     * with {@code POST /api/sync/stop}, timed.
     */
    record Setup(String mode, Map<String, String> settings, int s3Port) {
    }

    /** {@code POST /api/sync/stop}: how long it took, what it answered, the savepoint, Flink's own timing of it. */
    record Stop(double seconds, int status, String state, String savepoint, Map<String, Object> details) {
        boolean savepointCompleted() {
            return status == 200 && "STOPPED".equals(state) && savepoint != null;
        }
    }

    /** A remote-run measurement: figure 1's run, when the job was submitted, the stop, where the CPU went. */
    record Measured(Run run, double submittedSeconds, Stop stop, Map<String, Object> cpu, Map<String, Object> job) {
    }

    /** The admin user the harness gives tickerlake ({@link Servers#tickerlakeSettings}). */
    private static final String ADMIN = "bench:bench";
    /** How often the remote run asks the job's state meanwhile (each ask is 4 REST calls to a session cluster). */
    private static final long REMOTE_RUN_STATE_EVERY = 2_000_000_000L;

    private final BenchOptions options;

    Pipeline(BenchOptions options) {
        this.options = options;
    }

    Run run(String name, int frames, int markets, boolean baselines) throws Exception {
        return measure(name, frames, markets, baselines, null).run();
    }

    /**
     * The remote run's end-to-end measurement: figure 1's tickerlake run with {@code setup}, then the job stopped with a
     * savepoint over tickerlake's admin API, timed.
     */
    Measured endToEnd(String name, int frames, int markets, Setup setup) throws Exception {
        return measure(name, frames, markets, false, setup);
    }

    private Measured measure(String name, int frames, int markets, boolean baselines, Setup setup) throws Exception {
        try (Servers servers = setup == null ? Servers.start(options.workDir(), name)
                : Servers.start(options.workDir(), name, setup.s3Port())) {
            Progress.say("%s: pre-loading %,d frames over %d markets into the raw topics", name, frames, markets);
            Workload workload = new Workload(frames, markets).preload(servers.bootstrapServers());
            Progress.say("%s: %,d frames (%,d trades, %.0f MB) on the raw topics; starting tickerlake", name, frames,
                    workload.trades, workload.bytes / 1e6);

            Map<String, String> settings = servers.tickerlakeSettings("tickerlake");
            settings.put("tickerlake.source", "none");
            settings.put("tickerlake.paimon.enabled", "true");
            settings.put("tickerlake.flink.checkpoint-interval", options.throughputCheckpoint().toMillis() + "ms");
            settings.putAll(options.tickerlakeSettings());
            if (setup != null) {
                settings.putAll(setup.settings());
            }
            double endToEnd;
            double firstSnapshot;
            double cdcStage;
            double submitted = 0;
            Stop stop = null;
            Map<String, Object> cpu = Map.of();
            Map<String, Object> jobDetails = new LinkedHashMap<>();
            try (RunningTickerlake tickerlake = RunningTickerlake.start(servers.dir().resolve("tickerlake"), settings)) {
                long start = System.nanoTime();
                Instant startedAt = Instant.now();
                Cpu.Sample cpuStart = Cpu.sample();
                SyncJob job = tickerlake.context().getRegistry().lookupByNameAndType("syncJob", SyncJob.class);
                Timing timing = await(name + " tickerlake", servers, "upbit", workload, start, true, job,
                        setup == null ? 0 : REMOTE_RUN_STATE_EVERY);
                endToEnd = frames / Progress.seconds(start, timing.complete);
                firstSnapshot = timing.firstSnapshot;
                cdcStage = timing.cdcStage;
                Progress.say("%s: tickerlake end to end %,.0f frames/s (%.1f s; first snapshot after %.1f s, last "
                        + "envelope after %.1f s)", name, endToEnd, Progress.seconds(start, timing.complete), firstSnapshot,
                        cdcStage);
                if (setup == null) {
                    job.cancel();
                } else {
                    cpu = Cpu.between(cpuStart, Cpu.sample());
                    SyncJobState state = job.state();
                    submitted = state.startedAt() == null ? 0
                            : Duration.between(startedAt, state.startedAt()).toMillis() / 1000.0;
                    // Flink's REST API: the session cluster's, or the MiniCluster's (it always has one, on a free port).
                    String flinkRest = state.cluster().address();
                    jobDetails.putAll(jobTimeline(flinkRest, state.jobId(), startedAt));
                    stop = stop(name, tickerlake, job, flinkRest);
                }
            }
            long envelopes = servers.endOffsets(List.of(Servers.CDC_TOPIC));
            long deadLetters = servers.endOffsets(List.of(Servers.DLQ_TOPIC));
            if (!baselines) {
                return new Measured(new Run(endToEnd, 0, 0, 0, 0, envelopes, deadLetters, firstSnapshot, cdcStage, 0),
                        submitted, stop, cpu, jobDetails);
            }
            long rows = frames - deadLetters;
            long oneRow = oneRowEnvelopes(name, servers);
            double[] limit = limit(servers, oneRow);
            Progress.say("%s: plain consumer %,.0f records/s (%,d one-row envelopes)", name, limit[0], oneRow);
            double stock = syncAlone(name, servers, workload, "stock", "stock table options",
                    options.stockTableOptions());
            double ours = syncAlone(name, servers, workload, "tickerlake_options", "tickerlake's table options",
                    Config.tableOptions());
            return new Measured(new Run(endToEnd, stock, ours, limit[0], limit[0] * rows / oneRow, envelopes,
                    deadLetters, firstSnapshot, cdcStage, oneRow), 0, null, Map.of(), Map.of());
        }
    }

    /**
     * {@code POST /api/sync/stop} as an operator sends it, timed until tickerlake answers: it answers once the savepoint
     * completed and the job ended (or, past tickerlake.flink.savepoint-timeout, once it cancelled the job instead).
     */
    private static Stop stop(String name, RunningTickerlake tickerlake, SyncJob job, String flinkRest)
            throws Exception {
        String jobId = job.state().jobId();
        long asked = System.nanoTime();
        HttpResponse<String> answer = tickerlake.api("POST", "/api/sync/stop", null, ADMIN);
        double seconds = Progress.seconds(asked, System.nanoTime());
        String state = answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("state").asText() : null;
        String savepoint = job.state().lastSavepoint();
        Map<String, Object> details = new LinkedHashMap<>();
        if (flinkRest != null && jobId != null) {
            // Flink's own account of the savepoint: trigger to last acknowledgement, the rest is the job ending and
            // the round trips of tickerlake's client.
            JsonNode latest = rest(flinkRest, "/jobs/" + jobId + "/checkpoints").path("latest").path("savepoint");
            // Flink's REST API serves a job from a cache it refreshes every web.refresh-interval (3 s): the look at
            // the running job just before may still be what it answers.
            for (int retry = 0; retry < 4 && !latest.isObject(); retry++) {
                Thread.sleep(1000);
                latest = rest(flinkRest, "/jobs/" + jobId + "/checkpoints").path("latest").path("savepoint");
            }
            if (latest.isObject()) {
                details.put("flinkSavepointSeconds", latest.path("end_to_end_duration").asLong() / 1000.0);
                details.put("savepointBytes", latest.path("state_size").asLong());
            }
        }
        Stop stop = new Stop(seconds, answer.statusCode(), state, savepoint, details);
        Progress.say("%s: POST /api/sync/stop answered %d in %.2f s: %s, savepoint %s%s", name, answer.statusCode(),
                seconds, state, savepoint, details.isEmpty() ? "" : " " + details);
        return stop;
    }

    /**
     * How the job started, from Flink's REST API, in seconds after tickerlake started (same machine, same clock): the
     * submission received (INITIALIZING; remote: the job graph and the jar arrived at the JobManager), the job RUNNING
     * (the JobMaster initialized), every task RUNNING (remote: the TaskManager fetched the jar from the JobManager's blob
     * server, loaded its classes and initialized the tasks; no checkpoint can be taken before).
     */
    private static Map<String, Object> jobTimeline(String flinkRest, String jobId, Instant tickerlakeStarted)
            throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        if (jobId == null || flinkRest == null) {
            return details;
        }
        JsonNode job = rest(flinkRest, "/jobs/" + jobId);
        long received = job.path("timestamps").path("INITIALIZING").asLong(job.path("start-time").asLong());
        long running = job.path("timestamps").path("RUNNING").asLong();
        long tasksRunning = 0;
        for (JsonNode vertex : job.path("vertices")) {
            JsonNode times = rest(flinkRest, "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText()
                    + "/subtasktimes");
            for (JsonNode subtask : times.path("subtasks")) {
                tasksRunning = Math.max(tasksRunning, subtask.path("timestamps").path("RUNNING").asLong());
            }
        }
        long t0 = tickerlakeStarted.toEpochMilli();
        details.put("jobReceivedSeconds", (received - t0) / 1000.0);
        if (running > 0) {
            details.put("jobRunningSeconds", (running - t0) / 1000.0);
        }
        if (tasksRunning > 0) {
            details.put("tasksRunningSeconds", (tasksRunning - t0) / 1000.0);
        }
        details.put("parallelism", job.path("vertices").path(0).path("parallelism").asInt());
        return details;
    }

    /**
     * Figure 9: the envelopes of {@code frames} frames (tickerlake's CDC route, without the sync job, fills upbit-cdc),
     * synced by Paimon's action alone with tickerlake's table options and with each variant of them, each twice; rows/s
     * by label ("tickerlake" first, then each variant's changes).
     */
    Map<String, List<Double>> variants(String name, int frames, int markets, List<Map<String, String>> variants,
                                       boolean warmUp) throws Exception {
        try (Servers servers = Servers.start(options.workDir(), name)) {
            Progress.say("%s: pre-loading %,d frames over %d markets into the raw topics", name, frames, markets);
            Workload workload = new Workload(frames, markets).preload(servers.bootstrapServers());
            Map<String, String> settings = servers.tickerlakeSettings("tickerlake");
            settings.put("tickerlake.source", "none");
            settings.put("tickerlake.paimon.enabled", "false");
            // Figure 9 compares table options on one-row envelopes (its wait below counts one envelope per frame).
            settings.put("tickerlake.cdc.envelope-max-rows", "1");
            try (RunningTickerlake ignored = RunningTickerlake.start(servers.dir().resolve("tickerlake"), settings)) {
                long deadline = System.nanoTime() + options.phaseTimeout(frames).toNanos();
                while (servers.endOffsets(List.of(Servers.CDC_TOPIC, Servers.DLQ_TOPIC)) < frames) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + ": the CDC route did not write an envelope per frame");
                    }
                    Thread.sleep(250);
                }
            }
            Progress.say("%s: %,d envelopes on %s", name, servers.endOffsets(List.of(Servers.CDC_TOPIC)),
                    Servers.CDC_TOPIC);
            if (warmUp && !options.quick()) {
                // The first sync job in this JVM pays for class loading and JIT: not any variant's cost.
                Progress.say("%s: one untimed sync first (warm-up)", name);
                syncAlone(name, servers, workload, Servers.CDC_TOPIC, "warm_up", "warm-up", Config.tableOptions());
            }
            // Each option set runs twice, in the order A B C … C B A: a JVM that is still warming up (JIT) favours
            // whatever runs later, and the mirrored order cancels that trend out of the comparison.
            Map<String, Map<String, String>> sets = new LinkedHashMap<>();
            sets.put("tickerlake", Config.tableOptions());
            for (Map<String, String> change : variants) {
                Map<String, String> tableOptions = new LinkedHashMap<>(Config.tableOptions());
                change.forEach((key, value) -> {
                    if (value.isEmpty()) {
                        tableOptions.remove(key);
                    } else {
                        tableOptions.put(key, value);
                    }
                });
                sets.put(Bench.label(change), tableOptions);
            }
            List<String> order = new ArrayList<>(sets.keySet());
            List<String> mirrored = new ArrayList<>(order);
            Collections.reverse(mirrored);
            order.addAll(mirrored);
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            int i = 0;
            for (String label : order) {
                rates.computeIfAbsent(label, k -> new ArrayList<>()).add(syncAlone(name, servers, workload,
                        Servers.CDC_TOPIC, "options_" + ++i, label.equals("tickerlake") ? "tickerlake's table options" : label,
                        sets.get(label)));
            }
            return rates;
        }
    }

    private static JsonNode rest(String base, String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET " + base + path + " answered " + answer.statusCode() + ": "
                    + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /**
     * Writes the one-row canal envelopes of the frames on the raw topics to {@link #ONE_ROW_TOPIC}, untimed: each raw
     * partition read in order and mapped by the project's {@link CdcMapper} (one envelope per frame, keyed
     * {@code table|pk}, placed by Kafka's partitioner), so each key's changes are in order as tickerlake's route would
     * send them with one row per envelope; a frame it rejects is left out (the route's dead letter). Returns the
     * envelopes written.
     */
    private static long oneRowEnvelopes(String name, Servers servers) throws Exception {
        int partitions = Integer.parseInt(Config.application("tickerlake.kafka.partitions"));
        new Topics(servers.bootstrapServers(), ONE_ROW_TOPIC, partitions, 1,
                RetentionSettings.fromSettings(key -> Config.application(key), true)).ensure();
        CdcMapper mapper = new CdcMapper(Integer.parseInt(Config.application("tickerlake.cdc.max-frame-bytes")),
                Config.application("tickerlake.cdc.string-type"));
        long start = System.nanoTime();
        long written = 0;
        List<java.util.concurrent.Future<?>> sends = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            for (String topic : Servers.RAW_TOPICS) {
                for (var info : consumer.partitionsFor(topic)) {
                    TopicPartition partition = new TopicPartition(topic, info.partition());
                    consumer.assign(List.of(partition));
                    consumer.seekToBeginning(List.of(partition));
                    long end = consumer.endOffsets(List.of(partition)).get(partition);
                    while (consumer.position(partition) < end) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            Envelope envelope;
                            try {
                                envelope = mapper.map(record.value());
                            } catch (FrameRejectedException rejected) {
                                continue;
                            }
                            sends.add(producer.send(new ProducerRecord<>(ONE_ROW_TOPIC, envelope.key(),
                                    envelope.value())));
                            written++;
                        }
                    }
                }
            }
            producer.flush();
            // Every send acknowledged, or the baselines would wait for envelopes that never arrived.
            for (java.util.concurrent.Future<?> send : sends) {
                send.get();
            }
        }
        Progress.say("%s: %,d one-row envelopes of the same frames on %s (untimed, %.1f s)", name, written,
                ONE_ROW_TOPIC, Progress.seconds(start, System.nanoTime()));
        return written;
    }

    /** Paimon's action alone on the one-row envelopes of {@link #ONE_ROW_TOPIC}, into database {@code database}; rows/s. */
    private double syncAlone(String name, Servers servers, Workload workload, String database, String label,
                             Map<String, String> tableOptions) throws Exception {
        return syncAlone(name, servers, workload, ONE_ROW_TOPIC, database, label, tableOptions);
    }

    private double syncAlone(String name, Servers servers, Workload workload, String topic, String database,
                             String label, Map<String, String> tableOptions) throws Exception {
        // tickerlake's settings of the job beyond table options (a variant of figure 9 may turn one off, e.g.
        // "flink.object-reuse=false"); the stock baseline runs with Flink's and S3A's defaults.
        Map<String, String> flink = new LinkedHashMap<>();
        tableOptions = new LinkedHashMap<>(tableOptions);
        for (String key : List.of("flink.object-reuse", "flink.compact-cdc-serializer",
                "paimon.keep-directory-markers")) {
            String variant = tableOptions.remove(key);
            flink.put(key, database.equals("stock") ? "false"
                    : variant != null ? variant : Config.application("tickerlake." + key));
        }
        SyncJobSettings settings = SyncJobSettings.builder()
                .warehouse(WAREHOUSE)
                .s3(servers.s3Settings())
                .bootstrapServers(servers.bootstrapServers())
                .topic(topic)
                .consumerGroup("bench-" + database)
                .database(database)
                .partitionKeys(List.of(Config.application("tickerlake.paimon.partition-keys").split(",")))
                .tableOptions(tableOptions)
                .checkpointInterval(options.throughputCheckpoint())
                .checkpointDir("s3://checkpoints/bench-" + database)
                .localDir(servers.dir().resolve("sync-" + database))
                .parallelism(Integer.parseInt(Config.application("tickerlake.flink.parallelism")))
                .jobName("bench-" + database)
                .objectReuse(Boolean.parseBoolean(flink.get("flink.object-reuse")))
                .compactCdcSerializer(Boolean.parseBoolean(flink.get("flink.compact-cdc-serializer")))
                .keepDirectoryMarkers(Boolean.parseBoolean(flink.get("paimon.keep-directory-markers")))
                .build();
        try (SyncJob job = new SyncJob(settings)) {
            long start = System.nanoTime();
            job.startFresh("earliest");
            Timing timing = await(name + " paimon alone (" + database + ")", servers, database, workload, start, false,
                    job);
            double rate = workload.frames / Progress.seconds(start, timing.complete);
            Progress.say("%s: paimon alone, %s: %,.0f rows/s (%.1f s; first snapshot after %.1f s)", name, label, rate,
                    Progress.seconds(start, timing.complete), timing.firstSnapshot);
            job.cancel();
            return rate;
        }
    }

    /** A plain KafkaConsumer reading every one-row envelope of {@link #ONE_ROW_TOPIC} from the start: {records/s}. */
    private static double[] limit(Servers servers, long envelopes) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(ONE_ROW_TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long start = System.nanoTime();
            long records = 0;
            long bytes = 0;
            // The 2026-12-08 default run hung here for good with fewer envelopes on the topic than written: give up
            // after 30 s without a record and say so (a figure that fails is reported; the run goes on).
            long lastRecord = System.nanoTime();
            while (records < envelopes) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    bytes += record.value().length;
                    lastRecord = System.nanoTime();
                }
                if (Progress.seconds(lastRecord, System.nanoTime()) > 30) {
                    throw new IllegalStateException(Bench.fmt("the plain consumer read %,d of %,d one-row envelopes "
                            + "of %s and nothing more for 30 s", records, envelopes, ONE_ROW_TOPIC));
                }
            }
            return new double[] {records / Progress.seconds(start, System.nanoTime()), bytes};
        }
    }

    private record Timing(long complete, double firstSnapshot, double cdcStage) {
    }

    /** Polls until the database holds every row of the workload; also notes when the CDC route had finished. */
    private Timing await(String what, Servers servers, String database, Workload workload, long start,
                         boolean watchCdc, SyncJob job) throws Exception {
        return await(what, servers, database, workload, start, watchCdc, job, 0);
    }

    /** {@code stateEvery}: nanoseconds between two looks at the job's state (0: at every poll). */
    private Timing await(String what, Servers servers, String database, Workload workload, long start,
                         boolean watchCdc, SyncJob job, long stateEvery) throws Exception {
        long deadline = start + options.phaseTimeout(workload.frames).toNanos();
        long nextState = start;
        long nextReport = start + 10_000_000_000L;
        // The CDC stage ended when upbit-cdc and upbit-dlq last grew (whatever the rows per envelope).
        long cdcDone = 0;
        long written = 0;
        try (TableProbe probe = new TableProbe(servers.catalogOptions(WAREHOUSE), database, workload)) {
            while (true) {
                long now = System.nanoTime();
                if (probe.poll()) {
                    Long first = probe.firstSnapshotAt();
                    return new Timing(probe.completeAt(), first == null ? 0 : Progress.seconds(start, first),
                            cdcDone == 0 ? 0 : Progress.seconds(start, cdcDone));
                }
                if (watchCdc) {
                    long out = servers.endOffsets(List.of(Servers.CDC_TOPIC, Servers.DLQ_TOPIC));
                    if (out > written) {
                        written = out;
                        cdcDone = now;
                    }
                }
                if (now >= nextState && job.state().status() == SyncJobState.Status.FAILED) {
                    throw new IllegalStateException(what + ": the sync job FAILED: " + job.state().failureCause());
                }
                if (now >= nextState) {
                    nextState = now + stateEvery;
                }
                if (now > deadline) {
                    throw new IllegalStateException(what + ": not every row readable after "
                            + options.phaseTimeout(workload.frames).toSeconds() + " s: " + probe.status());
                }
                if (now > nextReport) {
                    Progress.say("  %s: %.0f s, %s", what, Progress.seconds(start, now), probe.status());
                    nextReport = now + 10_000_000_000L;
                }
                Thread.sleep(250);
            }
        }
    }

    static Map<String, Object> describe(Run run) {
        Map<String, Object> details = new LinkedHashMap<>();
        // tickerlake's envelopes on upbit-cdc (one or more rows each); the baselines read oneRowEnvelopes.
        details.put("envelopes", run.envelopes());
        long rows = run.oneRowEnvelopes() > 0 ? run.oneRowEnvelopes() : -1;
        if (rows > 0) {
            details.put("oneRowEnvelopes", rows);
            details.put("rowsPerEnvelope", run.envelopes() == 0 ? 0 : Math.round(100.0 * rows / run.envelopes()) / 100.0);
        }
        details.put("deadLetters", run.deadLetters());
        details.put("firstSnapshotSeconds", run.firstSnapshotSeconds());
        details.put("lastEnvelopeSeconds", run.cdcStageSeconds());
        return details;
    }
}
