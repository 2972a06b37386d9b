package dev.tickerlake.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process S3 server for the embedded dev mode: S3Proxy with its {@code filesystem-nio2} backend, the one that
 * persists and behaves under Paimon's S3A file IO. Buckets are directories under {@code baseDir}.
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    private final String host;
    private final int port;
    private final Path baseDir;
    private final String accessKey;
    private final String secretKey;
    private BlobStore store;
    private S3Proxy proxy;

    public EmbeddedS3(String host, int port, Path baseDir, String accessKey, String secretKey) {
        this.host = host;
        this.port = port;
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    public synchronized void start() throws Exception {
        if (proxy != null) {
            return;
        }
        Files.createDirectories(baseDir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toAbsolutePath().toString());
        store = BlobStores.create("filesystem-nio2", props);
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://" + host + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equals(proxy.getState()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        LOG.info("Embedded S3 listening on {} (data in {})", endpoint(), baseDir.toAbsolutePath());
    }

    /** The endpoint clients use, e.g. {@code http://127.0.0.1:9000}. */
    public String endpoint() {
        return "http://" + host + ":" + (proxy != null ? proxy.getPort() : port);
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public synchronized void close() throws Exception {
        if (proxy == null) {
            return;
        }
        long stopping = System.nanoTime();
        proxy.stop();
        store.close();
        proxy = null;
        store = null;
        LOG.info("Embedded S3 stopped in {} ms", (System.nanoTime() - stopping) / 1_000_000);
    }
}
