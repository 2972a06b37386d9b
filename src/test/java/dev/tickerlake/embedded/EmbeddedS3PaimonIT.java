package dev.tickerlake.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.tickerlake.testing.S3TestClient;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.GenericRow;
import org.apache.paimon.options.Options;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.schema.Schema;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.sink.BatchTableCommit;
import org.apache.paimon.table.sink.BatchTableWrite;
import org.apache.paimon.table.sink.BatchWriteBuilder;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded S3 server works under Paimon's own S3 file IO and persists: a primary-key table written in three commits
 * reads back the same latest rows after the server restarts on the same directory.
 */
class EmbeddedS3PaimonIT {

    private static final int MARKETS = 1000;

    @TempDir
    Path dir;

    @Test
    void paimonTableOnEmbeddedS3SurvivesServerRestart() throws Exception {
        int port = EmbeddedKafka.freePort();
        Identifier id = Identifier.create("upbit", "probe");
        try (EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", port, dir, "minioadmin", "minioadmin")) {
            s3.start();
            try (S3TestClient client = new S3TestClient(s3.endpoint(), "minioadmin", "minioadmin")) {
                client.createBucket("paimon");
            }
            try (Catalog catalog = catalog(s3.endpoint())) {
                catalog.createDatabase("upbit", true);
                catalog.createTable(id, Schema.newBuilder()
                        .column("market", DataTypes.STRING().notNull())
                        .column("dt", DataTypes.STRING().notNull())
                        .column("price", DataTypes.DOUBLE())
                        .primaryKey("market", "dt")
                        .partitionKeys("dt")
                        .option("bucket", "2")
                        .build(), false);
                Table table = catalog.getTable(id);
                for (int commit = 1; commit <= 3; commit++) {
                    BatchWriteBuilder builder = table.newBatchWriteBuilder();
                    try (BatchTableWrite write = builder.newWrite(); BatchTableCommit done = builder.newCommit()) {
                        for (int m = 0; m < MARKETS; m++) {
                            write.write(GenericRow.of(BinaryString.fromString("KRW-M" + m),
                                    BinaryString.fromString("2024-05-01"), commit * 1000.0 + m));
                        }
                        done.commit(write.prepareCommit());
                    }
                }
            }
        }

        try (EmbeddedS3 s3 = new EmbeddedS3("127.0.0.1", port, dir, "minioadmin", "minioadmin")) {
            s3.start();
            try (Catalog catalog = catalog(s3.endpoint())) {
                Table table = catalog.getTable(id);
                Map<String, Double> rows = new HashMap<>();
                ReadBuilder read = table.newReadBuilder();
                try (RecordReader<org.apache.paimon.data.InternalRow> reader =
                             read.newRead().createReader(read.newScan().plan())) {
                    reader.forEachRemaining(row -> rows.put(row.getString(0).toString(), row.getDouble(2)));
                }
                assertThat(rows).hasSize(MARKETS);
                assertThat(rows.get("KRW-M7")).isEqualTo(3007.0);
                assertThat(table.latestSnapshot()).hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(3));
            }
        }
    }

    private static Catalog catalog(String endpoint) {
        Options options = new Options();
        options.set("warehouse", "s3://paimon/warehouse");
        options.set("s3.endpoint", endpoint);
        options.set("s3.access-key", "minioadmin");
        options.set("s3.secret-key", "minioadmin");
        options.set("s3.path.style.access", "true");
        return CatalogFactory.createCatalog(CatalogContext.create(options));
    }
}
