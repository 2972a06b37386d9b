package dev.tickerlake.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The local note from which the next start finds its restore point: the last job's id (its retained checkpoints live
 * under {@code <checkpoint dir>/<job id>/}), what that job itself restored, and the savepoint it stopped with. Written
 * when a job is submitted and when it stops with a savepoint, so it stays right even if the process dies.
 */
final class RestorePointer {

    private static final String JOB_ID = "job.id";
    private static final String RESTORED_FROM = "job.restored-from";
    private static final String SAVEPOINT = "job.savepoint";

    private final Path file;
    private final Properties values = new Properties();

    private RestorePointer(Path file) {
        this.file = file;
    }

    static RestorePointer load(Path file) throws IOException {
        RestorePointer pointer = new RestorePointer(file);
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                pointer.values.load(in);
            }
        }
        return pointer;
    }

    String lastJobId() {
        return values.getProperty(JOB_ID);
    }

    String lastJobRestoredFrom() {
        return values.getProperty(RESTORED_FROM);
    }

    String lastJobSavepoint() {
        return values.getProperty(SAVEPOINT);
    }

    void recordLaunch(String jobId, String restoredFrom) throws IOException {
        values.clear();
        values.setProperty(JOB_ID, jobId);
        if (restoredFrom != null) {
            values.setProperty(RESTORED_FROM, restoredFrom);
        }
        save();
    }

    void recordSavepoint(String jobId, String savepoint) throws IOException {
        if (!jobId.equals(lastJobId())) {
            return;
        }
        values.setProperty(SAVEPOINT, savepoint);
        save();
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial)) {
            values.store(out, "tickerlake sync job: where the next start resumes");
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
