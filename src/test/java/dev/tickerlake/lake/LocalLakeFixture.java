package dev.tickerlake.lake;

import java.nio.file.Path;

import dev.tickerlake.admin.TablesApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Tests on a local warehouse of their own: {@link UpbitTables} writes it, the lake and the admin API's service read it. */
abstract class LocalLakeFixture {

    @TempDir
    static Path warehouse;
    static UpbitTables tables;
    static TimeTravelService lake;
    static TablesApi service;

    @BeforeAll
    static void openWarehouse() throws Exception {
        tables = new UpbitTables(UpbitTables.localOptions(warehouse));
        lake = new TimeTravelService(UpbitTables.localOptions(warehouse));
        service = new TablesApi(lake);
    }

    @AfterAll
    static void closeWarehouse() throws Exception {
        lake.close();
        tables.close();
    }
}
