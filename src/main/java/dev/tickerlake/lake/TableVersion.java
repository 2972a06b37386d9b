package dev.tickerlake.lake;

import java.util.Map;

import org.apache.paimon.CoreOptions;
import org.apache.paimon.Snapshot;

/**
 * A resolved point in a table's history: the snapshot, and the scan option that reads exactly it
 * ({@code scan.snapshot-id} while the snapshot is retained, {@code scan.tag-name} once only a tag keeps it).
 */
record TableVersion(Snapshot snapshot, String scanKey, String scanValue) {

    static TableVersion ofSnapshot(Snapshot snapshot) {
        return new TableVersion(snapshot, CoreOptions.SCAN_SNAPSHOT_ID.key(), Long.toString(snapshot.id()));
    }

    static TableVersion ofTag(Snapshot taggedSnapshot, String tagName) {
        return new TableVersion(taggedSnapshot, CoreOptions.SCAN_TAG_NAME.key(), tagName);
    }

    long id() {
        return snapshot.id();
    }

    /** Dynamic table options that pin a read to this version. */
    Map<String, String> scanOptions() {
        return Map.of(scanKey, scanValue);
    }

    SnapshotRef ref() {
        return SnapshotRef.of(snapshot.id(), snapshot.timeMillis());
    }
}
