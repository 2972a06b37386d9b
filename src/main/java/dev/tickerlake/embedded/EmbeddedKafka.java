package dev.tickerlake.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process single-node Kafka broker in KRaft mode (broker and controller in one server) for the embedded dev mode.
 * The log directory is formatted once and reused, so topics and offsets survive a restart. Broker-wide settings given
 * to the constructor (e.g. {@code log.retention.ms}) become the defaults of every topic that does not set its own.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final String host;
    private final int port;
    private final Path logDir;
    private final Map<String, String> brokerDefaults;
    private KafkaRaftServer server;

    /** A broker with Kafka's own topic defaults (e.g. 7 days' retention, no size limit). */
    public EmbeddedKafka(String host, int port, Path logDir) {
        this(host, port, logDir, Map.of());
    }

    public EmbeddedKafka(String host, int port, Path logDir, Map<String, String> brokerDefaults) {
        this.host = host;
        this.port = port;
        this.logDir = logDir.toAbsolutePath().normalize();
        this.brokerDefaults = Map.copyOf(brokerDefaults);
    }

    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        Files.createDirectories(logDir);
        int controllerPort = freePort();
        while (controllerPort == port) {
            // The broker's port is not bound yet, so the OS may offer it again.
            controllerPort = freePort();
        }
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("group.initial.rebalance.delay.ms", "0");
        // tickerlake creates its topics itself; a typo in a topic name must not silently create a new one.
        props.put("auto.create.topics.enable", "false");
        props.putAll(brokerDefaults);
        KafkaConfig config = new KafkaConfig(props, false);

        // Format once; afterwards the directory keeps its cluster id, topics and offsets.
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Features.PRODUCTION_FEATURES)
                    .setControllerListenerName("CONTROLLER")
                    .run();
        }

        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOG.info("Embedded Kafka listening on {} (data in {})", bootstrapServers(), logDir.toAbsolutePath());
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        long stopping = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        server = null;
        LOG.info("Embedded Kafka stopped in {} ms", (System.nanoTime() - stopping) / 1_000_000);
    }

    /** A port free right now on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
