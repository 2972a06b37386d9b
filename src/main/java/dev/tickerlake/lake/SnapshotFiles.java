package dev.tickerlake.lake;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.paimon.fs.FileStatus;
import org.apache.paimon.utils.SnapshotManager;

/** The ids of a table's committed snapshots, from one listing of its snapshot directory. */
public final class SnapshotFiles {

    private static final String PREFIX = "snapshot-";
    /** A committed snapshot's file name: the prefix and an id (at most 18 digits: a long). */
    private static final Pattern COMMITTED = Pattern.compile("snapshot-[0-9]{1,18}");

    private SnapshotFiles() {
    }

    /**
     * Ids of the committed snapshots, ascending; none before the first commit. Only {@code snapshot-<digits>} names
     * count: a snapshot file being committed shows up as {@code snapshot-<id>-<uuid>} for a moment, which Paimon's own
     * listing ({@code snapshotIdStream}) fails on with a NumberFormatException.
     */
    public static List<Long> committedIds(SnapshotManager snapshots) throws IOException {
        FileStatus[] files;
        try {
            files = snapshots.fileIO().listStatus(snapshots.snapshotDirectory());
        } catch (FileNotFoundException noSnapshotYet) {
            return new ArrayList<>();
        }
        List<Long> ids = new ArrayList<>();
        for (FileStatus file : files == null ? new FileStatus[0] : files) {
            String name = file.getPath().getName();
            if (COMMITTED.matcher(name).matches()) {
                ids.add(Long.parseLong(name.substring(PREFIX.length())));
            }
        }
        ids.sort(null);
        return ids;
    }
}
