package dev.tickerlake;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.admin.AdminAuth;
import dev.tickerlake.admin.SyncControl;
import dev.tickerlake.admin.TablesApi;
import dev.tickerlake.cdc.CdcCounters;
import dev.tickerlake.health.BucketsReadiness;
import dev.tickerlake.health.KafkaReadiness;
import dev.tickerlake.health.RetentionHealth;
import dev.tickerlake.kafka.RetentionSettings;
import dev.tickerlake.kafka.Topics;
import dev.tickerlake.support.Durations;
import dev.tickerlake.sync.ManagedSyncJob;
import dev.tickerlake.support.S3Settings;
import dev.tickerlake.sync.SyncJob;
import dev.tickerlake.sync.SyncJobHealth;
import dev.tickerlake.sync.SyncJobSettings;
import dev.tickerlake.lake.TableMonitor;
import dev.tickerlake.lake.TimeTravelService;
import dev.tickerlake.upbit.Feed;
import dev.tickerlake.upbit.ManagedFeed;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedCamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles where S3 and Kafka are before any route is built: the configured endpoints, or embedded servers started
 * here when none is configured. Routes then read the effective values from the same property keys.
 */
public class TickerlakeConfiguration implements CamelConfiguration {

    static final String S3_ENDPOINT = "tickerlake.s3.endpoint";
    static final String S3_ACCESS_KEY = "tickerlake.s3.access-key";
    static final String S3_SECRET_KEY = "tickerlake.s3.secret-key";
    static final String KAFKA_BOOTSTRAP = "tickerlake.kafka.bootstrap-servers";
    /** Credentials of the embedded S3 server; never used when an external endpoint is configured. */
    static final String EMBEDDED_CREDENTIAL = "minioadmin";
    static final String LOOPBACK = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(TickerlakeConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent props = context.getPropertiesComponent();
        maskAdminUsers(context);
        Path dataDir = Path.of(property(props, "tickerlake.data-dir", "./data")).toAbsolutePath().normalize();
        String host = property(props, "tickerlake.embedded.host", "127.0.0.1");

        CompletableFuture<EmbeddedS3> s3 = CompletableFuture.completedFuture(null);
        if (property(props, S3_ENDPOINT, "").isBlank()) {
            String accessKey = property(props, S3_ACCESS_KEY, "");
            String secretKey = property(props, S3_SECRET_KEY, "");
            EmbeddedS3 server = new EmbeddedS3(host, Integer.parseInt(property(props, "tickerlake.embedded.s3-port", "9000")),
                    dataDir.resolve("s3"),
                    accessKey.isBlank() ? EMBEDDED_CREDENTIAL : accessKey,
                    secretKey.isBlank() ? EMBEDDED_CREDENTIAL : secretKey);
            s3 = CompletableFuture.supplyAsync(() -> started(server, server::start));
        } else {
            requireSet(props, S3_ACCESS_KEY, "S3_ACCESS_KEY");
            requireSet(props, S3_SECRET_KEY, "S3_SECRET_KEY");
        }
        CompletableFuture<EmbeddedKafka> kafka = CompletableFuture.completedFuture(null);
        int partitions = Integer.parseInt(property(props, "tickerlake.kafka.partitions", "4"));
        boolean kafkaEmbedded = property(props, KAFKA_BOOTSTRAP, "").isBlank();
        RetentionSettings retention = RetentionSettings.fromSettings(key -> property(props, key, null), kafkaEmbedded);
        if (kafkaEmbedded) {
            EmbeddedKafka server = new EmbeddedKafka(host,
                    Integer.parseInt(property(props, "tickerlake.embedded.kafka-port", "9092")), dataDir.resolve("kafka"),
                    retention.raw().brokerDefaults(partitions));
            kafka = CompletableFuture.supplyAsync(() -> started(server, server::start));
        }

        EmbeddedS3 embeddedS3 = join(s3);
        if (embeddedS3 != null) {
            props.addOverrideProperty(S3_ENDPOINT, embeddedS3.endpoint());
            props.addOverrideProperty(S3_ACCESS_KEY, embeddedS3.accessKey());
            props.addOverrideProperty(S3_SECRET_KEY, embeddedS3.secretKey());
            context.addService(new Closing(embeddedS3), true, true);
        }
        EmbeddedKafka embeddedKafka = join(kafka);
        if (embeddedKafka != null) {
            props.addOverrideProperty(KAFKA_BOOTSTRAP, embeddedKafka.bootstrapServers());
            context.addService(new Closing(embeddedKafka), true, true);
        }
        LOG.info("S3 at {} ({}), Kafka at {} ({})",
                property(props, S3_ENDPOINT, ""), embeddedS3 != null ? "embedded" : "external",
                property(props, KAFKA_BOOTSTRAP, ""), embeddedKafka != null ? "embedded" : "external");

        BucketsReadiness buckets = new BucketsReadiness(property(props, "tickerlake.s3.buckets", ""));
        context.getRegistry().bind("buckets", buckets);
        KafkaReadiness kafkaReadiness = new KafkaReadiness(property(props, KAFKA_BOOTSTRAP, ""));
        context.addService(new Closing(kafkaReadiness), true, true);
        Topics topics = new Topics(property(props, KAFKA_BOOTSTRAP, ""), property(props, "tickerlake.kafka.topics", ""),
                partitions, Integer.parseInt(property(props, "tickerlake.kafka.replication-factor", "1")), retention);
        context.getRegistry().bind("topics", topics);
        RetentionHealth retentionHealth = new RetentionHealth(property(props, KAFKA_BOOTSTRAP, ""),
                retentionWatched(props, topics), retention.warnAt());
        context.addService(new Closing(retentionHealth), true, true);
        Feed feed = new Feed(context, "direct:upbit-frame", 1000);
        context.getRegistry().bind("feed", feed);

        S3Settings s3Settings = new S3Settings(property(props, S3_ENDPOINT, ""), property(props, S3_ACCESS_KEY, ""),
                property(props, S3_SECRET_KEY, ""), true, property(props, "tickerlake.s3.region", "us-east-1"));
        SyncJob syncJob = new SyncJob(syncJobSettings(props, dataDir, s3Settings));
        context.getRegistry().bind("syncJob", syncJob);
        // Added after the embedded servers, so stopped before them: the savepoint still reaches Kafka and S3.
        context.addService(new Closing(syncJob), true, true);
        SyncJobHealth syncJobHealth = new SyncJobHealth(syncJob);

        TimeTravelService timeTravel = new TimeTravelService(property(props, "tickerlake.paimon.warehouse",
                "s3://paimon/warehouse"), s3Settings);
        timeTravel.setReadBudgetBytes(Long.parseLong(property(props, "tickerlake.admin.read-budget",
                String.valueOf(TimeTravelService.DEFAULT_READ_BUDGET_BYTES))));
        context.addService(new Closing(timeTravel), true, true);
        TablesApi tablesApi = new TablesApi(timeTravel);
        context.getRegistry().bind("tablesApi", tablesApi);

        Monitoring monitoring = new Monitoring(context);
        TableMonitor tableMonitor = new TableMonitor(timeTravel, property(props, "tickerlake.paimon.database", "upbit"),
                table -> monitoring.manage(table, "Table", table.name()));
        context.getRegistry().bind("tableMonitor", tableMonitor);
        context.getRegistry().bind("syncControl", new SyncControl(syncJob, tablesApi, tableMonitor));
        ManagedFeed managedFeed = new ManagedFeed(feed, property(props, "tickerlake.source", "upbit"));
        ManagedSyncJob managedSyncJob = new ManagedSyncJob(syncJob);
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent
                        || event instanceof CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    // After start: the management agent and the metrics registry run, the routes' beans exist.
                    monitoring.manage(managedSyncJob, "SyncJob", "paimon-sync");
                    monitoring.manage(managedFeed, "Source", managedFeed.kind());
                    CdcCounters cdc = context.getRegistry().lookupByNameAndType("cdcCounters", CdcCounters.class);
                    if (cdc != null) {
                        monitoring.manage(cdc, "Cdc", "ticker-cdc");
                    }
                } else {
                    // The feed stops first, while the routes it sends to still run.
                    feed.close();
                }
            }
        });
        AdminAuth adminAuth = new AdminAuth(property(props, "tickerlake.admin.users", ""),
                property(props, "tickerlake.admin.users-file", ""), embeddedS3 != null && embeddedKafka != null);
        context.getRegistry().bind("adminAuth", adminAuth);
        if (adminAuth.devDefault()) {
            listenOnLoopbackOnly(context);
        }
        // After the management server (added by Camel Main before this runs), so it starts once that server's router is up.
        context.addService(new JolokiaEndpoint(context), true, true);
        // JSON problem bodies for the refusals Vert.x makes itself (404, 405, 413, ...) on both HTTP servers.
        context.addService(new HttpRefusals(context), true, true);

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(buckets);
            health.register(kafkaReadiness);
            health.register(feed);
            health.register(syncJobHealth);
            health.register(retentionHealth);
        }
    }

    /** The groups whose unread records retention could delete: the CDC route's (raw topics), the sync job's. */
    private static Map<String, List<String>> retentionWatched(PropertiesComponent props, Topics topics) {
        Map<String, List<String>> watched = new LinkedHashMap<>();
        watched.put(property(props, "tickerlake.cdc.group-id", "tickerlake-cdc"), topics.names().stream()
                .filter(t -> !t.equals(RetentionSettings.CDC_TOPIC) && !t.equals(RetentionSettings.DLQ_TOPIC)).toList());
        if (Boolean.parseBoolean(property(props, "tickerlake.paimon.enabled", "true"))) {
            watched.put(property(props, "tickerlake.paimon.consumer-group", "tickerlake-paimon-sync"),
                    List.of(RetentionSettings.CDC_TOPIC));
        }
        return watched;
    }

    /**
     * Camel Main's start-up summaries print every property it resolved, masking only keys it knows as secret
     * ({@code ...password}, {@code ...secret-key}, {@code ...access-key}, ...). {@code tickerlake.admin.users} holds
     * passwords too: add its key to the keywords Camel masks, next to any a user set with
     * {@code camel.main.additional-sensitive-keywords} (applied to the context before this runs).
     */
    private static void maskAdminUsers(CamelContext context) {
        ExtendedCamelContext extension = context.getCamelContextExtension();
        String keywords = extension.getAdditionalSensitiveKeywords();
        extension.setAdditionalSensitiveKeywords(keywords == null || keywords.isBlank() ? "users" : keywords + ",users");
    }

    /**
     * While the dev mode's default user admin/admin is in force, the admin API listens on 127.0.0.1 whatever
     * {@code camel.server.host} says: that password is public. Camel Main has created the server (not started it)
     * before this runs, so its host is set here; once users are configured, the configured host stands.
     */
    private static void listenOnLoopbackOnly(CamelContext context) {
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            return;
        }
        String configured = server.getHost();
        server.setHost(LOOPBACK);
        LOG.info("Admin API: embedded dev mode and no users configured, so mutating calls accept admin / admin and the "
                + "API listens on {}:{} only (camel.server.host={} applies once tickerlake.admin.users or "
                + "tickerlake.admin.users-file is set)", LOOPBACK, server.getPort(), configured);
    }

    /** The sync job's settings, from the same S3 and Kafka settings the routes use (one place for credentials). */
    private static SyncJobSettings syncJobSettings(PropertiesComponent props, Path dataDir, S3Settings s3) {
        Map<String, String> tableOptions = new LinkedHashMap<>();
        for (String option : property(props, "tickerlake.paimon.table-options", "").split(",")) {
            int eq = option.indexOf('=');
            if (eq > 0) {
                tableOptions.put(option.substring(0, eq).trim(), option.substring(eq + 1).trim());
            }
        }
        String restPort = property(props, "tickerlake.flink.rest-port", "");
        return SyncJobSettings.builder()
                .warehouse(property(props, "tickerlake.paimon.warehouse", "s3://paimon/warehouse"))
                .s3(s3)
                .bootstrapServers(property(props, KAFKA_BOOTSTRAP, ""))
                .topic("upbit-cdc")
                .consumerGroup(property(props, "tickerlake.paimon.consumer-group", "tickerlake-paimon-sync"))
                .database(property(props, "tickerlake.paimon.database", "upbit"))
                .partitionKeys(List.of(property(props, "tickerlake.paimon.partition-keys", "dt").split(",")))
                .tableOptions(tableOptions)
                .checkpointInterval(Durations.parse(property(props, "tickerlake.flink.checkpoint-interval", "10s")))
                .checkpointDir(property(props, "tickerlake.flink.checkpoint-dir", "s3://checkpoints/paimon-sync"))
                .savepointDir(property(props, "tickerlake.flink.savepoint-dir", "s3://checkpoints/paimon-sync/savepoints"))
                .localDir(dataDir.resolve("paimon-sync"))
                .parallelism(Integer.parseInt(property(props, "tickerlake.flink.parallelism", "1")))
                .restPort(restPort.isBlank() ? null : Integer.valueOf(restPort))
                .restartStrategy(SyncJobSettings.RestartStrategy.parse(
                        property(props, "tickerlake.flink.restart-strategy", "exponential-delay")))
                .restartAttempts(Integer.parseInt(property(props, "tickerlake.flink.restart-attempts", "10")))
                .restartDelay(Durations.parse(property(props, "tickerlake.flink.restart-delay", "1s")))
                .restartMaxDelay(Durations.parse(property(props, "tickerlake.flink.restart-max-delay", "30s")))
                .restartResetAfter(Durations.parse(property(props, "tickerlake.flink.restart-reset-after", "10m")))
                .restartInterval(Durations.parse(property(props, "tickerlake.flink.restart-interval", "5m")))
                .savepointTimeout(Durations.parse(property(props, "tickerlake.flink.savepoint-timeout", "8s")))
                .checkpointStall(Durations.parse(property(props, "tickerlake.flink.checkpoint-stall", "60s")))
                .checkpointTimeout(Durations.parse(property(props, "tickerlake.flink.checkpoint-timeout", "2m")))
                .build();
    }

    private static String property(PropertiesComponent props, String key, String fallback) {
        return props.resolveProperty(key).map(String::trim).orElse(fallback);
    }

    private static void requireSet(PropertiesComponent props, String key, String env) {
        if (property(props, key, "").isBlank()) {
            throw new IllegalStateException(key + " (" + env + ") must be set when " + S3_ENDPOINT
                    + " points at an external S3 server");
        }
    }

    private interface Start {
        void run() throws Exception;
    }

    private static <T> T started(T server, Start start) {
        try {
            start.run();
            return server;
        } catch (Exception e) {
            throw new IllegalStateException(server.getClass().getSimpleName() + " failed to start: "
                    + e.getMessage(), e);
        }
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** Closes a resource when the Camel context stops, after the routes that use it. */
    private static final class Closing extends ServiceSupport {
        private final AutoCloseable resource;

        Closing(AutoCloseable resource) {
            this.resource = resource;
        }

        @Override
        protected void doStop() throws Exception {
            resource.close();
        }
    }
}
