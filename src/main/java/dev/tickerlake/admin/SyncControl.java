package dev.tickerlake.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tickerlake.admin.Responses.Rollback;
import dev.tickerlake.admin.Responses.TableSummary;
import dev.tickerlake.paimon.SyncJob;
import dev.tickerlake.paimon.SyncJobState;
import dev.tickerlake.paimon.TableFreshness;
import dev.tickerlake.paimon.TableMonitor;
import dev.tickerlake.paimon.TimeTravelService;

/**
 * The sync job as the admin API sees it: its state with the tables' latest snapshots, stop (savepoint) and start,
 * and rollback, which is refused while the job runs and makes the next start a fresh one (the pre-rollback savepoint
 * may name files the rollback removed).
 */
public final class SyncControl {

    private final SyncJob job;
    private final TimeTravelService tables;
    private final TableMonitor monitor;

    public SyncControl(SyncJob job, TimeTravelService tables, TableMonitor monitor) {
        this.job = job;
        this.tables = tables;
        this.monitor = monitor;
    }

    /** {@code {"state","jobId","startedAt","lastCheckpoint","tables":{name:{"snapshot","commitTime","freshnessMillis"}}}};
     * freshnessMillis is the last data commit's time minus the newest exchange timestamp it committed. */
    public Map<String, Object> status() {
        SyncJobState state = job.state();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("state", state.status().name());
        answer.put("jobId", state.jobId());
        answer.put("startedAt", state.startedAt() == null ? null : state.startedAt().toString());
        answer.put("lastCheckpoint", state.lastCheckpoint() == null ? null : Map.of(
                "id", state.lastCheckpoint().id(), "completedAt", state.lastCheckpoint().completedAt().toString()));
        if (state.failureCause() != null) {
            answer.put("failureCause", state.failureCause());
        }
        Map<String, Object> byTable = new LinkedHashMap<>();
        Map<String, TableFreshness> freshness = monitor.latest();
        for (TableSummary table : tables.tables().tables()) {
            String name = table.database() + "." + table.table();
            Map<String, Object> latest = new LinkedHashMap<>();
            latest.put("snapshot", table.latestSnapshot() == null ? null : table.latestSnapshot().id());
            latest.put("commitTime", table.latestSnapshot() == null ? null : table.latestSnapshot().commitTime());
            // Exchange to readable row, from the monitor's last look (null until it has seen a data commit).
            TableFreshness known = freshness.get(name);
            latest.put("freshnessMillis", known == null ? null : known.freshnessMillis());
            byTable.put(name, latest);
        }
        answer.put("tables", byTable);
        return answer;
    }

    public Map<String, Object> stop() {
        job.stopWithSavepoint();
        return status();
    }

    /** Resumes; or, with {@code from} ({@code earliest} or epoch ms), starts fresh from there. */
    public Map<String, Object> start(String from) {
        if (from != null && !from.isBlank()) {
            try {
                job.startFresh(from.trim());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_from", "from must be 'earliest' or epoch milliseconds: " + from);
            }
        } else {
            job.start();
        }
        return status();
    }

    /** A dry run is always allowed; a real rollback only while the job is stopped (409 otherwise). */
    public Rollback rollback(String database, String table, Object body) {
        JsonNode request = TimeTravelService.jsonBody(body);
        boolean dryRun = request.path("dryRun").asBoolean(false);
        if (!dryRun && job.isRunning()) {
            throw ApiException.conflict("sync_running", "stop the sync job first: POST /api/sync/stop");
        }
        Rollback result = tables.rollback(database, table, request);
        if (result.done()) {
            job.forgetRestorePoint();
        }
        return result;
    }
}
