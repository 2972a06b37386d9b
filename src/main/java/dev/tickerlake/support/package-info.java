/** What every stage shares and no stage owns: the S3 settings and the one-line description of a failure. */
package dev.tickerlake.support;
