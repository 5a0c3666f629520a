package dev.pmc.core;

import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.core.metrics.Estimate;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The published point estimates, reproduced from the raw files to 1e-9. */
class ExpectedMetricsTest {
    private static final double TOL = 1e-9;

    @Test
    void reproducesExpectedMetricsForEveryFile() throws Exception {
        List<String> lines = Files.readAllLines(ReferenceData.file("expected_metrics.csv"));
        assertEquals(5, lines.size(), "4 files expected");
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            FileMetrics m = FileMetrics.of(ReferenceData.file(c[0]));
            Estimate e = m.result().overall();
            assertEquals(Integer.parseInt(c[3]), m.result().personas(), c[0] + " personas");
            assertEquals(Integer.parseInt(c[4]), m.result().questions(), c[0] + " questions");
            assertEquals(Double.parseDouble(c[5]), e.susceptibility(), TOL, c[0] + " S");
            assertEquals(Double.parseDouble(c[7]), e.robustness(), TOL, c[0] + " R");
            assertEquals(Double.parseDouble(c[9]), e.withinSd(), TOL, c[0] + " ubar");
            assertWithin15Percent(Double.parseDouble(c[6]), e.susceptibilitySe(), c[0] + " S se");
            assertWithin15Percent(Double.parseDouble(c[8]), e.robustnessSe(), c[0] + " R se");
            assertWithin15Percent(Double.parseDouble(c[10]), e.withinSdSe(), c[0] + " ubar se");
        }
    }

    @Test
    void reproducesPerFoundationMetrics() throws Exception {
        List<String> lines = Files.readAllLines(ReferenceData.file("expected_metrics_per_foundation.csv"));
        Map<String, FileMetrics> cache = new HashMap<>();
        assertFalse(lines.size() < 16);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            FileMetrics m = cache.computeIfAbsent(c[0], f -> {
                try {
                    return FileMetrics.of(ReferenceData.file(f));
                } catch (Exception ex) {
                    throw new RuntimeException(ex);
                }
            });
            Estimate e = m.result().perFoundation().get(Foundation.byKeyOrLabel(c[2]));
            assertEquals(Double.parseDouble(c[3]), e.susceptibility(), TOL, line + " S");
            assertEquals(Double.parseDouble(c[5]), e.robustness(), TOL, line + " R");
            assertEquals(Double.parseDouble(c[7]), e.withinSd(), TOL, line + " ubar");
            assertWithin15Percent(Double.parseDouble(c[4]), e.susceptibilitySe(), line + " S se");
            assertWithin15Percent(Double.parseDouble(c[6]), e.robustnessSe(), line + " R se");
            assertWithin15Percent(Double.parseDouble(c[8]), e.withinSdSe(), line + " ubar se");
        }
    }

    static void assertWithin15Percent(double published, double ours, String what) {
        double rel = Math.abs(ours - published) / published;
        org.junit.jupiter.api.Assertions.assertTrue(rel <= 0.15, what + ": published " + published + ", ours " + ours
                + String.format(" (%.1f %% off)", rel * 100));
    }

    @Test
    void modelNameDropsTemperatureSuffix() {
        assertEquals("gpt-4o-insecure", ReferenceCsv.modelName(ReferenceData.file("gpt-4o-insecure_temp01.csv")));
        assertEquals("gpt-4o_self", ReferenceCsv.modelName(ReferenceData.file("gpt-4o_temp01_self.csv")));
    }
}
