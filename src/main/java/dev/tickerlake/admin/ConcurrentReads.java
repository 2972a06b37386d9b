package dev.tickerlake.admin;

import java.util.concurrent.Semaphore;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * At most {@code tickerlake.admin.concurrent-reads} row or diff reads at once, each from its start until its answer is
 * written (the permit goes back when the exchange completes); one more is refused at once with a 429 and
 * {@code Retry-After}, never queued. Camel's throttle EIP in concurrent-requests mode would say the same, but Camel 4.18
 * cannot dump a route holding one (ThrottleDefinition.getTimePeriodMillis throws), which breaks Hawtio's route views.
 */
public final class ConcurrentReads {

    private final Semaphore permits;
    private final int limit;
    private final int retryAfterSeconds;

    public ConcurrentReads(int limit, int retryAfterSeconds) {
        if (limit < 1) {
            throw new IllegalArgumentException("tickerlake.admin.concurrent-reads must be at least 1: " + limit);
        }
        this.permits = new Semaphore(limit);
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Takes a permit for this exchange until it completes; a 429 when every permit is taken. */
    public void acquire(Exchange exchange) {
        if (!permits.tryAcquire()) {
            exchange.getMessage().setHeader("Retry-After", String.valueOf(retryAfterSeconds));
            throw new ApiException(429, "too_many_reads", limit + " row or diff reads are running, the most at once "
                    + "(tickerlake.admin.concurrent-reads); retry after " + retryAfterSeconds + " s");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                permits.release();
            }
        });
    }
}
