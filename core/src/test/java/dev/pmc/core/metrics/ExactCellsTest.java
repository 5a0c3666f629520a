package dev.pmc.core.metrics;

import dev.pmc.core.Mfq30;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.SlotId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logprob mode: a cell holding a distribution contributes its exact moments to S and R, put on the scale of a sampled
 * reading at n = 10 (DesignScale): R from E[s_10 | p], S with the within-cell variance σ²/10 a sampled mean carries.
 */
class ExactCellsTest {
    @Test
    void distributionsGiveExactMomentsInSAndR() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<PersonaStats> personas = new ArrayList<>();
        double[][] mean = new double[20][Mfq30.ITEMS], sd = new double[20][Mfq30.ITEMS], var = new double[20][Mfq30.ITEMS];
        for (int p = 0; p < 20; p++) {
            PersonaStats ps = new PersonaStats("t", "r", Integer.toString(p));
            for (int q = 1; q <= Mfq30.ITEMS; q++) {
                double[] d = new double[6];
                double z = 0;
                for (int k = 0; k < 6; k++) z += d[k] = rnd.nextDouble() * rnd.nextDouble();
                double m = 0, s2 = 0;
                for (int k = 0; k < 6; k++) m += k * (d[k] /= z);
                for (int k = 0; k < 6; k++) s2 += (k - m) * (k - m) * d[k];
                mean[p][q - 1] = m;
                sd[p][q - 1] = DesignScale.expectedSampleSd(d);
                var[p][q - 1] = s2;
                RatingEvent e = new RatingEvent(1, new SlotId("r", "t", Integer.toString(p), q, 1), 1, RatingOutcome.VALID, 3, "logprobs",
                        0, true, d);
                assertTrue(ps.accept(e));
                assertFalse(ps.accept(e), "a cell's distribution counts once");
            }
            personas.add(ps);
        }
        MetricsResult viaStats = MoralMetrics.compute(personas);
        MetricsResult direct = MoralMetrics.compute(mean, sd, var);
        assertEquals(direct.overall().susceptibility(), viaStats.overall().susceptibility(), 1e-12);
        assertEquals(direct.overall().robustness(), viaStats.overall().robustness(), 1e-12);
        MetricsResult boot = Bootstrap.compute(personas, Bootstrap.DEFAULT_SEED);
        assertEquals(direct.overall().susceptibility(), boot.overall().susceptibility(), 1e-12);
        assertTrue(boot.overall().susceptibilitySe() > 0, "persona bootstrap still gives an SE");
    }
}
