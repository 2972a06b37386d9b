package dev.tickerlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.tickerlake.lake.UpbitTables;
import org.apache.paimon.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark harness's probe of the tables it waits for (bench/src/main/java, compiled with the tests). */
class TableProbeTest {

    @TempDir
    Path warehouse;

    /**
     * A snapshot file being written ({@code snapshot-<id>-<uuid>} on the embedded S3 server) in the listing Paimon falls
     * back to when its LATEST hint is behind failed the probe, and with it a whole run of the remote harness run
     * (NumberFormatException: For input string: "1-cd88451e-..."): it is no snapshot yet, the next poll looks again.
     */
    @Test
    void aSnapshotBeingWrittenIsSkippedUntilTheNextPoll() throws Exception {
        Path snapshots = warehouse.resolve(UpbitTables.DATABASE + ".db").resolve("trade").resolve("snapshot");
        try (UpbitTables tables = new UpbitTables(UpbitTables.localOptions(warehouse))) {
            tables.createTrade("trade", Map.of());
            long id = tables.commit("trade", UpbitTables.trade(RowKind.INSERT, "KRW-BTC", 1, 100.0, 1.0, UpbitTables.T0));
            Files.delete(snapshots.resolve("LATEST"));
            Path beingWritten = snapshots.resolve("snapshot-" + (id + 1) + "-cd88451e-6971-4238-9fa1-9f474eb5a6b8");
            Files.writeString(beingWritten, "{}");
            try (TableProbe probe = new TableProbe(UpbitTables.localOptions(warehouse), UpbitTables.DATABASE,
                    new Workload(1, 1))) {
                assertThat(probe.poll()).isFalse();
                assertThat(probe.firstSnapshotAt()).as("nothing seen while the listing is unreadable").isNull();
                Files.delete(beingWritten);
                assertThat(probe.poll()).isFalse();
                assertThat(probe.firstSnapshotAt()).as("the snapshot, once the listing is clean again").isNotNull();
            }
        }
    }
}
