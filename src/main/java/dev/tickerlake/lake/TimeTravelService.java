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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tickerlake.admin.ApiException;
import dev.tickerlake.admin.RequestParams;
import dev.tickerlake.admin.Responses;
import dev.tickerlake.admin.Responses.Diff;
import dev.tickerlake.admin.Responses.Field;
import dev.tickerlake.admin.Responses.Rollback;
import dev.tickerlake.admin.Responses.Rows;
import dev.tickerlake.admin.Responses.SnapshotInfo;
import dev.tickerlake.admin.Responses.SnapshotPage;
import dev.tickerlake.admin.Responses.SnapshotRef;
import dev.tickerlake.admin.Responses.TableDescription;
import dev.tickerlake.admin.Responses.TableList;
import dev.tickerlake.admin.Responses.TableSummary;
import dev.tickerlake.admin.Responses.TagInfo;
import dev.tickerlake.admin.Responses.TagList;
import dev.tickerlake.admin.WhereCondition;
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
 * The admin API over Paimon's Java catalog: tables, snapshots, rows at any retained or tagged snapshot (time
 * travel), diffs between two snapshots, tags and rollback. Methods take the request's raw text parameters (null or
 * blank = absent), validate them, and answer with the records of {@link Responses} (Jackson writes them in the
 * contract's shape) or throw an {@link ApiException} carrying the HTTP status (400, 404, 409) and the error body.
 * Successful {@code createTag} answers 201, {@code deleteTag} 204, everything else 200. A repeated {@code where}
 * query parameter may arrive as one text or a collection: both are taken. Thread-safe; one instance per process.
 */
public class TimeTravelService implements AutoCloseable {

    public static final int ROWS_DEFAULT_LIMIT = 100;
    public static final int ROWS_MAX_LIMIT = 10_000;
    public static final int DIFF_DEFAULT_LIMIT = 100;
    public static final int DIFF_MAX_LIMIT = 10_000;
    public static final int SNAPSHOTS_DEFAULT_LIMIT = 20;
    public static final int SNAPSHOTS_MAX_LIMIT = 1_000;
    /** Default heap one rows or diff request may hold (see {@link #setReadBudgetBytes}). */
    public static final long DEFAULT_READ_BUDGET_BYTES = 32L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(TimeTravelService.class);
    /** Option keys never shown by {@link #describe}: credentials, and file-system settings that may carry them. */
    private static final Pattern HIDDEN_OPTION = Pattern.compile(
            "(?i)(^(s3|s3a|fs|oss|hadoop)\\.)|secret|password|passwd|token|credential|access[-._]?key|session");

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

    /** A service over {@code warehouse}; with an S3 endpoint, through Paimon's S3 file IO (path-style requests). */
    public TimeTravelService(String warehouse, String s3Endpoint, String s3AccessKey, String s3SecretKey) {
        this(catalogOptions(warehouse, s3Endpoint, s3AccessKey, s3SecretKey));
    }

    /** Paimon catalog options for {@code warehouse} ({@code s3://...} or a local path); S3 settings when given. */
    public static Map<String, String> catalogOptions(String warehouse, String s3Endpoint, String s3AccessKey,
                                                     String s3SecretKey) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(CatalogOptions.WAREHOUSE.key(), warehouse);
        if (s3Endpoint != null && !s3Endpoint.isBlank()) {
            options.put("s3.endpoint", s3Endpoint);
            options.put("s3.access-key", s3AccessKey);
            options.put("s3.secret-key", s3SecretKey);
            options.put("s3.path.style.access", "true");
        }
        return options;
    }

    /**
     * The heap (estimated bytes) one rows or diff request may hold: rows beyond it are left out of the answer
     * ({@code truncated}); a diff that cannot compare one bucket within it is a 413.
     */
    public void setReadBudgetBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the read budget must be positive, got " + bytes);
        }
        this.readBudgetBytes = bytes;
    }

    // ---- tables ----------------------------------------------------------------------------------------------

    /** {@code GET /api/tables}: every table of every database, sorted by database and name. */
    public TableList tables() {
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
        return new TableList(tables);
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

    /** {@code GET /api/tables/{db}/{table}}: columns, keys, options (without credentials), latest snapshot. */
    public TableDescription describe(String database, String table) {
        FileStoreTable paimonTable = table(database, table);
        List<Field> fields = new ArrayList<>();
        for (DataField field : paimonTable.rowType().getFields()) {
            fields.add(new Field(field.name(), field.type().copy(true).asSQLString(), field.type().isNullable()));
        }
        Map<String, String> options = new TreeMap<>();
        paimonTable.options().forEach((key, value) -> {
            if (!HIDDEN_OPTION.matcher(key).find()) {
                options.put(key, value);
            }
        });
        return new TableDescription(database, table, fields, paimonTable.primaryKeys(), paimonTable.partitionKeys(),
                options, latestRef(paimonTable));
    }

    // ---- snapshots -------------------------------------------------------------------------------------------

    /**
     * {@code GET .../snapshots?limit=N&before=ID}: retained snapshots newest first, those with an id below
     * {@code before} (all when absent); {@code next} is the URL of the following page, or null.
     */
    public SnapshotPage snapshots(String database, String table, String limit, String before) {
        int pageSize = RequestParams.limit(limit, SNAPSHOTS_DEFAULT_LIMIT, SNAPSHOTS_MAX_LIMIT);
        Long beforeId = RequestParams.optionalSnapshotId("before", before);
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
            page.add(new SnapshotInfo(id, Responses.isoUtc(snapshot.timeMillis()), snapshot.timeMillis(),
                    snapshot.commitKind().name(), snapshot.totalRecordCount(), snapshot.deltaRecordCount()));
        }
        String next = more
                ? "/api/tables/" + database + "/" + table + "/snapshots?limit=" + pageSize + "&before="
                        + page.get(page.size() - 1).id()
                : null;
        return new SnapshotPage(page, next);
    }

    // ---- rows ------------------------------------------------------------------------------------------------

    /**
     * {@code GET .../rows}: the rows at the latest snapshot, or at one of {@code snapshot} (id), {@code timestamp}
     * (epoch ms or ISO-8601: the latest snapshot committed at or before it) or {@code tag}; {@code where} is null, one
     * {@code col:value} or a collection of them (all must hold); {@code limit} defaults to 100, capped at 10000. The
     * answer is {@code truncated} at the limit, or earlier at the read budget (fewer rows than the limit).
     */
    public Rows rows(String database, String table, String snapshot, String timestamp, String tag, Object where,
                     String limit) {
        int maxRows = RequestParams.limit(limit, ROWS_DEFAULT_LIMIT, ROWS_MAX_LIMIT);
        List<WhereCondition> conditions = RequestParams.where(where);
        int selectors = (given(snapshot) ? 1 : 0) + (given(timestamp) ? 1 : 0) + (given(tag) ? 1 : 0);
        if (selectors > 1) {
            throw ApiException.badRequest("invalid_request", "give at most one of snapshot, timestamp and tag");
        }
        Long snapshotId = RequestParams.optionalSnapshotId("snapshot", snapshot);
        Long epochMillis = given(timestamp) ? RequestParams.timestamp("timestamp", timestamp) : null;
        String tagName = given(tag) ? RequestParams.name("tag", tag) : null;

        FileStoreTable paimonTable = table(database, table);
        TableHistory history = history(paimonTable, database, table);
        TableVersion version = snapshotId != null ? history.snapshot(snapshotId)
                : epochMillis != null ? history.at(epochMillis)
                : tagName != null ? history.tag(tagName)
                : history.latest();
        if (version == null) {
            RowFilters.predicate(paimonTable.rowType(), conditions);
            return new Rows(null, List.of(), false);
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
                while (iterator.hasNext()) {
                    InternalRow row = iterator.next();
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
        return new Rows(version.ref(), rows, truncated);
    }

    // ---- diff ------------------------------------------------------------------------------------------------

    /**
     * {@code GET .../diff?from=A&to=B}: the net change per primary key from A to B (each a snapshot id, or a tag
     * name when not all digits), of the rows matching {@code where}, within the read budget; see {@link TableDiff}.
     */
    public Diff diff(String database, String table, String from, String to, Object where, String limit) {
        int maxChanges = RequestParams.limit(limit, DIFF_DEFAULT_LIMIT, DIFF_MAX_LIMIT);
        List<WhereCondition> conditions = RequestParams.where(where);
        boolean fromIsId = checkSnapshotOrTag("from", from);
        boolean toIsId = checkSnapshotOrTag("to", to);
        FileStoreTable paimonTable = table(database, table);
        if (paimonTable.primaryKeys().isEmpty()) {
            throw ApiException.badRequest("unsupported", database + "." + table
                    + " has no primary key; diff compares rows by primary key");
        }
        TableHistory history = history(paimonTable, database, table);
        TableVersion fromVersion = history.snapshotOrTag(from, fromIsId);
        TableVersion toVersion = history.snapshotOrTag(to, toIsId);
        Predicate filter = RowFilters.predicate(paimonTable.rowType(), conditions);
        TableDiff.Result result;
        try {
            result = TableDiff.diff(paimonTable, fromVersion, toVersion, filter, maxChanges,
                    new ReadBudget(readBudgetBytes));
        } catch (Exception e) {
            RuntimeException failure = readFailure(e, history, fromVersion, database + "." + table);
            throw failure instanceof ApiException ? failure : readFailure(e, history, toVersion, database + "." + table);
        }
        return new Diff(fromVersion.ref(), toVersion.ref(), result.changes(), result.truncated());
    }

    // ---- tags ------------------------------------------------------------------------------------------------

    /** {@code GET .../tags}: tags ordered by the snapshot they keep, then name. */
    public TagList tags(String database, String table) {
        FileStoreTable paimonTable = table(database, table);
        List<TagInfo> tags = new ArrayList<>();
        for (TableHistory.TaggedSnapshot tagged : history(paimonTable, database, table).taggedById().values()) {
            for (String name : tagged.names()) {
                tags.add(tagInfo(name, tagged.snapshot()));
            }
        }
        return new TagList(tags);
    }

    /** {@code POST .../tags} with the request body {@code {"name", "snapshot"?}} (JSON text, bytes, or a map). */
    public TagInfo createTag(String database, String table, Object body) {
        JsonNode json = RequestParams.jsonObject(body, "name", "snapshot");
        return createTag(database, table, RequestParams.text(json, "name"), RequestParams.text(json, "snapshot"));
    }

    /** Tags {@code snapshot} (the latest when absent) as {@code name}: 409 if the tag exists (answer 201). */
    public TagInfo createTag(String database, String table, String name, String snapshot) {
        RequestParams.name("tag name", name);
        if (RequestParams.isSnapshotId(name)) {
            throw ApiException.badRequest("invalid_name", "tag name '" + name
                    + "' must not be all digits: diff would read it as a snapshot id");
        }
        Long snapshotId = RequestParams.optionalSnapshotId("snapshot", snapshot);
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

    /** {@code DELETE .../tags/{name}}: 404 if there is no such tag (answer 204). */
    public void deleteTag(String database, String table, String name) {
        RequestParams.name("tag name", name);
        FileStoreTable paimonTable = table(database, table);
        if (!paimonTable.tagManager().tagExists(name)) {
            throw ApiException.notFound("no_such_tag", "tag '" + name + "' does not exist in " + database + "." + table);
        }
        paimonTable.deleteTag(name);
        LOG.info("Deleted tag '{}' of {}.{}", name, database, table);
    }

    // ---- rollback --------------------------------------------------------------------------------------------

    /** {@code POST .../rollback} with the request body {@code {"snapshot" | "tag", "dryRun"?}} (dryRun: false). */
    public Rollback rollback(String database, String table, Object body) {
        return rollback(database, table, body, () -> { });
    }

    /**
     * {@link #rollback(String, String, Object)}, running {@code beforeChange} once the request is known to be valid
     * and just before the table changes (never for a dry run): the caller refuses there while a writer runs, and
     * forgets whatever could write the removed snapshots again.
     */
    public Rollback rollback(String database, String table, Object body, Runnable beforeChange) {
        JsonNode json = RequestParams.jsonObject(body, "snapshot", "tag", "dryRun");
        return rollback(database, table, RequestParams.text(json, "snapshot"), RequestParams.text(json, "tag"),
                RequestParams.flag(json, "dryRun", false), beforeChange);
    }

    /** Rolls back (see below) with nothing to do before the change. */
    public Rollback rollback(String database, String table, String snapshot, String tag, boolean dryRun) {
        return rollback(database, table, snapshot, tag, dryRun, () -> { });
    }

    /**
     * Rolls the table back to a snapshot (id) or a tag: every retained snapshot and every tag newer than the target
     * is removed. With {@code dryRun} nothing changes and the answer lists exactly what the rollback would remove.
     * The caller guarantees that no writer (the sync job) runs on the table; {@code beforeChange} runs right before
     * the change.
     */
    public Rollback rollback(String database, String table, String snapshot, String tag, boolean dryRun,
                             Runnable beforeChange) {
        if (given(snapshot) == given(tag)) {
            throw ApiException.badRequest("invalid_request", "give exactly one of snapshot and tag");
        }
        Long snapshotId = RequestParams.optionalSnapshotId("snapshot", snapshot);
        String tagName = given(tag) ? RequestParams.name("tag", tag) : null;
        FileStoreTable paimonTable = table(database, table);
        TableHistory history = history(paimonTable, database, table);
        TableVersion target = snapshotId != null ? history.snapshot(snapshotId) : history.tag(tagName);

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
        RequestParams.name("database", database);
        RequestParams.name("table", table);
        Table paimonTable;
        try {
            paimonTable = catalog().getTable(Identifier.create(database, table));
        } catch (Catalog.TableNotExistException e) {
            throw ApiException.notFound("no_such_table", "table " + database + "." + table + " does not exist");
        }
        if (!(paimonTable instanceof FileStoreTable fileStoreTable)) {
            throw ApiException.badRequest("unsupported", database + "." + table + " is not a Paimon data table");
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
        return new TagInfo(name, snapshot.id(), Responses.isoUtc(snapshot.timeMillis()));
    }

    /** Names of the tags on snapshots newer than {@code afterId}, by snapshot id then name. */
    private static List<String> tagNames(Map<Long, TableHistory.TaggedSnapshot> tagged, long afterId) {
        return tagged.entrySet().stream().filter(e -> e.getKey() > afterId)
                .flatMap(e -> e.getValue().names().stream()).collect(Collectors.toList());
    }

    private static ApiException tagExists(String database, String table, String name, FileStoreTable paimonTable) {
        String kept = paimonTable.tagManager().get(name).map(t -> " (snapshot " + t.id() + ")").orElse("");
        return ApiException.conflict("tag_exists", "tag '" + name + "' already exists in " + database + "." + table + kept);
    }

    private static boolean given(String value) {
        return value != null && !value.isBlank();
    }

    /** Checks a diff end: a snapshot id (true) or a valid tag name (false). */
    private static boolean checkSnapshotOrTag(String what, String value) {
        if (!given(value)) {
            throw ApiException.badRequest("invalid_request", what + " is required (a snapshot id or a tag name)");
        }
        if (RequestParams.isSnapshotId(value)) {
            return true;
        }
        RequestParams.name(what + " tag", value);
        return false;
    }

    /** A read that failed because its snapshot expired meanwhile is a 404; anything else stays a failure. */
    private static RuntimeException readFailure(Exception e, TableHistory history, TableVersion version, String table) {
        if (e instanceof ApiException api) {
            return api;
        }
        boolean missingFile = false;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            missingFile |= cause instanceof FileNotFoundException;
        }
        if (missingFile) {
            try {
                history.snapshot(version.id());
            } catch (ApiException gone) {
                return ApiException.notFound("no_such_snapshot", "snapshot " + version.id() + " of " + table
                        + " expired while it was read");
            }
        }
        return e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
}
