package dev.tickerlake.admin;

import java.util.List;

import dev.tickerlake.lake.SnapshotInfo;
import dev.tickerlake.lake.TableSummary;
import dev.tickerlake.lake.TagInfo;

/**
 * The admin API's JSON bodies (DESIGN.md, "The admin API"): the lake's records ({@code dev.tickerlake.lake}) as they
 * are, and the lists and pages around them here. Jackson writes each record with its component names as the JSON
 * fields, so these shapes are the contract. Absent values are JSON null.
 */
public final class Responses {

    private Responses() {
    }

    /** {@code GET /api/tables}. */
    public record TableList(List<TableSummary> tables) {
    }

    /** {@code GET .../snapshots}: newest first; {@code next} is the URL of the next page, or null on the last. */
    public record SnapshotPage(List<SnapshotInfo> snapshots, String next) {
    }

    /** {@code GET .../tags}. */
    public record TagList(List<TagInfo> tags) {
    }
}
