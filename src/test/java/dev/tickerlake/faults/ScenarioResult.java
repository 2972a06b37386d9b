package dev.tickerlake.faults;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scenario's figures, as the report's table shows them.
 *
 * @param scenario        e.g. "5 poison flood" (the names in FOUNDATION-API.md)
 * @param faults          faults injected (kills, outages, poison lines, requests ...)
 * @param frames          frames replayed (lines of the workload sent, every pass)
 * @param expectedRows    rows the model expects
 * @param recoverySeconds time from the (last) fault to the tables matching the model again; 0 when not applicable
 * @param details         anything a reader needs to replay or understand the run (seeds, kill points, counts)
 */
public record ScenarioResult(String scenario, int faults, long frames, int expectedRows, int lost, int duplicated,
                             int wrong, int extra, double recoverySeconds, Map<String, Object> details) {

    public ScenarioResult {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static ScenarioResult of(String scenario, int faults, long frames, Discrepancies d, double recoverySeconds,
                                    Map<String, Object> details) {
        Map<String, Object> all = new LinkedHashMap<>(details);
        if (!d.examples().isEmpty()) {
            all.putIfAbsent("examples", d.examples());
        }
        return new ScenarioResult(scenario, faults, frames, d.expected(), d.lost(), d.duplicated(), d.wrong(),
                d.extra(), recoverySeconds, all);
    }
}
