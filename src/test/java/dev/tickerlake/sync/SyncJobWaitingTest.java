package dev.tickerlake.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.tickerlake.support.S3Settings;
import dev.tickerlake.sync.SyncJobState.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote mode with no cluster listening (a closed loopback port): the start is refused with a reason worth retrying,
 * the job is WAITING, and a stop asked for meanwhile keeps the route's retries from starting it later.
 */
class SyncJobWaitingTest {

    @TempDir
    Path dir;

    @Test
    void aClusterThatDoesNotAnswerLeavesTheJobWaitingAndAStopMeanwhileKeepsItStopped() throws Exception {
        try (SyncJob job = new SyncJob(remoteSettings(closedPort()))) {
            assertThat(job.state().status()).isEqualTo(Status.CREATED);
            assertThat(job.state().cluster().mode()).isEqualTo("remote");

            assertThatThrownBy(job::startUnlessStopped).isInstanceOf(FlinkClusterUnreachableException.class)
                    .hasMessageMatching("the Flink cluster at 127\\.0\\.0\\.1:\\d+ does not answer \\(.*Connect.*\\)");
            SyncJobState waiting = job.state();
            assertThat(waiting.status()).isEqualTo(Status.WAITING);
            assertThat(waiting.failureCause()).contains("does not answer");
            assertThat(waiting.cluster().ui()).endsWith("/#/overview");

            assertThat(job.stopWithSavepoint().status()).isEqualTo(Status.STOPPED);
            assertThat(job.startUnlessStopped().status()).as("the route's retry after the stop").isEqualTo(Status.STOPPED);

            assertThatThrownBy(job::start).as("an explicit start tries again")
                    .isInstanceOf(FlinkClusterUnreachableException.class);
            assertThat(job.state().status()).isEqualTo(Status.WAITING);
        }
    }

    @Test
    void aMissingJobJarIsASetupErrorNotAWait() throws Exception {
        SyncJobSettings settings = SyncJobSettings.builder()
                .s3(S3Settings.pathStyle("http://127.0.0.1:1", "k", "s")).bootstrapServers("127.0.0.1:1")
                .remote("127.0.0.1:" + closedPort()).jobJar(dir.resolve("missing.jar")).localDir(dir).build();
        try (SyncJob job = new SyncJob(settings)) {
            SyncJobState failed = job.start();
            assertThat(failed.status()).isEqualTo(Status.FAILED);
            assertThat(failed.failureCause()).contains("missing.jar is missing").contains("tickerlake.flink.job-jar");
        }
    }

    private SyncJobSettings remoteSettings(int port) throws Exception {
        Path jobJar = Files.writeString(dir.resolve("job.jar"), "not read before the cluster answers");
        return SyncJobSettings.builder().s3(S3Settings.pathStyle("http://127.0.0.1:1", "k", "s"))
                .bootstrapServers("127.0.0.1:1").remote("127.0.0.1:" + port).jobJar(jobJar).localDir(dir).build();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
