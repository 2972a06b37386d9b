package dev.tickerlake.faults;

import java.util.List;

/**
 * What the tables hold compared with the model.
 *
 * @param expected   rows the model expects
 * @param lost       model keys absent from the tables
 * @param duplicated keys read more than once (each extra read counts one)
 * @param wrong      keys present but stale (an older {@code timestamp} than the model's) or with a checked value that
 *                   differs
 * @param extra      rows whose key the model does not have
 * @param examples   the first few discrepancies, for messages
 */
public record Discrepancies(int expected, int lost, int duplicated, int wrong, int extra, List<String> examples) {

    public Discrepancies {
        examples = List.copyOf(examples);
    }

    public boolean none() {
        return lost == 0 && duplicated == 0 && wrong == 0 && extra == 0;
    }

    /** e.g. {@code 2712 expected: 0 lost, 0 duplicated, 0 wrong, 0 extra}. */
    public String summary() {
        return expected + " expected: " + lost + " lost, " + duplicated + " duplicated, " + wrong + " wrong, " + extra
                + " extra";
    }

    @Override
    public String toString() {
        return summary() + (examples.isEmpty() ? "" : "; e.g. " + String.join("; ", examples));
    }
}
