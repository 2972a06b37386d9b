package dev.tickerlake.lake;

import java.time.Instant;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;

/**
 * One table for JMX ({@code dev.tickerlake:type=Table,name=<database>.<table>}) and {@code /observe/metrics}: its
 * latest snapshot and freshness, as the {@link TableMonitor} last read them.
 */
@ManagedResource(description = "A Paimon table the sync job writes: latest snapshot and freshness")
public final class ManagedTable implements MeterBinder {

    private volatile TableFreshness latest;

    ManagedTable(TableFreshness first) {
        this.latest = first;
    }

    void update(TableFreshness next) {
        latest = next;
    }

    public TableFreshness latest() {
        return latest;
    }

    public String name() {
        return latest.database() + "." + latest.table();
    }

    @ManagedAttribute(description = "Id of the latest snapshot, -1 before the first commit")
    public long getSnapshotId() {
        return orMinusOne(latest.snapshotId());
    }

    @ManagedAttribute(description = "When the latest snapshot was committed (ISO-8601)")
    public String getCommitTime() {
        return iso(latest.commitMillis());
    }

    @ManagedAttribute(description = "Id of the latest snapshot that added data (compactions only rewrite files)")
    public long getDataSnapshotId() {
        return orMinusOne(latest.dataSnapshotId());
    }

    @ManagedAttribute(description = "Newest event time (the exchange's timestamp) that snapshot committed (ISO-8601)")
    public String getNewestEventTime() {
        return iso(latest.newestEventMillis());
    }

    @ManagedAttribute(description = "Commit time minus the newest event time committed (ms), -1 when unknown")
    public long getFreshnessMillis() {
        return orMinusOne(latest.freshnessMillis());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String table = name();
        Gauge.builder("tickerlake.table.snapshot.id", this, ManagedTable::getSnapshotId)
                .description("Id of the table's latest snapshot").tag("table", table).register(registry);
        Gauge.builder("tickerlake.table.commit.timestamp", this, self -> seconds(self.latest.commitMillis()))
                .baseUnit("seconds").description("When the table's latest snapshot was committed (epoch)")
                .tag("table", table).register(registry);
        Gauge.builder("tickerlake.table.freshness", this, self -> seconds(self.latest.freshnessMillis()))
                .baseUnit("seconds").description("Commit time minus the newest event time the last data commit held")
                .tag("table", table).register(registry);
    }

    private static long orMinusOne(Long value) {
        return value == null ? -1 : value;
    }

    private static String iso(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static double seconds(Long millis) {
        return millis == null ? Double.NaN : millis / 1000.0;
    }
}
