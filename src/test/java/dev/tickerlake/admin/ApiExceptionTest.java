package dev.tickerlake.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;

import org.junit.jupiter.api.Test;

class ApiExceptionTest {

    /** S3 refusing connections arrives wrapped (Paimon's catalog, S3A, the AWS SDK): the client may retry. */
    @Test
    void storageUnreachableAnywhereInTheCauseChainIsA503() {
        Exception wrapped = new RuntimeException("Failed to read snapshot",
                new UncheckedIOException(new java.io.IOException("doesBucketExist on paimon",
                        new ConnectException("Connection refused"))));
        ApiException problem = ApiException.unexpected(wrapped);
        assertThat(problem.getStatus()).isEqualTo(503);
        assertThat(problem.getError()).isEqualTo("warehouse_unavailable");
        assertThat(problem.getDetail()).contains("Connection refused");
        assertThat(problem.getRetryAfter()).as("Retry-After seconds").isEqualTo(5);
    }

    @Test
    void anythingElseIsA500NamedByItsMessage() {
        ApiException problem = ApiException.unexpected(new IllegalStateException("a bug"));
        assertThat(problem.getStatus()).isEqualTo(500);
        assertThat(problem.getBody()).containsEntry("error", "internal").containsEntry("detail", "a bug");
        assertThat(problem.getRetryAfter()).as("no Retry-After for a bug").isNull();
    }
}
