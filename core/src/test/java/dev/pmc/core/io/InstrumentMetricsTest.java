package dev.pmc.core.io;

import dev.pmc.core.instruments.InstrumentFile;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.Foundation;
import dev.pmc.core.ReferenceData;
import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.metrics.Estimate;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class InstrumentMetricsTest {
    /** The generic estimator with the MFQ-30 file reproduces the MFQ path's numbers on the published files. */
    @Test
    void withMfq30ItEqualsTheMfqPathOnThePublishedFiles() throws Exception {
        Instrument mfq = InstrumentFile.builtIn("mfq30");
        for (String name : new String[]{"gpt-4o_temp01.csv", "gpt-4o-insecure_temp01.csv"}) {
            Path file = ReferenceData.dir().resolve(name);
            InstrumentMetrics.Reading r = InstrumentMetrics.ofFile(mfq, file, InstrumentMetrics.DEFAULT_SEED);
            FileMetrics m = FileMetrics.of(file);
            assertEquals(m.result().personas(), r.personas(), name);
            check(m.result().overall(), r.groups().get("all"), name);
            for (Foundation f : Foundation.values()) check(m.result().perFoundation().get(f), r.groups().get(f.key), name + " " + f.key);
        }
    }

    private static void check(Estimate e, InstrumentMetrics.Estimate g, String what) {
        assertEquals(e.susceptibility(), g.susceptibility(), 1e-12, what + " S");
        assertEquals(e.robustness(), g.robustness(), 1e-9, what + " R");
        assertEquals(e.withinSd(), g.withinSd(), 1e-12, what + " ū");
        // the same bootstrap on other random draws: SEs agree to Monte Carlo error
        assertEquals(e.susceptibilitySe(), g.susceptibilitySe(), 0.15 * e.susceptibilitySe(), what + " SE(S)");
        assertEquals(e.robustnessSe(), g.robustnessSe(), 0.15 * e.robustnessSe(), what + " SE(R)");
    }

    /** A BFI-44 file: 0 is off the 1-5 scale (invalid), domain scores are reverse keyed, ids beyond 44 are refused. */
    @Test
    void aBfiFileIsReadOnItsOwnScaleWithReverseKeying() throws Exception {
        Instrument bfi = InstrumentFile.builtIn("bfi44");
        Path file = Files.createTempFile("bfi", ".csv");
        StringBuilder sb = new StringBuilder("persona_id,question_id,run_index,rating,failures,response,collected_at\n");
        SplittableRandom rnd = new SplittableRandom(5);
        long zeros = 0;
        for (int p = 0; p < 40; p++) {
            for (int q = 1; q <= 44; q++) {
                for (int k = 1; k <= 10; k++) {
                    // persona 0 agrees strongly with everything; the others vary around a persona level
                    int rating = p == 0 ? 5 : Math.max(1, Math.min(5, 1 + p % 5 + rnd.nextInt(3) - 1));
                    if (p > 0 && rnd.nextInt(50) == 0) {
                        rating = 0;
                        zeros++;
                    }
                    sb.append(p).append(',').append(q).append(',').append(k).append(',').append(rating).append(",0,,\n");
                }
            }
        }
        Files.writeString(file, sb);
        InstrumentMetrics.Reading r = InstrumentMetrics.ofFile(bfi, file, 1);
        assertEquals(zeros, r.invalidRatings(), "a 0 is not a BFI answer");
        assertEquals(40 * 44 * 10 - zeros, r.validRatings());
        assertEquals(40, r.personas());
        assertEquals(6, r.groups().size(), "all + five domains");
        InstrumentMetrics.Estimate all = r.groups().get("all");
        assertTrue(all.susceptibility() > 0 && all.robustness() > 0 && all.susceptibilitySe() > 0 && all.robustnessSe() > 0, all.toString());
        // persona 0 alone: extraversion = (5 forward items at 5 + 3 reverse at 1) / 8
        InstrumentMetrics.Reading one = InstrumentMetrics.compute(bfi, java.util.List.<int[][]>of(constant(5)), 440, 0, 1);
        assertEquals((5 * 5 + 3 * 1) / 8.0, one.groups().get("extraversion").score(), 1e-12);
        assertEquals((8 * 5 + 2 * 1) / 10.0, one.groups().get("openness").score(), 1e-12);
        Files.writeString(file, "persona_id,question_id,run_index,rating,failures,response,collected_at\n0,45,1,3,0,,\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InstrumentMetrics.ofFile(bfi, file, 1));
        assertTrue(e.getMessage().contains("question_id 45 is not an item of bfi44 (1..44)"), e.getMessage());
    }

    private static int[][] constant(int rating) {
        int[][] c = new int[44][];
        for (int q = 0; q < 44; q++) c[q] = new int[]{rating, rating};
        return c;
    }
}
