package dev.tickerlake.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tickerlake.lake.Instants;
import dev.tickerlake.lake.Rollback;
import dev.tickerlake.lake.TableMonitor;
import dev.tickerlake.sync.FlinkClusterUnreachableException;
import dev.tickerlake.sync.SyncJob;
import dev.tickerlake.sync.SyncJobState;

/**
 * The sync job as the admin API sees it: its state with the tables' latest snapshots, stop (savepoint) and start,
 * and rollback, which is refused while the job runs and makes the next start a fresh one (the pre-rollback savepoint
 * may name files the rollback removed).
 */
public final class SyncControl {

    private final SyncJob job;
    private final TablesApi tables;
    private final TableMonitor monitor;

    public SyncControl(SyncJob job, TablesApi tables, TableMonitor monitor) {
        this.job = job;
        this.tables = tables;
        this.monitor = monitor;
    }

    /** {@code {"state","jobId","startedAt","lastCheckpoint","resumedFrom","flinkStatus","restarts","lastFailure":{"cause",
     * "at"},"cluster":{"mode","address","ui"},"tables":{name:{"snapshot","commitTime","freshnessMillis"}}}}; flinkStatus is Flink's own (e.g. RESTARTING),
     * restarts counts the job's restarts after failures, lastFailure is its latest failure (null if none); resumedFrom is the savepoint or checkpoint the job restored, {@code fresh from ...}, or
     * {@code missing savepoint <path>: started from committed offsets}; freshnessMillis is the last data commit's time
     * minus the newest exchange timestamp it committed. The tables are the table monitor's last look; when that is
     * missing or failed (S3 unreachable), {@code "tablesUnavailable"} says why. */
    public Map<String, Object> status() {
        SyncJobState state = job.state();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("state", state.status().name());
        answer.put("jobId", state.jobId());
        answer.put("startedAt", state.startedAt() == null ? null : state.startedAt().toString());
        answer.put("lastCheckpoint", state.lastCheckpoint() == null ? null : Map.of(
                "id", state.lastCheckpoint().id(), "completedAt", state.lastCheckpoint().completedAt().toString()));
        answer.put("resumedFrom", state.resumedFrom());
        answer.put("flinkStatus", state.flinkStatus());
        answer.put("restarts", state.restarts());
        answer.put("lastFailure", state.lastFailure() == null ? null : Map.of(
                "cause", state.lastFailure().cause(), "at", state.lastFailure().at().toString()));
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("mode", state.cluster().mode());
        cluster.put("address", state.cluster().address());
        cluster.put("ui", state.cluster().ui());
        answer.put("cluster", cluster);
        if (state.failureCause() != null) {
            answer.put("failureCause", state.failureCause());
        }
        // From the table monitor's last look (every tickerlake.monitoring.table-refresh ms), never from S3 directly:
        // this answer must come at once while S3 is down, when an operator needs it most.
        Map<String, Object> byTable = new LinkedHashMap<>();
        monitor.latest().forEach((name, known) -> {
            Map<String, Object> latest = new LinkedHashMap<>();
            latest.put("snapshot", known.snapshotId());
            latest.put("commitTime", known.commitMillis() == null ? null : Instants.isoUtc(known.commitMillis()));
            latest.put("freshnessMillis", known.freshnessMillis());
            byTable.put(name, latest);
        });
        answer.put("tables", byTable);
        String problem = monitor.problem();
        if (problem != null) {
            answer.put("tablesUnavailable", problem);
        }
        return answer;
    }

    public Map<String, Object> stop() {
        job.stopWithSavepoint();
        return status();
    }

    /**
     * Resumes; or, with {@code from} ({@code earliest} or epoch ms), starts fresh from there. A session cluster that
     * does not answer is a 503 {@code flink_unreachable} (the state stays WAITING).
     */
    public Map<String, Object> start(String from) {
        try {
            if (from != null && !from.isBlank()) {
                try {
                    job.startFresh(from.trim());
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("invalid_from",
                            "from must be 'earliest' or epoch milliseconds: " + from);
                }
            } else {
                job.start();
            }
        } catch (FlinkClusterUnreachableException e) {
            throw new ApiException(503, "flink_unreachable", e.getMessage());
        }
        return status();
    }

    /**
     * A dry run is always allowed; a real rollback only while the job is stopped (409 otherwise). Checking that, forgetting
     * the restore point and changing the table happen under the job's lock, forgetting first: a start asked for
     * meanwhile waits and then starts fresh, and a crash part-way never leaves the pre-rollback savepoint to resume.
     */
    public Rollback rollback(String database, String table, Object body) {
        return job.exclusively(() -> tables.rollback(database, table, body, () -> {
            if (job.isRunning()) {
                throw ApiException.conflict("sync_running", "stop the sync job first: POST /api/sync/stop");
            }
            job.forgetRestorePoint();
        }));
    }
}
