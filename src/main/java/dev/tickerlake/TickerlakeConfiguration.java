package dev.tickerlake;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.tickerlake.admin.AdminAuth;
import dev.tickerlake.cdc.CdcCounters;
import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.health.BucketsReadiness;
import dev.tickerlake.health.KafkaReadiness;
import dev.tickerlake.health.RetentionHealth;
import dev.tickerlake.kafka.RetentionSettings;
import dev.tickerlake.lake.TableMonitor;
import dev.tickerlake.lake.TimeTravelService;
import dev.tickerlake.sync.ManagedSyncJob;
import dev.tickerlake.sync.SyncJob;
import dev.tickerlake.sync.SyncJobHealth;
import dev.tickerlake.upbit.Feed;
import dev.tickerlake.upbit.ManagedFeed;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedCamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the route files' beans cannot say for themselves. Before any bean is made (Camel Main makes the YAML beans
 * before it loads the routes), it settles where S3 and Kafka are: the configured endpoints, or embedded servers started
 * here when none is configured, and says so in the same property keys the beans and routes read. Once the routes are
 * loaded, it finds their beans by name (a bean whose route file is not loaded is skipped) for what only Java does:
 * health checks, MBeans, the loopback-only admin API of the dev mode, and the order things stop in.
 */
public class TickerlakeConfiguration extends MainListenerSupport {

    static final String S3_ENDPOINT = "tickerlake.s3.endpoint";
    static final String S3_ACCESS_KEY = "tickerlake.s3.access-key";
    static final String S3_SECRET_KEY = "tickerlake.s3.secret-key";
    static final String KAFKA_BOOTSTRAP = "tickerlake.kafka.bootstrap-servers";
    /** Set here, read by the beans: whether tickerlake runs the Kafka broker, and whether it runs both servers. */
    static final String KAFKA_EMBEDDED = "tickerlake.kafka.embedded";
    static final String DEV_MODE = "tickerlake.embedded.dev-mode";
    /** Credentials of the embedded S3 server; never used when an external endpoint is configured. */
    static final String EMBEDDED_CREDENTIAL = "minioadmin";
    static final String LOOPBACK = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(TickerlakeConfiguration.class);

    private RetentionSettings retention;
    /** The embedded broker while it starts (null when Kafka is external): joined once the routes are loaded. */
    private CompletableFuture<EmbeddedKafka> kafkaStarting;

    /** Before the beans and routes: the embedded servers, and the effective endpoints as override properties. */
    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        try {
            settleServers(context);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        // Camel Main makes the route files' beans file by file (in name order: Tickerlake.packagedRoutes), and again as
        // it loads each file's routes (every file but the first). A bean naming a bean of a later file (admin-api's
        // tablesApi and syncControl: the lake, the sync job, the table monitor) is made when first looked up, once
        // every file is loaded; @BindToRegistry keeps its own choice.
        PluginHelper.getBeanPostProcessor(context).setLazyBeanStrategy(bind -> bind == null || bind.lazy());
    }

    private void settleServers(CamelContext context) throws Exception {
        PropertiesComponent props = context.getPropertiesComponent();
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
        EmbeddedKafka embeddedKafka = null;
        int partitions = Integer.parseInt(property(props, "tickerlake.kafka.partitions", "4"));
        boolean kafkaEmbedded = property(props, KAFKA_BOOTSTRAP, "").isBlank();
        retention = RetentionSettings.fromSettings(key -> property(props, key, null), kafkaEmbedded);
        if (kafkaEmbedded) {
            EmbeddedKafka server = new EmbeddedKafka(host,
                    Integer.parseInt(property(props, "tickerlake.embedded.kafka-port", "9092")), dataDir.resolve("kafka"),
                    retention.raw().brokerDefaults(partitions));
            // Its address is known before it listens: the broker starts while Camel Main loads the routes and makes
            // their beans (none of which connects yet), and afterConfigure waits for it before anything starts.
            kafkaStarting = CompletableFuture.supplyAsync(() -> started(server, server::start));
            embeddedKafka = server;
        }

        EmbeddedS3 embeddedS3 = join(s3);
        if (embeddedS3 != null) {
            props.addOverrideProperty(S3_ENDPOINT, embeddedS3.endpoint());
            props.addOverrideProperty(S3_ACCESS_KEY, embeddedS3.accessKey());
            props.addOverrideProperty(S3_SECRET_KEY, embeddedS3.secretKey());
        }
        if (embeddedKafka != null) {
            props.addOverrideProperty(KAFKA_BOOTSTRAP, embeddedKafka.bootstrapServers());
        }
        if (embeddedS3 != null || embeddedKafka != null) {
            // Last to stop; neither server needs the other, so they stop side by side.
            EmbeddedKafka broker = embeddedKafka;
            context.addService(new Closing(() -> closeTogether(broker, embeddedS3)), true, true);
        }
        props.addOverrideProperty(KAFKA_EMBEDDED, String.valueOf(embeddedKafka != null));
        props.addOverrideProperty(DEV_MODE, String.valueOf(embeddedS3 != null && embeddedKafka != null));
        LOG.info("S3 at {} ({}), Kafka at {} ({})",
                property(props, S3_ENDPOINT, ""), embeddedS3 != null ? "embedded" : "external",
                property(props, KAFKA_BOOTSTRAP, ""), embeddedKafka != null ? "embedded" : "external");
    }

    /**
     * After the routes are loaded (their beans made), before anything starts: the health checks and the order of
     * shutdown. Services added here stop before the embedded servers (added before them): the sync job's savepoint
     * still reaches Kafka and S3.
     */
    @Override
    public void afterConfigure(BaseMainSupport main) {
        try {
            if (kafkaStarting != null) {
                join(kafkaStarting);
            }
            wire(main.getCamelContext());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void wire(CamelContext context) throws Exception {
        PropertiesComponent props = context.getPropertiesComponent();
        maskAdminUsers(context);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);

        BucketsReadiness buckets = bean(context, "buckets", BucketsReadiness.class);
        KafkaReadiness kafkaReadiness = new KafkaReadiness(property(props, KAFKA_BOOTSTRAP, ""));
        context.addService(new Closing(kafkaReadiness), true, true);
        RetentionHealth retentionHealth = new RetentionHealth(property(props, KAFKA_BOOTSTRAP, ""),
                retentionWatched(props), retention.warnAt());
        context.addService(new Closing(retentionHealth), true, true);
        Feed feed = bean(context, "feed", Feed.class);
        SyncJob syncJob = bean(context, "syncJob", SyncJob.class);
        if (syncJob != null) {
            context.addService(new Closing(syncJob), true, true);
        }
        TimeTravelService lake = bean(context, "lake", TimeTravelService.class);
        if (lake != null) {
            context.addService(new Closing(lake), true, true);
        }

        Monitoring monitoring = new Monitoring(context);
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent
                        || event instanceof CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    // After start: the management agent and the metrics registry run.
                    if (syncJob != null) {
                        monitoring.manage(new ManagedSyncJob(syncJob), "SyncJob", "paimon-sync");
                    }
                    if (feed != null) {
                        ManagedFeed managedFeed = new ManagedFeed(feed, property(props, "tickerlake.source", "upbit"));
                        monitoring.manage(managedFeed, "Source", managedFeed.kind());
                    }
                    CdcCounters cdc = bean(context, "cdcCounters", CdcCounters.class);
                    if (cdc != null) {
                        monitoring.manage(cdc, "Cdc", "ticker-cdc");
                    }
                    TableMonitor tableMonitor = bean(context, "tableMonitor", TableMonitor.class);
                    if (tableMonitor != null) {
                        tableMonitor.onNewTable(table -> monitoring.manage(table, "Table", table.name()));
                    }
                } else {
                    // The savepoint starts at once, beside the feed's drain and the routes' shutdown: the job reads
                    // upbit-cdc, whose records outlive the stop, so what the CDC route still writes is read by the
                    // next start. The job's own close (a service, below) waits for it, the servers stop after that.
                    if (syncJob != null) {
                        savepointNow(syncJob);
                    }
                    if (feed != null) {
                        // The feed stops first, while the routes it sends to still run.
                        feed.close();
                    }
                }
            }
        });
        AdminAuth adminAuth = bean(context, "adminAuth", AdminAuth.class);
        if (adminAuth != null && adminAuth.devDefault()) {
            listenOnLoopbackOnly(context);
        }
        // After the management server (added by Camel Main before this runs), so it starts once that server's router is up.
        context.addService(new JolokiaEndpoint(context), true, true);
        // JSON problem bodies for the refusals Vert.x makes itself (404, 405, 413, ...) on both HTTP servers.
        context.addService(new HttpRefusals(context), true, true);

        if (health != null) {
            if (buckets != null) {
                health.register(buckets);
            }
            health.register(kafkaReadiness);
            if (feed != null) {
                health.register(feed);
            }
            if (syncJob != null) {
                health.register(new SyncJobHealth(syncJob));
            }
            health.register(retentionHealth);
        }
    }

    /** Stops the sync job with its savepoint on a thread of its own; {@link SyncJob#close()} waits for it. */
    private static void savepointNow(SyncJob syncJob) {
        Thread savepoint = new Thread(() -> {
            try {
                syncJob.stopWithSavepoint();
            } catch (RuntimeException e) {
                LOG.warn("Sync job: stop with savepoint failed ({}); it is stopped again as tickerlake closes", e.toString());
            }
        }, "tickerlake-savepoint");
        savepoint.setDaemon(true);
        savepoint.start();
    }

    /** The bean a route file declares, or null when that file is not loaded. */
    private static <T> T bean(CamelContext context, String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    /** The groups whose unread records retention could delete: the CDC route's (raw topics), the sync job's. */
    private static Map<String, List<String>> retentionWatched(PropertiesComponent props) {
        Map<String, List<String>> watched = new LinkedHashMap<>();
        List<String> topics = Arrays.stream(property(props, "tickerlake.kafka.topics",
                "upbit-ticker,upbit-trade,upbit-orderbook,upbit-cdc,upbit-dlq").split(","))
                .map(String::trim).filter(name -> !name.isEmpty()).toList();
        watched.put(property(props, "tickerlake.cdc.group-id", "tickerlake-cdc"), topics.stream()
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
     * {@code camel.main.additional-sensitive-keywords} (applied to the context before this runs; the summaries print
     * when it starts).
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
        } catch (CompletionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** Closes each resource (nulls skipped) on a thread of its own, and waits for all; the first failure is thrown. */
    private static void closeTogether(AutoCloseable... resources) throws Exception {
        List<CompletableFuture<Void>> closing = Arrays.stream(resources).filter(Objects::nonNull)
                .map(resource -> CompletableFuture.runAsync(() -> {
                    try {
                        resource.close();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, runnable -> {
                    Thread thread = new Thread(runnable, "tickerlake-close-" + resource.getClass().getSimpleName());
                    thread.setDaemon(true);
                    thread.start();
                })).toList();
        for (CompletableFuture<Void> each : closing) {
            join(each);
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
