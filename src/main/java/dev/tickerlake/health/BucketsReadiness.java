package dev.tickerlake.health;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import software.amazon.awssdk.services.s3.model.Bucket;

/**
 * Readiness of the buckets tickerlake writes to: DOWN until {@code routes/buckets.camel.yaml} has confirmed every
 * configured bucket. Later routes wait on it with {@link #await(long)} before they write.
 */
public final class BucketsReadiness extends AbstractHealthCheck {

    private final List<String> required;
    private final Set<String> confirmed = new LinkedHashSet<>();
    private final CountDownLatch ready = new CountDownLatch(1);

    public BucketsReadiness(String bucketList) {
        super("tickerlake", "buckets");
        this.required = Arrays.stream(bucketList.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (required.isEmpty()) {
            ready.countDown();
        }
    }

    /** The buckets to make sure of, in order. */
    public List<String> required() {
        return required;
    }

    /** The names of buckets in an S3 listBuckets answer. */
    public List<String> names(List<Bucket> buckets) {
        return buckets.stream().map(Bucket::name).toList();
    }

    /** Called by the buckets route once a bucket is known to exist (created or found). */
    public synchronized void confirmed(String bucket) {
        confirmed.add(bucket);
        if (confirmed.containsAll(required)) {
            ready.countDown();
        }
    }

    public boolean isReady() {
        return ready.getCount() == 0;
    }

    /** Waits up to {@code millis} for every bucket; true when they all exist. */
    public boolean await(long millis) throws InterruptedException {
        return ready.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Waits up to a minute for every bucket; throws while they are missing, so the calling route retries. */
    public void awaitReady() throws InterruptedException {
        if (!await(60_000)) {
            throw new IllegalStateException("buckets not ready yet: " + required);
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, java.util.Map<String, Object> options) {
        builder.detail("required", String.join(",", required));
        builder.detail("confirmed", String.join(",", confirmed));
        if (isReady()) {
            builder.up();
        } else {
            builder.message("waiting for buckets").down();
        }
    }
}
