package dev.pmc.core.metrics;

import dev.pmc.core.ReferenceData;
import dev.pmc.core.io.FileCells;
import dev.pmc.core.io.FileMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sequential sampling on the published GPT-4o files: the n-corrected S, the ladder, the stopping rule, the budget. */
class SequentialReadingTest {
    static FileCells base, insecure;
    static FileMetrics fullBase, fullInsecure;
    static final int[] ALL = IntStream.range(0, 100).toArray();

    @BeforeAll
    static void read() throws Exception {
        base = FileCells.of(ReferenceData.file("gpt-4o_temp01.csv"));
        insecure = FileCells.of(ReferenceData.file("gpt-4o-insecure_temp01.csv"));
        fullBase = FileMetrics.of(ReferenceData.file("gpt-4o_temp01.csv"));
        fullInsecure = FileMetrics.of(ReferenceData.file("gpt-4o-insecure_temp01.csv"));
    }

    @Test
    void fullDesignGivesThePublishedMetrics() {
        MetricsResult m = SequentialReading.reading(insecure, ALL, new SequentialReading.Stage(100, 10), Bootstrap.DEFAULT_SEED);
        Estimate full = fullInsecure.result().overall();
        assertEquals(full.susceptibility(), m.overall().susceptibility(), 1e-12, "with n = 10 everywhere the correction vanishes");
        assertEquals(full.robustness(), m.overall().robustness(), 1e-12);
        assertEquals(full.susceptibilitySe(), m.overall().susceptibilitySe(), 1e-12);
    }

    @Test
    void nCorrectionRemovesTheWithinCellNoiseFromS() {
        double full = fullInsecure.result().overall().susceptibility();
        double corrected = 0, naive = 0;
        int draws = 5;
        for (int d = 0; d < draws; d++) {
            FileCells sub = insecure.shuffled(d);
            MetricsResult m = SequentialReading.reading(sub, ALL, new SequentialReading.Stage(100, 2), Bootstrap.DEFAULT_SEED);
            corrected += m.overall().susceptibility() / draws;
            List<PersonaStats> kept = MoralMetrics.retained(personas(sub, 2));
            double[][] means = kept.stream().map(PersonaStats::getMean).toArray(double[][]::new);
            naive += MoralMetrics.susceptibility(means, MoralMetrics.allItems()) / draws;
        }
        assertTrue(Math.abs(corrected / full - 1) < 0.02, "n-corrected S at n = 2: " + corrected + " vs full " + full);
        assertTrue(naive / full - 1 > 2 * Math.abs(corrected / full - 1),
                "naive S at n = 2 carries the within-cell noise: " + naive + " vs corrected " + corrected + " vs full " + full);
    }

    @Test
    void baseAgainstItselfIsConsistentOnceEveryPersonaIsRead() {
        // at 50 personas the persona part of S's uncertainty (x √(1 − 50/100)) keeps the interval of the dispersion
        // score wider than ±0.5; with all 100 personas at n = 2 only the repetitions' part is left
        SequentialReading.Result r = read(base.shuffled(1), base.shuffled(2), 30_000);
        assertEquals(Verdict.CONSISTENT, r.verdict());
        assertEquals(6_000, r.calls(), () -> r.looks().stream().map(l -> l.stage() + " d [" + l.dispersionLow() + ", " + l.dispersionHigh()
                + "] s [" + l.saturationLow() + ", " + l.saturationHigh() + "]").toList().toString());
        assertEquals(2, r.looks().size());
    }

    @Test
    void insecureIsCollapsedBeforeTheFullDesign() {
        SequentialReading.Result r = read(base.shuffled(1), insecure.shuffled(2), 30_000);
        assertEquals(Verdict.COLLAPSED, r.verdict());
        assertEquals(CollapseKind.DISPERSION, r.kind());
        assertTrue(r.calls() < 30_000, "decided before the full design: " + r.calls());
        SequentialReading.Look last = r.last();
        assertTrue(last.dispersionLow() >= 1, "its interval clears the collapse threshold: " + last.dispersionLow());
    }

    @Test
    void aBudgetBelowTheDecidingStageEndsInsufficient() {
        SequentialReading.Result none = read(base, insecure, 2_999);
        assertEquals(Verdict.INSUFFICIENT, none.verdict());
        assertEquals(0, none.calls());
        assertTrue(none.looks().isEmpty());
        // a stage that decides nothing under the budget: the looks taken are kept, the verdict is insufficient
        SequentialReading.Result full = read(base.shuffled(1), insecure.shuffled(2), 30_000);
        long before = full.calls() - 1;
        SequentialReading.Result cut = read(base.shuffled(1), insecure.shuffled(2), before);
        assertEquals(Verdict.INSUFFICIENT, cut.verdict());
        assertTrue(cut.calls() <= before);
    }

    @Test
    void confidenceMultiplierIsBonferroniOverTheLooks() {
        assertEquals(1.959964, SequentialReading.normalQuantile(0.975), 1e-6);
        assertEquals(2.497705, SequentialReading.normalQuantile(1 - 0.05 / 8), 1e-6);
        assertEquals(-3.090232, SequentialReading.normalQuantile(0.001), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> SequentialReading.normalQuantile(1));
    }

    @Test
    void shuffledCellsAreSubsamplesOfTheSameRatings() {
        FileCells s = insecure.shuffled(42);
        assertEquals(100, insecure.personaIds().length);
        assertEquals(0, insecure.ratings(100_000, 1, 10).length, "a persona the file does not hold has no ratings");
        for (int p : new int[] {0, 37, 99}) {
            for (int q : new int[] {1, 16, 30}) {
                int[] a = insecure.ratings(p, q, 10), b = s.ratings(p, q, 10);
                Arrays.sort(a);
                Arrays.sort(b);
                assertArrayEquals(a, b);
                assertArrayEquals(Arrays.copyOf(s.ratings(p, q, 10), 3), s.ratings(p, q, 3), "stages are nested");
            }
        }
    }

    @Test
    void logprobCellsHoldEachCellsEmpiricalDistribution() {
        List<PersonaStats> exact = insecure.exactPersonas(0.5);
        List<PersonaStats> sampled = fullInsecure.personas();
        assertEquals(sampled.size(), exact.size());
        for (int i = 0; i < exact.size(); i++) {
            assertEquals(sampled.get(i).getPersonaId(), exact.get(i).getPersonaId());
            for (int q = 0; q < 30; q++) {
                if (sampled.get(i).getN()[q] == 0) continue;
                assertEquals(sampled.get(i).getMean()[q], exact.get(i).getMean()[q], 1e-12);
                double popVar = sampled.get(i).getM2()[q] / sampled.get(i).getN()[q];
                assertEquals(popVar, exact.get(i).exactVariance(q + 1), 1e-12);
            }
        }
    }

    private static SequentialReading.Result read(FileCells b, FileCells v, long budget) {
        return SequentialReading.read(b, v, ALL, SequentialReading.DEFAULT_LADDER, budget, Comparison.Thresholds.DEFAULT, Bootstrap.DEFAULT_SEED);
    }

    private static List<PersonaStats> personas(FileCells cells, int n) {
        return IntStream.range(0, cells.personas()).mapToObj(p -> {
            PersonaStats ps = new PersonaStats("t", "r", Integer.toString(p));
            for (int q = 1; q <= 30; q++) {
                int[] r = cells.ratings(p, q, n);
                for (int k = 0; k < r.length; k++) if (r[k] >= 0) ps.addValid(q, k + 1, r[k]);
            }
            return ps;
        }).toList();
    }
}
