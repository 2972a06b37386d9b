package dev.tickerlake.cdc;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;

/**
 * Counts what the CDC route produced: envelopes (Kafka records) and the rows in them on {@code upbit-cdc}, and dead
 * letters on {@code upbit-dlq}. Shown in
 * JMX as {@code dev.tickerlake:type=Cdc,name=ticker-cdc} and in {@code /observe/metrics}.
 */
@ManagedResource(description = "The CDC route: envelopes written to upbit-cdc, dead letters written to upbit-dlq")
public final class CdcCounters implements MeterBinder {

    private final LongAdder envelopes = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();

    public void envelopes(int count) {
        envelopes.add(count);
    }

    public void rows(int count) {
        rows.add(count);
    }

    public void deadLetter() {
        deadLetters.increment();
    }

    public void deadLetters(int count) {
        deadLetters.add(count);
    }

    @ManagedAttribute(description = "Envelopes (Kafka records, each of one or more rows) written to upbit-cdc since the start")
    public long getEnvelopesOut() {
        return envelopes.sum();
    }

    @ManagedAttribute(description = "Rows (mapped frames) written to upbit-cdc in envelopes since the start")
    public long getRowsOut() {
        return rows.sum();
    }

    @ManagedAttribute(description = "Frames rejected to upbit-dlq since the start")
    public long getDeadLetters() {
        return deadLetters.sum();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("tickerlake.cdc.envelopes", this, CdcCounters::getEnvelopesOut)
                .description("Envelopes (Kafka records) the CDC route wrote to upbit-cdc").register(registry);
        FunctionCounter.builder("tickerlake.cdc.rows", this, CdcCounters::getRowsOut)
                .description("Rows (mapped frames) the CDC route wrote to upbit-cdc").register(registry);
        FunctionCounter.builder("tickerlake.cdc.dead.letters", this, CdcCounters::getDeadLetters)
                .description("Frames the CDC route rejected to upbit-dlq").register(registry);
    }
}
