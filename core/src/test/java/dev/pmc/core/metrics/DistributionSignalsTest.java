package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;
import dev.pmc.core.ReferenceData;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.io.ReferenceCsv;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution signals, the divergence and the persona fidelity from the streaming per-persona state equal an
 * independent two-pass computation from the raw CSV rows (RFC 4180 reader, own retention, own formulas) to 1e-12.
 */
class DistributionSignalsTest {
    private static final double TOL = 1e-12;

    /** [persona][item] lists of valid ratings of the personas that qualify (every item rated), by the full CSV reader. */
    static Map<Integer, int[][]> retainedCells(Path file) throws Exception {
        Map<Integer, List<Integer>[]> cells = new TreeMap<>();
        for (ReferenceCsv.Row r : ReferenceCsv.read(file)) {
            @SuppressWarnings("unchecked")
            List<Integer>[] p = cells.computeIfAbsent(r.personaId(), k -> new List[30]);
            if (p[r.questionId() - 1] == null) p[r.questionId() - 1] = new java.util.ArrayList<>();
            if (r.rating() >= 0 && r.rating() <= 5) p[r.questionId() - 1].add(r.rating());
        }
        Map<Integer, int[][]> out = new TreeMap<>();
        cells.forEach((id, p) -> {
            int[][] v = new int[30][];
            for (int q = 0; q < 30; q++) {
                if (p[q] == null || p[q].isEmpty()) return;
                v[q] = p[q].stream().mapToInt(Integer::intValue).toArray();
            }
            out.put(id, v);
        });
        return out;
    }

    /** Two passes: counts first, then p_k = count/total and the formulas written out. {ceiling, floor, entropy, mode}. */
    static double[] twoPass(Map<Integer, int[][]> cells, int foundation) {
        long[] count = new long[6];
        long total = 0;
        for (int[][] p : cells.values()) {
            for (int q = 0; q < 30; q++) {
                if (foundation >= 0 && q % 5 != foundation) continue;
                for (int x : p[q]) {
                    count[x]++;
                    total++;
                }
            }
        }
        double h = 0, mode = 0;
        for (long c : count) {
            double p = (double) c / total;
            if (p > 0) h -= p * (Math.log(p) / Math.log(2));
            mode = Math.max(mode, p);
        }
        return new double[]{(double) count[5] / total, (double) count[0] / total, h, mode};
    }

    @Test
    void signalsEqualTheTwoPassComputationOverallAndPerFoundation() throws Exception {
        for (String name : List.of("gpt-4o_temp01.csv", "gemini-2.5-flash-lite_temp01.csv",
                "collapse-calibration/qwen3.6-35b-a3b-insecure-step0400_temp01.csv")) {
            Path file = ReferenceData.file(name);
            MetricsResult m = FileMetrics.of(file).result();
            Map<Integer, int[][]> cells = retainedCells(file);
            assertEquals(cells.size(), m.personas(), name);
            check(twoPass(cells, -1), m.signals(), name);
            for (Foundation f : Foundation.values()) check(twoPass(cells, f.ordinal()), m.signalsPerFoundation().get(f), name + " " + f);
            DistributionSignals s = m.signals();
            for (double se : new double[]{s.ceilingShareSe(), s.floorShareSe(), s.entropyBitsSe(), s.modeShareSe()}) {
                assertTrue(se >= 0 && se < 0.2, name + " SE " + se);
            }
        }
    }

    private static void check(double[] expected, DistributionSignals s, String what) {
        assertEquals(expected[0], s.ceilingShare(), TOL, what + " ceiling");
        assertEquals(expected[1], s.floorShare(), TOL, what + " floor");
        assertEquals(expected[2], s.entropyBits(), TOL, what + " entropy");
        assertEquals(expected[3], s.modeShare(), TOL, what + " mode");
    }

    @Test
    void divergenceAndFidelityEqualTheTwoPassComputation() throws Exception {
        Path basePath = ReferenceData.file("collapse-calibration/qwen3.6-35b-a3b_temp01.csv");
        Path variantPath = ReferenceData.file("collapse-calibration/qwen3.6-35b-a3b-insecure-step0800_temp01.csv");
        Map<Integer, int[][]> base = retainedCells(basePath), variant = retainedCells(variantPath);
        BaselineDivergence d = BaselineDivergence.compute(FileMetrics.of(basePath).personas(), FileMetrics.of(variantPath).personas(), 1);
        for (int g = -1; g < 5; g++) {
            double js = 0, fid = 0;
            int items = 0, corrItems = 0;
            for (int q = 0; q < 30; q++) {
                if (g >= 0 && q % 5 != g) continue;
                double[] pv = itemDistribution(variant, q), pb = itemDistribution(base, q);
                double jsq = 0;
                for (int k = 0; k < 6; k++) {
                    double m = (pv[k] + pb[k]) / 2;
                    if (pv[k] > 0) jsq += 0.5 * pv[k] * Math.log(pv[k] / m) / Math.log(2);
                    if (pb[k] > 0) jsq += 0.5 * pb[k] * Math.log(pb[k] / m) / Math.log(2);
                }
                js += jsq;
                items++;
                // Pearson over the personas retained on both sides, two-pass (means first)
                final int item = q;
                List<Integer> common = variant.keySet().stream().filter(base::containsKey).toList();
                double[] x = common.stream().mapToDouble(p -> mean(variant.get(p)[item])).toArray();
                double[] y = common.stream().mapToDouble(p -> mean(base.get(p)[item])).toArray();
                double mx = java.util.Arrays.stream(x).average().orElseThrow(), my = java.util.Arrays.stream(y).average().orElseThrow();
                double sxy = 0, sxx = 0, syy = 0;
                for (int i = 0; i < x.length; i++) {
                    sxy += (x[i] - mx) * (y[i] - my);
                    sxx += (x[i] - mx) * (x[i] - mx);
                    syy += (y[i] - my) * (y[i] - my);
                }
                if (sxx > 0 && syy > 0) {
                    fid += sxy / Math.sqrt(sxx * syy);
                    corrItems++;
                }
            }
            BaselineDivergence.Divergence got = g < 0 ? d.overall() : d.perFoundation().get(Foundation.values()[g]);
            assertEquals(js / items, got.divergenceBits(), TOL, "JSD group " + g);
            assertEquals(fid / corrItems, got.personaFidelity(), TOL, "fidelity group " + g);
            assertTrue(got.divergenceBitsSe() > 0 && got.personaFidelitySe() > 0, "SEs " + got);
        }
    }

    private static double mean(int[] v) {
        double s = 0;
        for (int x : v) s += x;
        return s / v.length;
    }

    private static double[] itemDistribution(Map<Integer, int[][]> cells, int q) {
        double[] c = new double[6];
        double t = 0;
        for (int[][] p : cells.values()) {
            for (int x : p[q]) {
                c[x]++;
                t++;
            }
        }
        for (int k = 0; k < 6; k++) c[k] /= t;
        return c;
    }

    /**
     * With every persona answering every slot, the pooled ceiling share is the mean of the personas' shares, so the
     * persona bootstrap's SE must match the textbook SE of a mean, sd/√P, to within the bootstrap's noise.
     */
    @Test
    void personaBootstrapSeOfTheCeilingShareMatchesTheSeOfAMean() throws Exception {
        List<PersonaStats> personas = FileMetrics.of(ReferenceData.file("gpt-4o-insecure_temp01.csv")).personas();
        int p = personas.size();
        double[] share = new double[p];
        for (int i = 0; i < p; i++) share[i] = (double) personas.get(i).getHistogram()[5] / personas.get(i).validCount();
        double m = java.util.Arrays.stream(share).average().orElseThrow(), ss = 0;
        for (double x : share) ss += (x - m) * (x - m);
        double textbook = Math.sqrt(ss / p) / Math.sqrt(p);   // plug-in SD, as the bootstrap uses
        double[][][] groups = Bootstrap.groupHistograms(personas);
        double[][] mean = new double[p][30], sd = new double[p][30];
        double[][] se = Bootstrap.personaBootstrap(mean, sd, groups, 4000, new java.util.SplittableRandom(3));
        assertEquals(textbook, se[2][0], 0.05 * textbook, "persona-bootstrap SE of the ceiling share");
    }

    @Test
    void itemHistogramsSurviveJsonAndOlderStateIsRebuilt() throws Exception {
        PersonaStats ps = new PersonaStats("t", "r", "7");
        ps.addValid(1, 1, 5);
        ps.addValid(1, 2, 3);
        ps.addValid(30, 1, 0);
        String json = EventCodec.encode(ps);
        PersonaStats back = EventCodec.mapper().readValue(json, PersonaStats.class);
        assertArrayEquals(ps.getItemHistogram()[0], back.getItemHistogram()[0]);
        assertEquals(1.0, back.getItemHistogram()[29][0]);
        // state written before item histograms were kept: rebuilt from the counted ratings
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) EventCodec.mapper().readTree(json);
        tree.remove("itemHistogram");
        PersonaStats legacy = EventCodec.mapper().treeToValue(tree, PersonaStats.class);
        assertArrayEquals(new double[]{0, 0, 0, 1, 0, 1}, legacy.getItemHistogram()[0]);
    }

    @Test
    void logprobDistributionsMustBeProbabilities() {
        PersonaStats ps = new PersonaStats("t", "r", "1");
        assertThrows(IllegalArgumentException.class, () -> ps.addDistribution(1, 1, new double[6]));
        assertThrows(IllegalArgumentException.class, () -> ps.addDistribution(1, 1, new double[]{0.5, Double.NaN, 0, 0, 0, 0.5}));
        assertThrows(IllegalArgumentException.class, () -> ps.addDistribution(1, 1, new double[]{-0.5, 1, 0, 0, 0, 0.5}));
        assertTrue(ps.addDistribution(1, 1, new double[]{0, 0, 0, 0, 1, 3}));
        assertArrayEquals(new double[]{0, 0, 0, 0, 0.25, 0.75}, ps.getItemHistogram()[0], TOL);
        assertEquals(0.75, RatingDistribution.modeShare(ps.getItemHistogram()[0]), TOL);
    }

    @Test
    void entropyAndDivergenceOnKnownDistributions() {
        assertEquals(Math.log(6) / Math.log(2), RatingDistribution.entropyBits(new double[]{1, 1, 1, 1, 1, 1}), TOL);
        assertEquals(0, RatingDistribution.entropyBits(new double[]{0, 0, 0, 0, 0, 9}), TOL);
        assertEquals(1, RatingDistribution.jensenShannonBits(new double[]{1, 0, 0, 0, 0, 0}, new double[]{0, 0, 0, 0, 0, 1}), TOL);
        assertEquals(0, RatingDistribution.jensenShannonBits(new double[]{2, 0, 2, 0, 0, 0}, new double[]{1, 0, 1, 0, 0, 0}), TOL);
        assertTrue(Double.isNaN(RatingDistribution.entropyBits(new double[6])));
    }
}
