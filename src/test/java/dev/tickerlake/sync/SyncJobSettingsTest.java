package dev.tickerlake.sync;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonParseException;
import dev.tickerlake.support.S3Settings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sync job settings: defaults, the credential guard on table options, start positions and failure texts. */
class SyncJobSettingsTest {

    private static final S3Settings S3 = S3Settings.pathStyle("http://127.0.0.1:1", "key", "top-secret");

    @Test
    void defaultsFollowTheContract() {
        SyncJobSettings settings = SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1").build();

        assertThat(settings.warehouse()).isEqualTo("s3://paimon/warehouse");
        assertThat(settings.topic()).isEqualTo("upbit-cdc");
        assertThat(settings.database()).isEqualTo("upbit");
        assertThat(settings.partitionKeys()).containsExactly("dt");
        assertThat(settings.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.savepointDir()).isEqualTo("s3://checkpoints/paimon-sync/savepoints");
        assertThat(settings.restartStrategy()).isEqualTo(SyncJobSettings.RestartStrategy.EXPONENTIAL_DELAY);
        assertThat(settings.restartAttempts()).isEqualTo(10);
        assertThat(settings.restartMaxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.checkpointStall()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.checkpointTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.restPort()).isNull();
        assertThat(settings.localDir()).isAbsolute();
    }

    @Test
    void theSecretKeyNeverShowsInText() {
        SyncJobSettings settings = SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1").build();

        assertThat(S3.toString()).doesNotContain("top-secret");
        assertThat(settings.toString()).doesNotContain("top-secret").contains("secretKey=****");
    }

    @Test
    void credentialsAndFileSystemSettingsAreRefusedAsTableOptions() {
        for (String key : new String[] {"s3.secret-key", "s3.access-key", "fs.s3a.secret.key", "my.password"}) {
            assertThatThrownBy(() -> SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1")
                    .tableOption(key, "x").build())
                    .as(key).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
        }
        assertThat(SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1")
                .tableOption("snapshot.num-retained.max", "100").build().tableOptions())
                .containsEntry("snapshot.num-retained.max", "100");
    }

    @Test
    void atLeastOneRestartIsRequired() {
        assertThatThrownBy(() -> SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1").restartAttempts(0)
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restartAttempts");
    }

    @Test
    void restartStrategiesReadFlinksSpelling() {
        assertThat(SyncJobSettings.RestartStrategy.parse("exponential-delay"))
                .isEqualTo(SyncJobSettings.RestartStrategy.EXPONENTIAL_DELAY);
        assertThat(SyncJobSettings.RestartStrategy.parse(" failure-rate "))
                .isEqualTo(SyncJobSettings.RestartStrategy.FAILURE_RATE);
        assertThatThrownBy(() -> SyncJobSettings.RestartStrategy.parse("fixed-delay"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checkpointDirectoriesLoseTheirTrailingSlash() {
        SyncJobSettings settings = SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1")
                .checkpointDir("s3://checkpoints/x/").localDir(Path.of("rel")).build();

        assertThat(settings.checkpointDir()).isEqualTo("s3://checkpoints/x");
        assertThat(settings.savepointDir()).isEqualTo("s3://checkpoints/x/savepoints");
    }

    @Test
    void startPositionsReadTheAdminApiSpelling() {
        assertThat(StartPosition.parse(null)).isEqualTo(StartPosition.committed());
        assertThat(StartPosition.parse(" ")).isEqualTo(StartPosition.committed());
        assertThat(StartPosition.parse("EARLIEST")).isEqualTo(StartPosition.earliest());
        assertThat(StartPosition.parse("1714521600000")).isEqualTo(StartPosition.timestamp(1714521600000L));
        assertThatThrownBy(() -> StartPosition.parse("yesterday")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StartPosition.parse("-5")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailureReadsAsItsRootCauseOnOneLine() {
        Exception failure = new IOException("task failed",
                new JsonParseException(null, "Unrecognized token 'this'\n at [Source: line 1]"));

        assertThat(SyncJob.describe(failure))
                .isEqualTo("JsonParseException: Unrecognized token 'this' at [Source: line 1] (task failed)");
    }

    @Test
    void remoteModeNeedsTheJobManagersRestAddress() {
        SyncJobSettings.Builder remote = SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1");

        assertThat(remote.remote(" flink-jobmanager:8081 ").build().jobManager()).isEqualTo("flink-jobmanager:8081");
        assertThatThrownBy(() -> remote.remote("http://flink:8081").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tickerlake.flink.jobmanager");
        assertThatThrownBy(() -> remote.remote(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThat(SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1").build().flinkMode())
                .isEqualTo(SyncJobSettings.FlinkMode.EMBEDDED);
        assertThat(SyncJobSettings.FlinkMode.parse(" Remote ")).isEqualTo(SyncJobSettings.FlinkMode.REMOTE);
        assertThatThrownBy(() -> SyncJobSettings.FlinkMode.parse("yarn"))
                .hasMessage("tickerlake.flink.mode must be embedded or remote, not 'yarn'");
    }

    @Test
    void theFlinkJobNameStartsWithTickerlakeAndNamesTheWarehouseAndDatabase() {
        SyncJobSettings settings = SyncJobSettings.builder().s3(S3).bootstrapServers("127.0.0.1:1")
                .warehouse("s3://lake/wh").database("upbit").build();

        assertThat(settings.flinkJobName()).isEqualTo("tickerlake-paimon-sync -> s3://lake/wh/upbit");
    }

    @Test
    void aRemoteFailureReadsLikeALocalOne() {
        String trace = """
                org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy
                \tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(X.java:1)
                Caused by: java.io.IOException: task failed
                \tat a.b.C.d(C.java:2)
                Caused by: org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParseException: Unrecognized token 'x'
                \t... 3 more
                """;

        assertThat(RemoteFlinkCluster.describeStackTrace("org.apache.flink.runtime.JobException", trace))
                .isEqualTo("JsonParseException: Unrecognized token 'x' "
                        + "(Recovery is suppressed by NoRestartBackoffTimeStrategy)");
        assertThat(RemoteFlinkCluster.describeStackTrace("java.lang.Exception",
                "java.lang.Exception: TaskManager lost\n\tat x.y(Z.java:1)"))
                .isEqualTo("Exception: TaskManager lost");
    }
}
