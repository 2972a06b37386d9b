package dev.tickerlake.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.tickerlake.testing.Machine;
import org.junit.jupiter.api.Test;

class FaultReportTest {

    @Test
    void theTableHasOneRowPerScenario() {
        ScenarioResult result = ScenarioResult.of("5 poison flood", 101, 10_203,
                new Discrepancies(2712, 0, 0, 0, 0, List.of()), 0, Map.of("dlq", 101));
        String table = FaultReport.table(List.of(FaultReport.toMap(result)));
        assertThat(table.lines().toList()).containsExactly(
                "| scenario | faults | frames | rows | lost | duplicated | wrong | extra | recovery (s) |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
                "| 5 poison flood | 101 | 10203 | 2712 | 0 | 0 | 0 | 0 | 0.0 |");
    }

    @Test
    void theMachineIsDescribed() {
        assertThat(Machine.describe()).containsKeys("cores", "cpu", "memoryGiB", "jdk", "os");
    }

    @Test
    void nothingRecordedInAUnitTestRun() {
        assertThat(FaultReport.recorded()).isEmpty();
    }
}
