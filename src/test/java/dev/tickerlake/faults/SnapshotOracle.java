package dev.tickerlake.faults;

import java.io.FileNotFoundException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.types.DataField;
import org.apache.paimon.types.DataType;
import org.apache.paimon.types.RowType;

/**
 * Paimon's own read of one version of a table (a snapshot id with its commit time, or a tag), rendered by the admin
 * API's rules (DESIGN.md: numbers as JSON numbers, TIMESTAMP as ISO-8601 UTC, everything else as text) without the
 * code under test, so that an answer of {@code rows} or {@code diff} can be compared with it row by row, by primary
 * key and every value. A version is identified by (table, snapshot id, commit time): after a rollback the next
 * commits reuse the removed ids with other contents. Contents are cached (bounded by rows); {@link #pin} keeps the
 * versions a rollback is about to remove, so that answers read just before the rollback can still be compared.
 */
final class SnapshotOracle {

    static final String DATABASE = "upbit";
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final long MAX_CACHED_ROWS = 400_000;

    /** One version of a table: the snapshot (id and commit time in epoch ms). */
    record Version(String table, long id, long timeMillis) {
        @Override
        public String toString() {
            return table + "@" + id + "/" + timeMillis;
        }
    }

    /** A table's rows at one version: primary key text -> the row's values rendered, in column order. */
    record Content(Version version, List<String> columns, List<String> primaryKeys, Map<String, List<String>> rows) {

        int column(String name) {
            return columns.indexOf(name);
        }

        /** The rows whose columns equal the {@code col:value} conditions (strings compared as text). */
        Map<String, List<String>> filtered(List<String[]> where) {
            if (where.isEmpty()) {
                return rows;
            }
            Map<String, List<String>> matching = new LinkedHashMap<>();
            rows.forEach((key, row) -> {
                for (String[] condition : where) {
                    int index = column(condition[0]);
                    if (index < 0 || !("s:" + condition[1]).equals(row.get(index))) {
                        return;
                    }
                }
                matching.put(key, row);
            });
            return matching;
        }

        String key(List<String> row) {
            StringBuilder key = new StringBuilder();
            for (String pk : primaryKeys) {
                key.append(row.get(column(pk))).append('|');
            }
            return key.toString();
        }
    }

    private final Catalog catalog;
    private final Map<Version, Content> cache = new LinkedHashMap<>(64, 0.75f, true);
    private final Set<Version> pinned = new HashSet<>();
    private long cachedRows;
    private long reads;

    SnapshotOracle(Catalog catalog) {
        this.catalog = catalog;
    }

    FileStoreTable table(String table) {
        try {
            return (FileStoreTable) catalog.getTable(Identifier.create(DATABASE, table));
        } catch (Catalog.TableNotExistException e) {
            throw new IllegalStateException("no table " + DATABASE + "." + table, e);
        }
    }

    /** The snapshot with this id as it is now (null when absent). */
    Optional<Version> current(String table, long id) {
        try {
            Snapshot snapshot = table(table).snapshotManager().tryGetSnapshot(id);
            return Optional.of(new Version(table, snapshot.id(), snapshot.timeMillis()));
        } catch (FileNotFoundException gone) {
            return Optional.empty();
        }
    }

    /** Retained snapshots now, ascending. */
    List<Version> retained(String table) {
        List<Version> versions = new ArrayList<>();
        try {
            Iterator<Snapshot> snapshots = table(table).snapshotManager().snapshots();
            snapshots.forEachRemaining(s -> versions.add(new Version(table, s.id(), s.timeMillis())));
        } catch (Exception e) {
            // listed while a rollback deleted files: the caller polls again
            return List.of();
        }
        versions.sort((a, b) -> Long.compare(a.id(), b.id()));
        return versions;
    }

    /** Tag name -> the version it keeps, now. */
    Map<String, Version> tags(String table) {
        Map<String, Version> tags = new HashMap<>();
        table(table).tagManager().tags().forEach((snapshot, names) -> names.forEach(name ->
                tags.put(name, new Version(table, snapshot.id(), snapshot.timeMillis()))));
        return tags;
    }

    synchronized long reads() {
        return reads;
    }

    /** Keeps this version's content cached for the rest of the run (call it before a rollback removes it). */
    void pin(Version version) {
        Content content = content(version, null);
        if (content == null) {
            throw new IllegalStateException("cannot read " + version + " to pin it");
        }
        synchronized (this) {
            pinned.add(version);
        }
    }

    /**
     * The content of {@code version}: cached, or read now at the snapshot id (or at {@code tag} when given) if that
     * still names the same commit; null when the version can no longer be read (removed and not pinned).
     */
    Content content(Version version, String tag) {
        synchronized (this) {
            Content cached = cache.get(version);
            if (cached != null) {
                return cached;
            }
        }
        Content read = read(version, tag);
        if (read == null && tag != null) {
            read = read(version, null);
        }
        if (read == null) {
            return null;
        }
        synchronized (this) {
            reads++;
            if (!cache.containsKey(version)) {
                cache.put(version, read);
                cachedRows += read.rows().size();
                for (Iterator<Map.Entry<Version, Content>> it = cache.entrySet().iterator();
                     cachedRows > MAX_CACHED_ROWS && it.hasNext(); ) {
                    Map.Entry<Version, Content> eldest = it.next();
                    if (!pinned.contains(eldest.getKey()) && eldest.getKey() != version) {
                        cachedRows -= eldest.getValue().rows().size();
                        it.remove();
                    }
                }
            }
        }
        return read;
    }

    private Content read(Version version, String tag) {
        FileStoreTable table = table(version.table());
        if (!names(table, version, tag)) {
            return null;
        }
        FileStoreTable at = table.copy(tag != null ? Map.of("scan.tag-name", tag)
                : Map.of("scan.snapshot-id", Long.toString(version.id())));
        RowType rowType = at.rowType();
        List<DataField> fields = rowType.getFields();
        List<String> columns = rowType.getFieldNames();
        List<InternalRow.FieldGetter> getters = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            getters.add(InternalRow.createFieldGetter(fields.get(i).type(), i));
        }
        Content content = new Content(version, columns, at.primaryKeys(), new LinkedHashMap<>());
        ReadBuilder builder = at.newReadBuilder();
        try (RecordReader<InternalRow> reader = builder.newRead().createReader(builder.newScan().plan())) {
            reader.forEachRemaining(row -> {
                List<String> values = new ArrayList<>(fields.size());
                for (int i = 0; i < fields.size(); i++) {
                    values.add(render(fields.get(i).type(), getters.get(i).getFieldOrNull(row)));
                }
                if (content.rows().put(content.key(values), values) != null) {
                    throw new IllegalStateException("Paimon read two rows with one key in " + version + ": " + values);
                }
            });
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            return null;
        }
        // The id may have been removed and committed again meanwhile: only a read of the same commit counts.
        return names(table(version.table()), version, tag) ? content : null;
    }

    private static boolean names(FileStoreTable table, Version version, String tag) {
        if (tag != null) {
            return table.tagManager().get(tag)
                    .map(t -> t.id() == version.id() && t.timeMillis() == version.timeMillis()).orElse(false);
        }
        try {
            return table.snapshotManager().tryGetSnapshot(version.id()).timeMillis() == version.timeMillis();
        } catch (FileNotFoundException gone) {
            return false;
        }
    }

    /** A value as the API must show it, tagged with its JSON kind: {@code n:} number, {@code s:} text, or null. */
    static String render(DataType type, Object value) {
        if (value == null) {
            return "null";
        }
        switch (type.getTypeRoot()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT:
                return "n:" + ((Number) value).longValue();
            case FLOAT, DOUBLE: {
                double number = ((Number) value).doubleValue();
                return Double.isFinite(number) ? "n:" + number : "s:" + value;
            }
            case TIMESTAMP_WITHOUT_TIME_ZONE: {
                Instant instant = ((Timestamp) value).toLocalDateTime().toInstant(ZoneOffset.UTC);
                return "s:" + (instant.getNano() % 1_000_000 == 0 ? ISO_MILLIS.format(instant) : instant.toString());
            }
            case VARCHAR, CHAR:
                return "s:" + value;
            case BOOLEAN:
                return "s:" + value;
            default:
                throw new IllegalArgumentException("the oracle does not render " + type + " yet");
        }
    }

    /** A JSON value of an answer in the same form as {@link #render}. */
    static String render(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isIntegralNumber()) {
            return "n:" + value.longValue();
        }
        if (value.isNumber()) {
            return "n:" + value.doubleValue();
        }
        if (value.isTextual()) {
            return "s:" + value.textValue();
        }
        return "?:" + value;
    }

    /** A row of an answer in the content's column order (an unknown or missing column makes it differ). */
    static List<String> render(Content content, JsonNode row) {
        List<String> values = new ArrayList<>(content.columns().size());
        for (String column : content.columns()) {
            values.add(row.has(column) ? render(row.get(column)) : "missing");
        }
        if (row.size() != content.columns().size()) {
            values.add("columns:" + row.size());
        }
        return values;
    }
}
