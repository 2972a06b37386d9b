package dev.tickerlake.lake;

import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.tickerlake.support.S3Settings;
import org.apache.paimon.Snapshot;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.options.CatalogOptions;
import org.apache.paimon.options.Options;
import org.apache.paimon.predicate.Predicate;
import org.apache.paimon.table.FileStoreTable;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.table.source.Split;
import org.apache.paimon.types.DataField;
import org.apache.paimon.utils.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables as they were at any retained or tagged snapshot (time travel), answered as the lake's records or refused
 * with a {@link LakeException}. Thread-safe; one instance per process.
 */
public class TimeTravelService implements AutoCloseable {

    /** Default heap one rows or diff read may hold (see {@link #setReadBudgetBytes}). */
    public static final long DEFAULT_READ_BUDGET_BYTES = 32L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(TimeTravelService.class);
    /** The code of a read whose snapshot vanished (a rollback, an expiry) while it was read. */
    static final String VANISHED = "no_such_snapshot";
    static final int LATEST_READ_ATTEMPTS = 3;

    private final Map<String, String> catalogOptions;
    private volatile Catalog catalog;
    private volatile long readBudgetBytes = DEFAULT_READ_BUDGET_BYTES;

    /** A service over a catalog opened (on first use) with these Paimon catalog options. */
    public TimeTravelService(Map<String, String> catalogOptions) {
        Map<String, String> options = new LinkedHashMap<>(catalogOptions);
        // Snapshots are not immutable here: a rollback deletes some and the next commits reuse their ids, so a
        // cached snapshot or table could answer with data that no longer exists. The schema can also evolve.
        options.put(CatalogOptions.CACHE_ENABLED.key(), "false");
        this.catalogOptions = Collections.unmodifiableMap(options);
    }

    /** A service over {@code warehouse}; with S3 settings (null for a local warehouse), through Paimon's S3 file IO. */
    public TimeTravelService(String warehouse, S3Settings s3) {
        this(catalogOptions(warehouse, s3));
    }

    /** Paimon catalog options for {@code warehouse} ({@code s3://...} or a local path); the S3 settings when given. */
    public static Map<String, String> catalogOptions(String warehouse, S3Settings s3) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(CatalogOptions.WAREHOUSE.key(), warehouse);
        if (s3 != null) {
            options.putAll(s3.options());
        }
        return options;
    }

    /** {@link #catalogOptions(String, S3Settings)} with path-style S3 settings when {@code s3Endpoint} is set. */
    public static Map<String, String> catalogOptions(String warehouse, String s3Endpoint, String s3AccessKey,
                                                     String s3SecretKey) {
        return catalogOptions(warehouse, s3Endpoint == null || s3Endpoint.isBlank() ? null
                : S3Settings.pathStyle(s3Endpoint, s3AccessKey, s3SecretKey));
    }

    /**
     * The heap (estimated bytes) one rows or diff request may hold: rows beyond it are left out of the answer
     * ({@code truncated}); a diff that cannot compare one bucket within it is refused ({@code TOO_LARGE}).
     */
    public void setReadBudgetBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the read budget must be positive, got " + bytes);
        }
        this.readBudgetBytes = bytes;
    }

    // ---- tables ----------------------------------------------------------------------------------------------

    /** Every table of every database, sorted by database and name. */
    public List<TableSummary> tables() {
        List<TableSummary> tables = new ArrayList<>();
        List<String> databases = new ArrayList<>(catalog().listDatabases());
        databases.sort(null);
        for (String database : databases) {
            List<String> names;
            try {
                names = new ArrayList<>(catalog().listTables(database));
            } catch (Catalog.DatabaseNotExistException droppedMeanwhile) {
                continue;
            }
            names.sort(null);
            for (String name : names) {
                Table table;
                try {
                    table = catalog().getTable(Identifier.create(database, name));
                } catch (Catalog.TableNotExistException droppedMeanwhile) {
                    continue;
                }
                if (table instanceof FileStoreTable fileStoreTable) {
                    tables.add(new TableSummary(database, name, table.primaryKeys(), table.partitionKeys(),
                            latestRef(fileStoreTable)));
                }
            }
        }
        return tables;
    }

    /**
     * How current each table of {@code database} is (an unknown database has none yet). {@code previous} holds the
     * last answers by table name, so a data snapshot already inspected is not read again.
     */
    public List<TableFreshness> freshness(String database, Map<String, TableFreshness> previous) {
        List<String> names;
        try {
            names = new ArrayList<>(catalog().listTables(database));
        } catch (Catalog.DatabaseNotExistException notYetCreated) {
            return List.of();
        }
        names.sort(null);
        List<TableFreshness> answers = new ArrayList<>();
        for (String name : names) {
            try {
                if (catalog().getTable(Identifier.create(database, name)) instanceof FileStoreTable table) {
                    answers.add(TableFreshness.of(database, name, table, previous.get(name)));
                }
            } catch (Catalog.TableNotExistException droppedMeanwhile) {
                // gone between the listing and the read
            }
        }
        return answers;
    }

    /** A table's columns, keys, options (without credentials or file-system settings) and latest snapshot. */
    public TableDescription describe(String database, String table) {
        FileStoreTable paimonTable = table(database, table);
        List<Field> fields = new ArrayList<>();
        for (DataField field : paimonTable.rowType().getFields()) {
            fields.add(new Field(field.name(), field.type().copy(true).asSQLString(), field.type().isNullable()));
        }
        Map<String, String> options = new TreeMap<>();
        paimonTable.options().forEach((key, value) -> {
            if (!S3Settings.isSecretOrFileSystemOption(key)) {
                options.put(key, value);
            }
        });
        return new TableDescription(database, table, fields, paimonTable.primaryKeys(), paimonTable.partitionKeys(),
                options, latestRef(paimonTable));
    }

    // ---- snapshots -------------------------------------------------------------------------------------------

    /** Up to {@code pageSize} retained snapshots newest first, those with an id below {@code beforeId} (all when null). */
    public SnapshotSlice snapshots(String database, String table, int pageSize, Long beforeId) {
        FileStoreTable paimonTable = table(database, table);
        List<Long> ids = history(paimonTable, database, table).retainedIds();
        List<SnapshotInfo> page = new ArrayList<>();
        boolean more = false;
        for (int i = ids.size() - 1; i >= 0; i--) {
            long id = ids.get(i);
            if (beforeId != null && id >= beforeId) {
                continue;
            }
            if (page.size() == pageSize) {
                more = true;
                break;
            }
            Snapshot snapshot;
            try {
                snapshot = paimonTable.snapshotManager().tryGetSnapshot(id);
            } catch (FileNotFoundException expiredMeanwhile) {
                continue;
            }
            page.add(new SnapshotInfo(id, Instants.isoUtc(snapshot.timeMillis()), snapshot.timeMillis(),
                    snapshot.commitKind().name(), snapshot.totalRecordCount(), snapshot.deltaRecordCount()));
        }
        return new SnapshotSlice(page, more);
    }

    // ---- rows ------------------------------------------------------------------------------------------------

    /**
     * The rows at {@code point} matching every condition of {@code where}, after the first {@code offset} of them, at
     * most {@code maxRows}: the answer is {@code truncated} at the limit, or earlier at the read budget (fewer rows
     * than the limit). The order is Paimon's read order, the same for the same snapshot, so offsets page through it.
     */
    public Rows rows(String database, String table, ReadPoint point, List<WhereCondition> conditions, int offset,
                     int maxRows) {
        return whileLatestVanishes(point, () -> rowsOnce(database, table, point, conditions, offset, maxRows));
    }

    /**
     * Reads with {@code read}, again (at most {@value #LATEST_READ_ATTEMPTS} times) when the point is the latest
     * snapshot and that snapshot vanished while it was read: a rollback or an expiry moved the table's latest
     * snapshot, and a read of "the latest" is answered from the one that is latest now, never with a 404 or a 500.
     */
    static <T> T whileLatestVanishes(ReadPoint point, java.util.function.Supplier<T> read) {
        boolean latest = point.snapshotId() == null && point.epochMillis() == null && point.tag() == null;
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (LakeException vanished) {
                if (!latest || attempt == LATEST_READ_ATTEMPTS || !VANISHED.equals(vanished.code())) {
                    throw vanished;
                }
            }
        }
    }

    private Rows rowsOnce(String database, String table, ReadPoint point, List<WhereCondition> conditions, int offset,
                          int maxRows) {
        FileStoreTable paimonTable = table(database, table);
        TableHistory history = history(paimonTable, database, table);
        TableVersion version = history.resolve(point);
        if (version == null) {
            RowFilters.predicate(paimonTable.rowType(), conditions);
            return new Rows(null, offset, List.of(), false);
        }
        // copy() with a scan option also switches to the schema the snapshot was written with.
        FileStoreTable atVersion = paimonTable.copy(version.scanOptions());
        Predicate filter = RowFilters.predicate(atVersion.rowType(), conditions);
        ReadBuilder readBuilder = atVersion.newReadBuilder();
        if (filter != null) {
            readBuilder.withFilter(filter);
        }
        RowRenderer renderer = new RowRenderer(atVersion.rowType());
        ReadBudget budget = new ReadBudget(readBudgetBytes);
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean truncated = false;
        try {
            List<Split> splits = readBuilder.newScan().plan().splits();
            try (CloseableIterator<InternalRow> iterator =
                         readBuilder.newRead().executeFilter().createReader(splits).toCloseableIterator()) {
                int skipped = 0;
                while (iterator.hasNext()) {
                    InternalRow row = iterator.next();
                    if (skipped < offset) {
                        skipped++;
                        continue;
                    }
                    if (rows.size() == maxRows) {
                        truncated = true;
                        break;
                    }
                    Map<String, Object> rendered = renderer.render(row);
                    if (!budget.take(RowRenderer.heapBytes(rendered)) && !rows.isEmpty()) {
                        truncated = true;
                        break;
                    }
                    rows.add(rendered);
                }
            }
        } catch (Exception e) {
            throw readFailure(e, history, version, database + "." + table);
        }
        return new Rows(version.ref(), offset, rows, truncated);
    }

    // ---- diff ------------------------------------------------------------------------------------------------

    /**
     * The net change per primary key from {@code from} to {@code to} (each a snapshot id or a tag), of the rows
     * matching {@code where}, at most {@code maxChanges}, within the read budget; see {@link TableDiff}.
     */
    public Diff diff(String database, String table, ReadPoint from, ReadPoint to, List<WhereCondition> conditions,
                     int maxChanges) {
        FileStoreTable paimonTable = table(database, table);
        if (paimonTable.primaryKeys().isEmpty()) {
            throw LakeException.invalid("unsupported", database + "." + table
                    + " has no primary key; diff compares rows by primary key");
        }
        TableHistory history = history(paimonTable, database, table);
        TableVersion fromVersion = history.resolve(from);
        TableVersion toVersion = history.resolve(to);
        Predicate filter = RowFilters.predicate(paimonTable.rowType(), conditions);
        TableDiff.Result result;
        try {
            result = TableDiff.diff(paimonTable, fromVersion, toVersion, filter, maxChanges,
                    new ReadBudget(readBudgetBytes));
        } catch (Exception e) {
            RuntimeException failure = readFailure(e, history, fromVersion, database + "." + table);
            throw failure instanceof LakeException ? failure : readFailure(e, history, toVersion, database + "." + table);
        }
        return new Diff(fromVersion.ref(), toVersion.ref(), result.changes(), result.truncated());
    }

    // ---- tags ------------------------------------------------------------------------------------------------

    /** The tags, ordered by the snapshot they keep, then name. */
    public List<TagInfo> tags(String database, String table) {
        FileStoreTable paimonTable = table(database, table);
        List<TagInfo> tags = new ArrayList<>();
        for (TableHistory.TaggedSnapshot tagged : history(paimonTable, database, table).taggedById().values()) {
            for (String name : tagged.names()) {
                tags.add(tagInfo(name, tagged.snapshot()));
            }
        }
        return tags;
    }

    /** Tags {@code snapshotId} (the latest when null) as {@code name}; CONFLICT if the tag exists. */
    public TagInfo createTag(String database, String table, String name, Long snapshotId) {
        FileStoreTable paimonTable = table(database, table);
        TableHistory history = history(paimonTable, database, table);
        if (paimonTable.tagManager().tagExists(name)) {
            throw tagExists(database, table, name, paimonTable);
        }
        TableVersion version = snapshotId == null ? history.latestOrThrow() : history.snapshot(snapshotId);
        try {
            paimonTable.createTag(name, version.id());
        } catch (IllegalArgumentException e) {
            if (paimonTable.tagManager().tagExists(name)) {
                throw tagExists(database, table, name, paimonTable);
            }
            throw e;
        }
        LOG.info("Tagged {}.{} snapshot {} as '{}'", database, table, version.id(), name);
        return tagInfo(name, version.snapshot());
    }

    /** Deletes tag {@code name}; NOT_FOUND if there is no such tag. */
    public void deleteTag(String database, String table, String name) {
        FileStoreTable paimonTable = table(database, table);
        if (!paimonTable.tagManager().tagExists(name)) {
            throw LakeException.notFound("no_such_tag", "tag '" + name + "' does not exist in " + database + "." + table);
        }
        paimonTable.deleteTag(name);
        LOG.info("Deleted tag '{}' of {}.{}", name, database, table);
    }

    // ---- rollback --------------------------------------------------------------------------------------------

    /**
     * Rolls the table back to {@code point} (a snapshot id or a tag): every retained snapshot and every tag newer
     * than the target is removed. With {@code dryRun} nothing changes and the answer lists exactly what the rollback
     * would remove. The caller guarantees that no writer (the sync job) runs on the table; {@code beforeChange} runs
     * once the target is known to exist, right before the change (never for a dry run): the caller refuses there while
     * a writer runs, and forgets whatever could write the removed snapshots again.
     */
    public Rollback rollback(String database, String table, ReadPoint point, boolean dryRun, Runnable beforeChange) {
        FileStoreTable paimonTable = table(database, table);
        TableHistory history = history(paimonTable, database, table);
        TableVersion target = history.resolve(point);

        // What Paimon 1.3.1's rollback removes (RollbackHelper.cleanLargerThan): the retained snapshots with a
        // larger id, and the tags of snapshots with a larger id.
        List<Long> retainedBefore = history.retainedIds();
        Map<Long, TableHistory.TaggedSnapshot> taggedBefore = history.taggedById();
        List<Long> planSnapshots = retainedBefore.stream().filter(id -> id > target.id()).collect(Collectors.toList());
        List<String> planTags = tagNames(taggedBefore, target.id());
        if (dryRun) {
            return new Rollback(target.ref(), planSnapshots, planTags, false);
        }
        beforeChange.run();

        if (target.scanKey().equals(org.apache.paimon.CoreOptions.SCAN_TAG_NAME.key())) {
            paimonTable.rollbackTo(target.scanValue());
        } else {
            paimonTable.rollbackTo(target.id());
        }
        Set<Long> retainedAfter = new HashSet<>(history.retainedIds());
        Set<String> tagsAfter = new HashSet<>(tagNames(history.taggedById(), -1));
        List<Long> removedSnapshots = retainedBefore.stream().filter(id -> !retainedAfter.contains(id))
                .collect(Collectors.toList());
        List<String> removedTags = tagNames(taggedBefore, -1).stream().filter(name -> !tagsAfter.contains(name))
                .collect(Collectors.toList());
        if (!removedSnapshots.equals(planSnapshots) || !removedTags.equals(planTags)) {
            LOG.warn("Rollback of {}.{} to snapshot {} removed snapshots {} and tags {}, planned {} and {}", database,
                    table, target.id(), removedSnapshots, removedTags, planSnapshots, planTags);
        }
        LOG.info("Rolled {}.{} back to snapshot {}: removed snapshots {} and tags {}", database, table, target.id(),
                removedSnapshots, removedTags);
        return new Rollback(target.ref(), removedSnapshots, removedTags, true);
    }

    @Override
    /** Not synchronized: a catalog still being opened against an unreachable S3 must not hold up shutdown. */
    public void close() throws Exception {
        Catalog open = catalog;
        catalog = null;
        if (open != null) {
            open.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** The catalog, opened on first use (so that a bean can be built before S3 is up). */
    protected synchronized Catalog catalog() {
        if (catalog == null) {
            catalog = CatalogFactory.createCatalog(CatalogContext.create(Options.fromMap(catalogOptions)));
            LOG.info("Opened Paimon catalog at {}", catalogOptions.get(CatalogOptions.WAREHOUSE.key()));
        }
        return catalog;
    }

    private FileStoreTable table(String database, String table) {
        Table paimonTable;
        try {
            paimonTable = catalog().getTable(Identifier.create(database, table));
        } catch (Catalog.TableNotExistException e) {
            throw LakeException.notFound("no_such_table", "table " + database + "." + table + " does not exist");
        }
        if (!(paimonTable instanceof FileStoreTable fileStoreTable)) {
            throw LakeException.invalid("unsupported", database + "." + table + " is not a Paimon data table");
        }
        return fileStoreTable;
    }

    private static TableHistory history(FileStoreTable table, String database, String name) {
        return new TableHistory(table, database + "." + name);
    }

    private static SnapshotRef latestRef(FileStoreTable table) {
        Snapshot latest = table.snapshotManager().latestSnapshot();
        return latest == null ? null : SnapshotRef.of(latest.id(), latest.timeMillis());
    }

    private static TagInfo tagInfo(String name, Snapshot snapshot) {
        return new TagInfo(name, snapshot.id(), Instants.isoUtc(snapshot.timeMillis()));
    }

    /** Names of the tags on snapshots newer than {@code afterId}, by snapshot id then name. */
    private static List<String> tagNames(Map<Long, TableHistory.TaggedSnapshot> tagged, long afterId) {
        return tagged.entrySet().stream().filter(e -> e.getKey() > afterId)
                .flatMap(e -> e.getValue().names().stream()).collect(Collectors.toList());
    }

    private static LakeException tagExists(String database, String table, String name, FileStoreTable paimonTable) {
        String kept = paimonTable.tagManager().get(name).map(t -> " (snapshot " + t.id() + ")").orElse("");
        return LakeException.conflict("tag_exists", "tag '" + name + "' already exists in " + database + "." + table + kept);
    }

    /** A read that failed because its snapshot expired meanwhile is NOT_FOUND; anything else stays a failure. */
    private static RuntimeException readFailure(Exception e, TableHistory history, TableVersion version, String table) {
        if (e instanceof LakeException refused) {
            return refused;
        }
        if (TableHistory.snapshotVanished(e)) {
            try {
                history.snapshot(version.id());
            } catch (LakeException gone) {
                return LakeException.notFound(VANISHED, "snapshot " + version.id() + " of " + table
                        + " expired while it was read");
            }
        }
        return e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
}
