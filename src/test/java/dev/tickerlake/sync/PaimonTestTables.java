package dev.tickerlake.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tickerlake.lake.SnapshotFiles;
import dev.tickerlake.support.S3Settings;
import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.BinaryString;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.options.Options;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.types.DataField;
import org.apache.paimon.utils.SnapshotManager;

/** A minimal Paimon reader for the tests: tables, their schema, snapshots, and every row at the latest snapshot. */
final class PaimonTestTables implements AutoCloseable {

    private final Catalog catalog;

    PaimonTestTables(String warehouse, S3Settings s3) {
        Options options = new Options();
        options.set("warehouse", warehouse);
        options.set("s3.endpoint", s3.endpoint());
        options.set("s3.access-key", s3.accessKey());
        options.set("s3.secret-key", s3.secretKey());
        options.set("s3.path.style.access", String.valueOf(s3.pathStyleAccess()));
        // The catalog cache would hold a table's schema from before a schema change.
        options.set("cache-enabled", "false");
        catalog = CatalogFactory.createCatalog(CatalogContext.create(options));
    }

    Optional<FileStoreTable> table(String database, String table) {
        try {
            return Optional.of((FileStoreTable) catalog.getTable(Identifier.create(database, table)));
        } catch (Catalog.TableNotExistException e) {
            return Optional.empty();
        }
    }

    FileStoreTable require(String database, String table) {
        return table(database, table).orElseThrow(() -> new AssertionError("no table " + database + "." + table));
    }

    /** Column name to SQL type, e.g. {@code market -> VARCHAR(32) NOT NULL}. */
    Map<String, String> columnTypes(String database, String table) {
        Map<String, String> types = new LinkedHashMap<>();
        require(database, table).rowType().getFields().forEach(f -> types.put(f.name(), f.type().asSQLString()));
        return types;
    }

    /** Every row at the latest snapshot: STRING as String, TIMESTAMP as LocalDateTime, numbers and booleans boxed. */
    List<Map<String, Object>> rows(String database, String table) {
        FileStoreTable fileStoreTable = require(database, table);
        List<DataField> fields = fileStoreTable.rowType().getFields();
        List<InternalRow.FieldGetter> getters = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            getters.add(InternalRow.createFieldGetter(fields.get(i).type(), i));
        }
        ReadBuilder readBuilder = fileStoreTable.newReadBuilder();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (RecordReader<InternalRow> reader = readBuilder.newRead().createReader(readBuilder.newScan().plan())) {
            reader.forEachRemaining(row -> {
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 0; i < fields.size(); i++) {
                    values.put(fields.get(i).name(), javaValue(getters.get(i).getFieldOrNull(row)));
                }
                rows.add(values);
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + database + "." + table, e);
        }
        return rows;
    }

    /** The table's committed snapshots, oldest first (not Paimon's listing: see {@link SnapshotFiles}). */
    List<Snapshot> snapshots(String database, String table) {
        List<Snapshot> snapshots = new ArrayList<>();
        try {
            SnapshotManager manager = require(database, table).snapshotManager();
            SnapshotFiles.committedIds(manager).forEach(id -> snapshots.add(manager.snapshot(id)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return snapshots;
    }

    /** Rows written by the sync job's own commits (not compactions): each record sent exactly once adds one. */
    long appendedRecords(String database, String table) {
        return snapshots(database, table).stream()
                .filter(s -> s.commitKind() == Snapshot.CommitKind.APPEND)
                .mapToLong(s -> s.deltaRecordCount() == null ? 0 : s.deltaRecordCount())
                .sum();
    }

    private static Object javaValue(Object value) {
        if (value instanceof BinaryString s) {
            return s.toString();
        }
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        return value;
    }

    @Override
    public void close() throws Exception {
        catalog.close();
    }
}
