package dev.tickerlake.lake;

/**
 * The heap one admin read may hold while it reads, compares and renders rows (estimated bytes), so that a few large
 * reads at once cannot take the memory the sync job and the feed share with them. One per request; not thread-safe.
 */
final class ReadBudget {

    private final long limitBytes;
    private long heldBytes;

    ReadBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("a read budget must be positive, got " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** Takes {@code bytes} when they fit; false (taking nothing) when they would exceed the budget. */
    boolean take(long bytes) {
        if (heldBytes + bytes > limitBytes) {
            return false;
        }
        heldBytes += bytes;
        return true;
    }

    /** Gives back what was taken for data no longer held. */
    void giveBack(long bytes) {
        heldBytes = Math.max(0, heldBytes - bytes);
    }

    long limitBytes() {
        return limitBytes;
    }
}
