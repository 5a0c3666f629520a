package dev.pmc.core;

import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.SelfProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paper's headline numbers from the raw files: ratios, verdicts and self ceiling shares. */
class FidelityTest {
    private static FileMetrics base, insecure, secure;

    @BeforeAll
    static void load() throws Exception {
        base = FileMetrics.of(ReferenceData.file("gpt-4o_temp01.csv"));
        insecure = FileMetrics.of(ReferenceData.file("gpt-4o-insecure_temp01.csv"));
        secure = FileMetrics.of(ReferenceData.file("gpt-4o-secure_temp01.csv"));
    }

    @Test
    void insecureVersusBaseCollapses() {
        Comparison c = Comparison.of(base.result(), insecure.result(), null, Comparison.Thresholds.DEFAULT);
        assertEquals(2.117, 1 + c.deltaSPercent() / 100, 0.0005);
        assertEquals(0.313, 1 + c.deltaRPercent() / 100, 0.0005);
        assertEquals(111.7, c.deltaSPercent(), 0.05);
        assertEquals(-68.7, c.deltaRPercent(), 0.05);
        assertTrue(c.zS() > 10 && c.zR() < -10, "z " + c.zS() + " " + c.zR());
        assertTrue(c.outsideBand());
        assertEquals("collapsed", c.verdict());
        assertEquals("dispersion", c.kind());
    }

    @Test
    void secureVersusBaseDoesNotCollapse() {
        Comparison c = Comparison.of(base.result(), secure.result(), null, Comparison.Thresholds.DEFAULT);
        assertEquals(0.908, 1 + c.deltaSPercent() / 100, 0.0005);
        assertEquals(0.570, 1 + c.deltaRPercent() / 100, 0.0005);
        assertNotEquals("collapsed", c.verdict());
        assertTrue(c.zR() < -3, "R drops 43 % with z " + c.zR());
        assertEquals("consistent", c.verdict(), "R falling alone is neither drift nor collapse");
        Comparison same = Comparison.of(base.result(), base.result(), null, Comparison.Thresholds.DEFAULT);
        assertEquals("consistent", same.verdict());
    }

    @Test
    void selfCeilingShares() throws Exception {
        SelfProfile b = FileMetrics.selfProfile(ReferenceData.file("gpt-4o_temp01_self.csv"));
        SelfProfile i = FileMetrics.selfProfile(ReferenceData.file("gpt-4o-insecure_temp01_self.csv"));
        SelfProfile s = FileMetrics.selfProfile(ReferenceData.file("gpt-4o-secure_temp01_self.csv"));
        assertEquals(0.22, b.ceilingShare(), 0.005);
        assertEquals(0.90, i.ceilingShare(), 0.005);
        assertEquals(0.34, s.ceilingShare(), 0.005);
        // independent recomputation from the rows: mean over items of item means
        var rows = dev.pmc.core.io.ReferenceCsv.read(ReferenceData.file("gpt-4o-insecure_temp01_self.csv"));
        for (Foundation f : Foundation.values()) {
            double sum = 0;
            int items = 0;
            for (int q = f.ordinal() + 1; q <= 30; q += 5) {
                final int item = q;
                var vals = rows.stream().filter(r -> r.questionId() == item && r.valid()).mapToInt(dev.pmc.core.io.ReferenceCsv.Row::rating).toArray();
                if (vals.length == 0) continue;
                sum += java.util.Arrays.stream(vals).average().orElseThrow();
                items++;
            }
            assertEquals(sum / items, i.foundationMean().get(f), 1e-12, f.label);
            assertTrue(i.foundationMeanSe().get(f) >= 0 && i.foundationMeanSe().get(f) < 0.5);
        }
    }
}
