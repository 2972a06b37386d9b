/** What every stage shares and no stage owns: S3 settings, failure descriptions, durations as settings write them. */
package dev.tickerlake.support;
