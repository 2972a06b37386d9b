package dev.tickerlake.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.tickerlake.embedded.EmbeddedKafka;
import dev.tickerlake.embedded.EmbeddedS3;
import dev.tickerlake.lake.TimeTravelService;
import dev.tickerlake.testing.S3TestClient;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.fs.FileIO;
import org.apache.paimon.fs.PositionOutputStream;
import org.apache.paimon.options.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The refusal of {@link S3FaultProxy} as Paimon's S3 file IO (the sync job's) meets it: a denied write of a data file
 * fails at once with S3's AccessDenied, not after the client's retries, and other writes pass.
 */
class S3FaultProxyIT {

    private static final String WAREHOUSE = "s3://paimon/warehouse";
    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    @TempDir
    static Path dir;
    static EmbeddedS3 s3;
    static S3FaultProxy proxy;
    static FileIO fileIO;

    @BeforeAll
    static void start() throws Exception {
        s3 = new EmbeddedS3("127.0.0.1", EmbeddedKafka.freePort(), dir.resolve("s3"), ExternalLake.ACCESS_KEY,
                ExternalLake.SECRET_KEY);
        s3.start();
        try (S3TestClient client = new S3TestClient(s3.endpoint(), ExternalLake.ACCESS_KEY, ExternalLake.SECRET_KEY)) {
            client.createBucket("paimon");
        }
        proxy = new S3FaultProxy(Integer.parseInt(s3.endpoint().substring(s3.endpoint().lastIndexOf(':') + 1)));
        Map<String, String> options = TimeTravelService.catalogOptions(WAREHOUSE, proxy.endpoint(),
                ExternalLake.ACCESS_KEY, ExternalLake.SECRET_KEY);
        fileIO = FileIO.get(new org.apache.paimon.fs.Path(WAREHOUSE), CatalogContext.create(Options.fromMap(options)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (fileIO != null) {
            fileIO.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aDeniedDataFileWriteFailsAtOnceWithAccessDeniedWhileOtherWritesPass() throws Exception {
        // The file IO connects on its first use, which may take seconds on a loaded machine.
        write(new org.apache.paimon.fs.Path(WAREHOUSE + "/upbit.db/ticker/dt=2024-05-01/bucket-0/data-before.avro"), 100);
        proxy.denyDataFileWritesUnder("/paimon/warehouse");
        try {
            for (int size : List.of(100, 3 * 1024 * 1024)) {
                org.apache.paimon.fs.Path file = new org.apache.paimon.fs.Path(WAREHOUSE
                        + "/upbit.db/ticker/dt=2024-05-01/bucket-0/data-" + size + ".avro");
                long start = System.nanoTime();
                assertThatThrownBy(() -> write(file, size)).isInstanceOf(IOException.class)
                        .satisfies(e -> System.out.println("[faults] S3 proxy: " + chain(e)))
                        .satisfies(e -> assertThat(chain(e)).contains("AccessDenied"));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.println("[faults] S3 proxy: a denied " + size + "-byte data-file write failed after "
                        + took.toMillis() + " ms; denied so far: " + proxy.denials());
                assertThat(took).as("failed at once, not retried").isLessThan(AT_ONCE);
            }
            org.apache.paimon.fs.Path manifest = new org.apache.paimon.fs.Path(WAREHOUSE
                    + "/upbit.db/ticker/manifest/manifest-1");
            write(manifest, 100);
            assertThat(fileIO.exists(manifest)).isTrue();
        } finally {
            proxy.allowAll();
        }
        org.apache.paimon.fs.Path after = new org.apache.paimon.fs.Path(WAREHOUSE
                + "/upbit.db/ticker/dt=2024-05-01/bucket-0/data-after.avro");
        write(after, 100);
        assertThat(fileIO.exists(after)).isTrue();
    }

    private static void write(org.apache.paimon.fs.Path file, int size) throws IOException {
        try (PositionOutputStream out = fileIO.newOutputStream(file, false)) {
            out.write(new byte[size]);
        }
    }

    private static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" | ");
        }
        return text.toString();
    }
}
