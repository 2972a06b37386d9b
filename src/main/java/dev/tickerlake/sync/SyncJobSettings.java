package dev.tickerlake.sync;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.tickerlake.support.S3Settings;
import dev.tickerlake.support.Durations;

/**
 * Everything the Paimon sync job needs: the warehouse and its S3 server, the CDC topic, the Paimon table layout, and
 * how Flink checkpoints, restarts and keeps its local files. Build one with {@link #builder()}.
 *
 * @param warehouse          Paimon warehouse, e.g. {@code s3://paimon/warehouse}
 * @param s3                 S3 server of the warehouse and of the checkpoints
 * @param bootstrapServers   Kafka bootstrap servers
 * @param topic              CDC topic with canal-json envelopes, e.g. {@code upbit-cdc}
 * @param consumerGroup      Kafka consumer group; offsets are committed to it on every checkpoint
 * @param database           Paimon database the tables are created in, e.g. {@code upbit}
 * @param partitionKeys      partition keys of every table, e.g. {@code dt}
 * @param tableOptions       Paimon table options of every table ({@code bucket}, {@code merge-engine}, ...)
 * @param typeMapping        Paimon {@code --type_mapping} options (e.g. {@code char-to-string}); empty for none
 * @param checkpointInterval Flink checkpoint interval; Paimon commits a snapshot per checkpoint
 * @param checkpointDir      Flink checkpoint directory, e.g. {@code s3://checkpoints/paimon-sync}
 * @param savepointDir       Flink savepoint directory
 * @param localDir           local directory for the restore pointer, the unpacked S3 plugin and Flink's temp files
 * @param parallelism        Flink parallelism of the job
 * @param restPort           embedded: port of the MiniCluster's REST API on 127.0.0.1, or {@code null} for a random one
 * @param flinkMode          where the job runs: {@code EMBEDDED} (a MiniCluster in this JVM) or {@code REMOTE} (a
 *                           Flink session cluster)
 * @param jobManager         remote: the JobManager's REST address, {@code host:port}
 * @param jobJar             remote: the jar shipped with the job, or {@code null} for {@code tickerlake-flink-job.jar}
 *                           next to tickerlake's own jar (or classes directory)
 * @param restartStrategy    how Flink restarts the job after a failure: {@code EXPONENTIAL_DELAY} (Flink's default
 *                           with checkpointing) or {@code FAILURE_RATE}
 * @param restartAttempts    exponential delay: restarts in a row (none {@code restartResetAfter} apart) before the
 *                           job ends FAILED; failure rate: restarts allowed within {@code restartInterval}
 * @param restartInterval    failure rate: window in which restarts are counted
 * @param restartDelay       exponential delay: the first delay, doubled per restart in a row; failure rate: the delay
 * @param restartMaxDelay    exponential delay: the longest delay between two restarts
 * @param restartResetAfter  exponential delay: running this long without a failure starts the count and delay afresh
 * @param savepointTimeout   how long a stop waits for its savepoint before cancelling the job instead
 * @param checkpointStall    how long the running job may go without completing a checkpoint before its health is DOWN
 * @param checkpointTimeout  how long one checkpoint may take before Flink fails it, and with it the job, which then
 *                           restarts from its last checkpoint (a write S3 keeps refusing or never answers)
 * @param jobName            Flink job name; also names the restore pointer file
 * @param objectReuse        Flink's {@code pipeline.object-reuse}: chained operators pass records without a copy
 *                           (Flink's default: off)
 * @param compactCdcSerializer the action's parse-to-writer records ({@code CdcMultiplexRecord}) cross the network with
 *                           tickerlake's Kryo serializer for them, registered by {@code pipeline.serialization-config},
 *                           instead of Kryo's reflective one (Flink's default: off)
 * @param keepDirectoryMarkers the job's S3 client (Hadoop's S3A in Paimon's S3 file IO) keeps directory markers
 *                           instead of deleting the markers of a new file's parents after each write (S3A's
 *                           default): one request less per file a commit writes
 */
public record SyncJobSettings(
        String warehouse,
        S3Settings s3,
        String bootstrapServers,
        String topic,
        String consumerGroup,
        String database,
        List<String> partitionKeys,
        Map<String, String> tableOptions,
        List<String> typeMapping,
        Duration checkpointInterval,
        String checkpointDir,
        String savepointDir,
        Path localDir,
        int parallelism,
        Integer restPort,
        FlinkMode flinkMode,
        String jobManager,
        Path jobJar,
        RestartStrategy restartStrategy,
        int restartAttempts,
        Duration restartInterval,
        Duration restartDelay,
        Duration restartMaxDelay,
        Duration restartResetAfter,
        Duration savepointTimeout,
        Duration checkpointStall,
        Duration checkpointTimeout,
        String jobName,
        boolean objectReuse,
        boolean compactCdcSerializer,
        boolean keepDirectoryMarkers) {

    /** Flink's restart strategies tickerlake offers for the sync job. */
    public enum RestartStrategy {
        EXPONENTIAL_DELAY, FAILURE_RATE;

        /** {@code exponential-delay} or {@code failure-rate}, as Flink and application.properties spell them. */
        public static RestartStrategy parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** Where the sync job runs. */
    public enum FlinkMode {
        EMBEDDED, REMOTE;

        /** {@code embedded} or {@code remote}, as application.properties spells them. */
        public static FlinkMode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tickerlake.flink.mode must be embedded or remote, not '"
                        + text.trim() + "'");
            }
        }
    }

    public SyncJobSettings {
        Objects.requireNonNull(restartStrategy, "restartStrategy");
        Objects.requireNonNull(flinkMode, "flinkMode");
        if (flinkMode == FlinkMode.REMOTE) {
            if (jobManager == null || !jobManager.trim().matches("[^:/\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("remote Flink mode needs tickerlake.flink.jobmanager, the "
                        + "JobManager's REST address as host:port, not '" + jobManager + "'");
            }
            jobManager = jobManager.trim();
        }
        requireText(warehouse, "warehouse");
        Objects.requireNonNull(s3, "s3");
        requireText(bootstrapServers, "bootstrapServers");
        requireText(topic, "topic");
        requireText(consumerGroup, "consumerGroup");
        requireText(database, "database");
        requireText(checkpointDir, "checkpointDir");
        requireText(jobName, "jobName");
        Objects.requireNonNull(localDir, "localDir");
        partitionKeys = List.copyOf(partitionKeys);
        typeMapping = List.copyOf(typeMapping);
        tableOptions = Map.copyOf(tableOptions);
        tableOptions.keySet().forEach(SyncJobSettings::rejectCredentialOption);
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpointInterval must be positive");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        if (savepointTimeout.isNegative() || savepointTimeout.isZero()) {
            throw new IllegalArgumentException("savepointTimeout must be positive");
        }
        if (checkpointStall.isNegative() || checkpointStall.isZero()) {
            throw new IllegalArgumentException("checkpointStall must be positive");
        }
        if (checkpointTimeout.isNegative() || checkpointTimeout.isZero()) {
            throw new IllegalArgumentException("checkpointTimeout must be positive");
        }
        for (Duration d : new Duration[] {restartInterval, restartDelay, restartMaxDelay, restartResetAfter}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("restartInterval, restartDelay, restartMaxDelay and "
                        + "restartResetAfter must be positive");
            }
        }
        if (restartAttempts < 1) {
            // Paimon's committer fails the job once on purpose after restoring a checkpoint; that needs a restart.
            throw new IllegalArgumentException("restartAttempts must be at least 1");
        }
        checkpointDir = stripTrailingSlash(checkpointDir);
        savepointDir = savepointDir == null || savepointDir.isBlank()
                ? checkpointDir + "/savepoints" : stripTrailingSlash(savepointDir);
        localDir = localDir.toAbsolutePath().normalize();
    }

    /**
     * The Flink job's name: tickerlake's job name with the warehouse and database it writes, so that a restarted
     * tickerlake finds its job still running on a session cluster (and a second one never submits another).
     */
    public String flinkJobName() {
        return jobName + " -> " + warehouse + "/" + database;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Table options are stored in every table's schema, readable by anyone who reads the warehouse. */
    private static void rejectCredentialOption(String key) {
        if (S3Settings.isSecretOrFileSystemOption(key)) {
            throw new IllegalArgumentException("table option '" + key + "' looks like a credential or file-system "
                    + "setting; those belong to the S3 settings, never to table options");
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be set");
        }
    }

    private static String stripTrailingSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /**
     * Fluent builder with tickerlake's defaults: 10 s checkpoints, parallelism 1, restarts with an exponential delay
     * (1 s doubling to 30 s; FAILED after 10 in a row, about 4 minutes of failing), 60 s for a savepoint, health DOWN
     * after 60 s without a checkpoint.
     */
    public static final class Builder {
        private String warehouse = "s3://paimon/warehouse";
        private S3Settings s3;
        private String bootstrapServers;
        private String topic = "upbit-cdc";
        private String consumerGroup = "tickerlake-paimon-sync";
        private String database = "upbit";
        private List<String> partitionKeys = List.of("dt");
        private Map<String, String> tableOptions = new LinkedHashMap<>();
        private List<String> typeMapping = List.of();
        private Duration checkpointInterval = Duration.ofSeconds(10);
        private String checkpointDir = "s3://checkpoints/paimon-sync";
        private String savepointDir;
        private Path localDir = Path.of("data", "paimon-sync");
        private int parallelism = 1;
        private Integer restPort;
        private FlinkMode flinkMode = FlinkMode.EMBEDDED;
        private String jobManager;
        private Path jobJar;
        private RestartStrategy restartStrategy = RestartStrategy.EXPONENTIAL_DELAY;
        private int restartAttempts = 10;
        private Duration restartInterval = Duration.ofMinutes(5);
        private Duration restartDelay = Duration.ofSeconds(1);
        private Duration restartMaxDelay = Duration.ofSeconds(30);
        private Duration restartResetAfter = Duration.ofMinutes(10);
        private Duration savepointTimeout = Duration.ofSeconds(60);
        private Duration checkpointStall = Duration.ofSeconds(60);
        private Duration checkpointTimeout = Duration.ofMinutes(2);
        private String jobName = "tickerlake-paimon-sync";
        private boolean objectReuse;
        private boolean compactCdcSerializer;
        private boolean keepDirectoryMarkers;

        private Builder() {
        }

        public Builder warehouse(String warehouse) {
            this.warehouse = warehouse;
            return this;
        }

        public Builder s3(S3Settings s3) {
            this.s3 = s3;
            return this;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder consumerGroup(String consumerGroup) {
            this.consumerGroup = consumerGroup;
            return this;
        }

        public Builder database(String database) {
            this.database = database;
            return this;
        }

        public Builder partitionKeys(List<String> partitionKeys) {
            this.partitionKeys = partitionKeys;
            return this;
        }

        public Builder tableOptions(Map<String, String> tableOptions) {
            this.tableOptions = new LinkedHashMap<>(tableOptions);
            return this;
        }

        public Builder tableOption(String key, String value) {
            this.tableOptions.put(key, value);
            return this;
        }

        public Builder typeMapping(List<String> typeMapping) {
            this.typeMapping = typeMapping;
            return this;
        }

        public Builder checkpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = checkpointInterval;
            return this;
        }

        public Builder checkpointDir(String checkpointDir) {
            this.checkpointDir = checkpointDir;
            return this;
        }

        public Builder savepointDir(String savepointDir) {
            this.savepointDir = savepointDir;
            return this;
        }

        public Builder localDir(Path localDir) {
            this.localDir = localDir;
            return this;
        }

        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public Builder restPort(Integer restPort) {
            this.restPort = restPort;
            return this;
        }

        public Builder flinkMode(FlinkMode flinkMode) {
            this.flinkMode = flinkMode;
            return this;
        }

        /** Remote mode on the session cluster whose JobManager REST API is at {@code jobManager} ({@code host:port}). */
        public Builder remote(String jobManager) {
            this.flinkMode = FlinkMode.REMOTE;
            this.jobManager = jobManager;
            return this;
        }

        public Builder jobManager(String jobManager) {
            this.jobManager = jobManager;
            return this;
        }

        public Builder jobJar(Path jobJar) {
            this.jobJar = jobJar;
            return this;
        }

        public Builder restartStrategy(RestartStrategy restartStrategy) {
            this.restartStrategy = restartStrategy;
            return this;
        }

        public Builder restartMaxDelay(Duration restartMaxDelay) {
            this.restartMaxDelay = restartMaxDelay;
            return this;
        }

        public Builder restartResetAfter(Duration restartResetAfter) {
            this.restartResetAfter = restartResetAfter;
            return this;
        }

        public Builder restartAttempts(int restartAttempts) {
            this.restartAttempts = restartAttempts;
            return this;
        }

        public Builder restartInterval(Duration restartInterval) {
            this.restartInterval = restartInterval;
            return this;
        }

        public Builder restartDelay(Duration restartDelay) {
            this.restartDelay = restartDelay;
            return this;
        }

        public Builder savepointTimeout(Duration savepointTimeout) {
            this.savepointTimeout = savepointTimeout;
            return this;
        }

        public Builder checkpointStall(Duration checkpointStall) {
            this.checkpointStall = checkpointStall;
            return this;
        }

        public Builder checkpointTimeout(Duration checkpointTimeout) {
            this.checkpointTimeout = checkpointTimeout;
            return this;
        }

        public Builder jobName(String jobName) {
            this.jobName = jobName;
            return this;
        }

        /** Flink's {@code pipeline.object-reuse} for the job; off (Flink's default) unless set. */
        public Builder objectReuse(boolean objectReuse) {
            this.objectReuse = objectReuse;
            return this;
        }

        /** tickerlake's Kryo serializer for the action's {@code CdcMultiplexRecord}; off unless set. */
        public Builder compactCdcSerializer(boolean compactCdcSerializer) {
            this.compactCdcSerializer = compactCdcSerializer;
            return this;
        }

        /** S3A's {@code directory.marker.retention=keep} for the job's catalog; off (S3A's default) unless set. */
        public Builder keepDirectoryMarkers(boolean keepDirectoryMarkers) {
            this.keepDirectoryMarkers = keepDirectoryMarkers;
            return this;
        }

        public SyncJobSettings build() {
            return new SyncJobSettings(warehouse, s3, bootstrapServers, topic, consumerGroup, database, partitionKeys,
                    tableOptions, typeMapping, checkpointInterval, checkpointDir, savepointDir, localDir, parallelism,
                    restPort, flinkMode, jobManager, jobJar, restartStrategy, restartAttempts, restartInterval, restartDelay, restartMaxDelay,
                    restartResetAfter, savepointTimeout, checkpointStall, checkpointTimeout, jobName,
                    objectReuse, compactCdcSerializer, keepDirectoryMarkers);
        }
    }

    /**
     * The settings from their text in {@code application.properties} (the {@code builderClass} of the {@code syncJob}
     * bean's settings in {@code routes/paimon-sync.camel.yaml}): durations as {@code 10s}, {@code 2m}, {@code 500ms};
     * lists comma separated; table options as {@code key=value,...}; an empty REST port for none. What is not set keeps
     * the {@link Builder}'s default.
     */
    public static final class FromProperties {
        private final Builder builder = new Builder();

        public void setWarehouse(String warehouse) {
            builder.warehouse(warehouse.trim());
        }

        public void setS3(S3Settings s3) {
            builder.s3(s3);
        }

        public void setBootstrapServers(String bootstrapServers) {
            builder.bootstrapServers(bootstrapServers.trim());
        }

        public void setConsumerGroup(String consumerGroup) {
            builder.consumerGroup(consumerGroup.trim());
        }

        public void setDatabase(String database) {
            builder.database(database.trim());
        }

        public void setPartitionKeys(String partitionKeys) {
            builder.partitionKeys(List.of(partitionKeys.trim().split(",")));
        }

        public void setTableOptions(String tableOptions) {
            Map<String, String> options = new LinkedHashMap<>();
            for (String option : tableOptions.trim().split(",")) {
                int eq = option.indexOf('=');
                if (eq > 0) {
                    options.put(option.substring(0, eq).trim(), option.substring(eq + 1).trim());
                }
            }
            builder.tableOptions(options);
        }

        public void setCheckpointInterval(String checkpointInterval) {
            builder.checkpointInterval(Durations.parse(checkpointInterval));
        }

        public void setCheckpointDir(String checkpointDir) {
            builder.checkpointDir(checkpointDir.trim());
        }

        public void setSavepointDir(String savepointDir) {
            builder.savepointDir(savepointDir.trim());
        }

        public void setLocalDir(String localDir) {
            builder.localDir(Path.of(localDir.trim()));
        }

        public void setParallelism(String parallelism) {
            builder.parallelism(Integer.parseInt(parallelism.trim()));
        }

        public void setRestPort(String restPort) {
            builder.restPort(restPort == null || restPort.isBlank() ? null : Integer.valueOf(restPort.trim()));
        }

        public void setMode(String mode) {
            builder.flinkMode(FlinkMode.parse(mode));
        }

        public void setJobManager(String jobManager) {
            builder.jobManager(jobManager == null || jobManager.isBlank() ? null : jobManager.trim());
        }

        public void setJobJar(String jobJar) {
            builder.jobJar(jobJar == null || jobJar.isBlank() ? null : Path.of(jobJar.trim()));
        }

        public void setRestartStrategy(String restartStrategy) {
            builder.restartStrategy(RestartStrategy.parse(restartStrategy));
        }

        public void setRestartAttempts(String restartAttempts) {
            builder.restartAttempts(Integer.parseInt(restartAttempts.trim()));
        }

        public void setRestartDelay(String restartDelay) {
            builder.restartDelay(Durations.parse(restartDelay));
        }

        public void setRestartMaxDelay(String restartMaxDelay) {
            builder.restartMaxDelay(Durations.parse(restartMaxDelay));
        }

        public void setRestartResetAfter(String restartResetAfter) {
            builder.restartResetAfter(Durations.parse(restartResetAfter));
        }

        public void setRestartInterval(String restartInterval) {
            builder.restartInterval(Durations.parse(restartInterval));
        }

        public void setSavepointTimeout(String savepointTimeout) {
            builder.savepointTimeout(Durations.parse(savepointTimeout));
        }

        public void setCheckpointStall(String checkpointStall) {
            builder.checkpointStall(Durations.parse(checkpointStall));
        }

        public void setCheckpointTimeout(String checkpointTimeout) {
            builder.checkpointTimeout(Durations.parse(checkpointTimeout));
        }

        public void setObjectReuse(String objectReuse) {
            builder.objectReuse(Boolean.parseBoolean(objectReuse.trim()));
        }

        public void setCompactCdcSerializer(String compactCdcSerializer) {
            builder.compactCdcSerializer(Boolean.parseBoolean(compactCdcSerializer.trim()));
        }

        public void setKeepDirectoryMarkers(String keepDirectoryMarkers) {
            builder.keepDirectoryMarkers(Boolean.parseBoolean(keepDirectoryMarkers.trim()));
        }

        public SyncJobSettings build() {
            return builder.build();
        }
    }
}
