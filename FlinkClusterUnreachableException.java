package dev.tickerlake.sync;

/**
 * The Flink session cluster of remote mode did not answer: the job cannot be submitted or adopted yet. Worth retrying
 * (the paimon-sync route does, with back-off); the sync job's state is WAITING meanwhile.
 */
public final class FlinkClusterUnreachableException extends RuntimeException {

    public FlinkClusterUnreachableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
