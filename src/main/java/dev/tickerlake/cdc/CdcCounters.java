package dev.tickerlake.cdc;

import java.util.concurrent.atomic.LongAdder;

/** Counts what the CDC route produced: envelopes on {@code upbit-cdc} and dead letters on {@code upbit-dlq}. */
public final class CdcCounters {

    private final LongAdder envelopes = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();

    public void envelope() {
        envelopes.increment();
    }

    public void deadLetter() {
        deadLetters.increment();
    }

    public long envelopes() {
        return envelopes.sum();
    }

    public long deadLetters() {
        return deadLetters.sum();
    }
}
