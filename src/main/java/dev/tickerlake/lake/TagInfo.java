package dev.tickerlake.lake;

/** A tag: the snapshot it keeps and that snapshot's commit time. */
public record TagInfo(String name, long snapshot, String commitTime) {
}
