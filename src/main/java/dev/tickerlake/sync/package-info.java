/**
 * The Paimon sync job's lifecycle: its settings, start positions, restore points and health, and the embedded Flink
 * cluster it runs on (a remote cluster next).
 */
package dev.tickerlake.sync;
