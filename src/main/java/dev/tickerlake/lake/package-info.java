/**
 * The Paimon tables as data: catalog, snapshots, reads at a point in time, diff, tags, rollback and freshness, as typed
 * records and {@link dev.tickerlake.lake.LakeException}s; no HTTP, no JSON bodies (the admin API maps them).
 */
package dev.tickerlake.lake;
