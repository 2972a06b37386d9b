package dev.tickerlake.upbit;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects the bytes of one frame (a replay line, a WebSocket message in parts) up to a limit: past it only the size
 * keeps growing, so a frame of any length (a file without a newline) costs at most {@code limit} bytes of memory. An
 * oversized frame keeps its first {@code limit} bytes, for its dead letter.
 */
final class FrameBuffer {

    private final int limit;
    private byte[] bytes = new byte[4096];
    private int kept;
    private long size;

    FrameBuffer(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("frame limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    void append(byte[] source, int offset, int length) {
        int take = room(length);
        System.arraycopy(source, offset, bytes, kept, take);
        kept += take;
    }

    /** Consumes all of {@code source}, keeping what fits. */
    void append(ByteBuffer source) {
        int length = source.remaining();
        int take = room(length);
        source.get(bytes, kept, take);
        source.position(source.position() + length - take);
        kept += take;
    }

    /** Counts {@code length} more bytes of the frame; how many of them are kept (room for them made). */
    private int room(int length) {
        size += length;
        int take = Math.min(length, limit - kept);
        if (kept + take > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(bytes.length * 2, kept + take)));
        }
        return take;
    }

    /** The whole frame's length in bytes, kept or not. */
    long size() {
        return size;
    }

    boolean oversized() {
        return size > limit;
    }

    /** The bytes kept: the whole frame, or its first {@code limit} bytes when it is oversized. */
    byte[] kept() {
        return Arrays.copyOf(bytes, kept);
    }

    /** Byte {@code index} of the kept bytes. */
    byte at(int index) {
        return bytes[index];
    }

    int keptLength() {
        return kept;
    }

    void reset() {
        kept = 0;
        size = 0;
        if (bytes.length > 65536) {
            bytes = new byte[4096];
        }
    }
}
