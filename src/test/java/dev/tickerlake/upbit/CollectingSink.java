package dev.tickerlake.upbit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A sink that keeps every frame, its origin and its arrival time, for assertions. */
final class CollectingSink implements FrameSink {

    /** {@code size}: the whole frame's length in bytes ({@code frame} holds only its first bytes when it is larger). */
    record Received(String frame, String origin, long nanos, long size) {
    }

    private final List<Received> received = new ArrayList<>();

    @Override
    public synchronized void accept(byte[] frame, String origin) {
        received.add(new Received(new String(frame, StandardCharsets.UTF_8), origin, System.nanoTime(), frame.length));
    }

    @Override
    public synchronized void acceptOversized(byte[] prefix, long size, String origin) {
        received.add(new Received(new String(prefix, StandardCharsets.UTF_8), origin, System.nanoTime(), size));
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<String> frames() {
        return received.stream().map(Received::frame).toList();
    }

    synchronized List<String> origins() {
        return received.stream().map(Received::origin).toList();
    }

    synchronized int size() {
        return received.size();
    }
}
