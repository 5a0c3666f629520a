package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;
import dev.pmc.core.Mfq30;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bootstrap standard errors of S and ū, as published with the reference data:
 * SE = √(SE_persona² + SE_response²), where the persona bootstrap resamples the retained personas with
 * replacement (2000 draws) and the response bootstrap resamples the ratings inside every cell with
 * replacement (400 draws), each recomputing S and ū; SE(R) = SE(ū)/ū² (delta method for R = 1/ū).
 * Seeded, single-threaded and on primitive arrays, so equal inputs give equal results.
 */
public final class Bootstrap {
    public static final int PERSONA_DRAWS = 2000;
    public static final int RESPONSE_DRAWS = 400;
    public static final long DEFAULT_SEED = 20260512L;
    /** Index 0 is "all items", 1..5 the foundations in {@link Foundation} order. */
    static final int GROUPS = 6;
    /** Ratings 0..5. */
    static final int BINS = 6;

    private Bootstrap() {
    }

    /** S, R, ū with standard errors, overall and per foundation, for the retained personas (in the given order). */
    public static MetricsResult compute(List<PersonaStats> personas, long seed) {
        return computeParts(personas, seed, 0).combined();
    }

    /**
     * A reading with two sets of SEs: {@code combined}, the usual persona + response bootstrap (uncertainty about
     * personas in general), and {@code catalog}, the uncertainty about the fixed persona catalog of
     * {@code catalogSize} personas the reading draws from: the response part plus the persona part scaled by the
     * finite-population correction √(1 − p/catalogSize) (0 when every persona of the catalog is read). Sequential
     * sampling predicts the full-design reading of the same catalog, so it needs the second.
     */
    public record Parts(MetricsResult combined, MetricsResult catalog) {
    }

    /** {@link Parts} of a reading; catalogSize 0 means no catalog (catalog SEs = combined). */
    public static Parts computeParts(List<PersonaStats> personas, long seed, int catalogSize) {
        List<PersonaStats> kept = MoralMetrics.retained(personas);
        MetricsResult point = MoralMetrics.compute(kept);
        int p = kept.size();
        if (p < 2) return new Parts(point, point);
        double[][] sePersona, seResponse;
        if (kept.stream().anyMatch(PersonaStats::hasExactCells)) {
            sePersona = exactCellsPersonaSe(kept, seed);
            seResponse = new double[2 + DistributionSignals.COUNT][GROUPS];
        } else {
            byte[][][] values = new byte[p][Mfq30.ITEMS][];
            for (int i = 0; i < p; i++) {
                for (int q = 0; q < Mfq30.ITEMS; q++) values[i][q] = kept.get(i).values(q + 1);
            }
            double[][][] groupHist = groupHistograms(kept);
            // the two bootstraps use independent seeded streams, so running them concurrently stays deterministic
            var persona = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> personaBootstrap(values, groupHist, PERSONA_DRAWS, new SplittableRandom(seed)));
            seResponse = responseBootstrap(values, RESPONSE_DRAWS, new SplittableRandom(seed ^ 0x5DEECE66DL));
            sePersona = persona.join();
        }
        MetricsResult combined = withSe(point, sePersona, seResponse);
        if (catalogSize <= 0) return new Parts(combined, combined);
        double fpc = Math.sqrt(Math.max(0, 1 - (double) p / catalogSize));
        double[][] scaled = new double[sePersona.length][];
        for (int k = 0; k < scaled.length; k++) {
            scaled[k] = sePersona[k].clone();
            for (int g = 0; g < scaled[k].length; g++) scaled[k][g] *= fpc;
        }
        return new Parts(combined, withSe(point, scaled, seResponse));
    }

    /**
     * Distribution signals of a self (no persona) run's ratings, with SEs from the response bootstrap (resampling
     * each item's ratings; there are no personas to resample). Exact (logprob) cells have no sampling error.
     */
    public static DistributionSignals selfSignals(PersonaStats self, long seed) {
        DistributionSignals point = DistributionSignals.of(RatingDistribution.pooled(self.getItemHistogram(), MoralMetrics.allItems()));
        if (self.validCount() == 0) return point;
        if (self.hasExactCells()) return point.withSe(new double[DistributionSignals.COUNT]);
        byte[][][] values = new byte[1][Mfq30.ITEMS][];
        for (int q = 0; q < Mfq30.ITEMS; q++) values[0][q] = self.values(q + 1);
        double[][] se = responseBootstrap(values, RESPONSE_DRAWS, new SplittableRandom(seed ^ 0x5DEECE66DL));
        double[] out = new double[DistributionSignals.COUNT];
        for (int k = 0; k < out.length; k++) out[k] = se[2 + k][0];
        return point.withSe(out);
    }

    /** The point result with SEs from the two bootstraps combined in quadrature, per group. */
    private static MetricsResult withSe(MetricsResult point, double[][] sp, double[][] sr) {
        Estimate overall = withSe(point.overall(), sp, sr, 0);
        Map<Foundation, Estimate> per = new EnumMap<>(Foundation.class);
        Map<Foundation, DistributionSignals> sig = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) {
            per.put(f, withSe(point.perFoundation().get(f), sp, sr, f.ordinal() + 1));
            sig.put(f, signalsWithSe(point.signalsPerFoundation().get(f), sp, sr, f.ordinal() + 1));
        }
        return new MetricsResult(point.personas(), point.questions(), overall, per, signalsWithSe(point.signals(), sp, sr, 0), sig);
    }

    private static DistributionSignals signalsWithSe(DistributionSignals d, double[][] sp, double[][] sr, int g) {
        double[] se = new double[DistributionSignals.COUNT];
        for (int k = 0; k < se.length; k++) se[k] = Math.hypot(sp[2 + k][g], sr[2 + k][g]);
        return d.withSe(se);
    }

    /** Per persona and group (0 = all items, 1..5 foundations) the rating histogram, from the item histograms. */
    static double[][][] groupHistograms(List<PersonaStats> kept) {
        double[][][] h = new double[kept.size()][GROUPS][BINS];
        for (int i = 0; i < kept.size(); i++) {
            double[][] items = kept.get(i).getItemHistogram();
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                for (int k = 0; k < BINS; k++) {
                    h[i][0][k] += items[q][k];
                    h[i][1 + q % 5][k] += items[q][k];
                }
            }
        }
        return h;
    }

    /**
     * Logprob mode: cells hold exact moments, so there is no within-cell sampling error (response SE = 0) and
     * only personas are resampled.
     */
    private static double[][] exactCellsPersonaSe(List<PersonaStats> kept, long seed) {
        int p = kept.size();
        double[][] mean = new double[p][], sd = new double[p][Mfq30.ITEMS], var = new double[p][Mfq30.ITEMS];
        for (int i = 0; i < p; i++) {
            mean[i] = kept.get(i).getMean();
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                sd[i][q] = kept.get(i).designSd(q + 1);
                var[i][q] = kept.get(i).exactVariance(q + 1);
            }
        }
        return personaBootstrap(mean, sd, var, groupHistograms(kept), PERSONA_DRAWS, new SplittableRandom(seed));
    }

    private static Estimate withSe(Estimate e, double[][] sp, double[][] sr, int g) {
        double seS = Math.hypot(sp[0][g], sr[0][g]);
        double seU = Math.hypot(sp[1][g], sr[1][g]);
        return new Estimate(e.susceptibility(), e.robustness(), e.withinSd(), seS, seU / (e.withinSd() * e.withinSd()), seU);
    }

    /** Cell mean and sample SD (ddof 1; 0 for one value) of every cell. */
    static void cellMoments(byte[][][] v, double[][] mean, double[][] sd) {
        for (int i = 0; i < v.length; i++) {
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                byte[] c = v[i][q];
                double s = 0;
                for (byte b : c) s += b;
                double m = s / c.length, ss = 0;
                for (byte b : c) ss += (b - m) * (b - m);
                mean[i][q] = m;
                sd[i][q] = c.length > 1 ? Math.sqrt(ss / (c.length - 1)) : 0;
            }
        }
    }

    /** Resamples personas; returns {SE(S), SE(ū), SE of each distribution signal} per group. */
    static double[][] personaBootstrap(byte[][][] v, double[][][] groupHist, int draws, SplittableRandom rnd) {
        int p = v.length;
        double[][] mean = new double[p][Mfq30.ITEMS], sd = new double[p][Mfq30.ITEMS];
        cellMoments(v, mean, sd);
        return personaBootstrap(mean, sd, groupHist, draws, rnd);
    }

    /**
     * Resamples personas given their cell means and SDs and per-group rating histograms; returns {SE(S), SE(ū),
     * SE(ceiling share), SE(floor share), SE(entropy), SE(mode share)} per group.
     */
    static double[][] personaBootstrap(double[][] mean, double[][] sd, double[][][] groupHist, int draws, SplittableRandom rnd) {
        return personaBootstrap(mean, sd, null, groupHist, draws, rnd);
    }

    /** ... with exact cells' variances (null for sampled cells): S of a draw then takes the n = 10 within-cell term. */
    static double[][] personaBootstrap(double[][] mean, double[][] sd, double[][] var, double[][][] groupHist, int draws, SplittableRandom rnd) {
        int p = mean.length;
        // per persona, the sum of u over each group's items, so ū of a draw is a sum of p numbers per group
        double[][] uSum = new double[p][GROUPS];
        for (int i = 0; i < p; i++) {
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                uSum[i][0] += sd[i][q];
                uSum[i][1 + q % 5] += sd[i][q];
            }
        }
        Accumulator sAcc = new Accumulator(), uAcc = new Accumulator();
        SignalAccumulator sigAcc = new SignalAccumulator();
        int[] idx = new int[p];
        double[] colSum = new double[Mfq30.ITEMS], colSq = new double[Mfq30.ITEMS], colVar = var == null ? null : new double[Mfq30.ITEMS];
        double[] s = new double[GROUPS], u = new double[GROUPS];
        double[][] hist = new double[GROUPS][BINS];
        for (int b = 0; b < draws; b++) {
            for (int k = 0; k < p; k++) idx[k] = rnd.nextInt(p);
            java.util.Arrays.fill(colSum, 0);
            java.util.Arrays.fill(colSq, 0);
            if (colVar != null) {
                java.util.Arrays.fill(colVar, 0);
                for (int k = 0; k < p; k++) for (int q = 0; q < Mfq30.ITEMS; q++) colVar[q] += var[idx[k]][q];
            }
            java.util.Arrays.fill(u, 0);
            for (double[] h : hist) java.util.Arrays.fill(h, 0);
            for (int k = 0; k < p; k++) {
                double[] row = mean[idx[k]];
                for (int q = 0; q < Mfq30.ITEMS; q++) {
                    colSum[q] += row[q];
                    colSq[q] += row[q] * row[q];
                }
                double[] us = uSum[idx[k]];
                for (int g = 0; g < GROUPS; g++) u[g] += us[g];
                double[][] gh = groupHist[idx[k]];
                for (int g = 1; g < GROUPS; g++) for (int r = 0; r < BINS; r++) hist[g][r] += gh[g][r];
            }
            for (int g = 1; g < GROUPS; g++) for (int r = 0; r < BINS; r++) hist[0][r] += hist[g][r];   // all items = Σ foundations
            groupS(colSum, colSq, colVar, p, s);
            for (int g = 0; g < GROUPS; g++) u[g] /= (double) p * (g == 0 ? Mfq30.ITEMS : Mfq30.ITEMS / 5);
            sAcc.add(s);
            uAcc.add(u);
            sigAcc.add(hist);
        }
        return sigAcc.withSes(sAcc.sd(), uAcc.sd());
    }

    /**
     * Resamples the ratings inside every cell ({@link CellResampler}); returns {SE(S), SE(ū), SE of each distribution
     * signal} per group.
     */
    static double[][] responseBootstrap(byte[][][] v, int draws, SplittableRandom seedSource) {
        int p = v.length;
        CellResampler resampler = new CellResampler(v, BINS, seedSource);
        double[] constSum = new double[Mfq30.ITEMS], constSq = new double[Mfq30.ITEMS];
        double[][] constCount = new double[Mfq30.ITEMS][BINS];
        for (int[] c : resampler.constantCells()) {
            double m = c[2];
            constSum[c[1]] += m;
            constSq[c[1]] += m * m;
            constCount[c[1]][c[2]] += c[3];
        }
        Accumulator sAcc = new Accumulator(), uAcc = new Accumulator();
        SignalAccumulator sigAcc = new SignalAccumulator();
        double[] colSum = new double[Mfq30.ITEMS], colSq = new double[Mfq30.ITEMS];
        double[] s = new double[GROUPS], u = new double[GROUPS];
        double[][] count = new double[Mfq30.ITEMS][BINS], hist = new double[GROUPS][BINS];
        CellResampler.Sink sink = new CellResampler.Sink() {
            public void twoValued(int persona, int q, double m, double sdv, int a, int na, int b, int nb) {
                count[q][a] += na;
                count[q][b] += nb;
                add(q, m, sdv);
            }

            public void general(int persona, int q, double m, double sdv, int[] counts) {
                for (int k = 0; k < BINS; k++) count[q][k] += counts[k];
                add(q, m, sdv);
            }

            private void add(int q, double m, double sdv) {
                colSum[q] += m;
                colSq[q] += m * m;
                u[0] += sdv;
                u[1 + q % 5] += sdv;
            }
        };
        for (int b = 0; b < draws; b++) {
            System.arraycopy(constSum, 0, colSum, 0, Mfq30.ITEMS);
            System.arraycopy(constSq, 0, colSq, 0, Mfq30.ITEMS);
            for (int q = 0; q < Mfq30.ITEMS; q++) System.arraycopy(constCount[q], 0, count[q], 0, BINS);
            java.util.Arrays.fill(u, 0);
            resampler.draw(sink);
            groupS(colSum, colSq, p, s);
            for (int g = 0; g < GROUPS; g++) u[g] /= (double) p * (g == 0 ? Mfq30.ITEMS : Mfq30.ITEMS / 5);
            sAcc.add(s);
            uAcc.add(u);
            for (double[] h : hist) java.util.Arrays.fill(h, 0);
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                for (int k = 0; k < BINS; k++) {
                    hist[0][k] += count[q][k];
                    hist[1 + q % 5][k] += count[q][k];
                }
            }
            sigAcc.add(hist);
        }
        return sigAcc.withSes(sAcc.sd(), uAcc.sd());
    }

    /** S per group from per-item column sums of ȳ and ȳ² over p personas. */
    private static void groupS(double[] colSum, double[] colSq, int p, double[] s) {
        groupS(colSum, colSq, null, p, s);
    }

    /** colVar: per item the sum of the drawn personas' exact cell variances (null for sampled cells). */
    private static void groupS(double[] colSum, double[] colSq, double[] colVar, int p, double[] s) {
        java.util.Arrays.fill(s, 0);
        for (int q = 0; q < Mfq30.ITEMS; q++) {
            double m = colSum[q] / p;
            double within = colVar == null ? 0 : colVar[q] / p / DesignScale.N_REF;
            double sd = Math.sqrt(Math.max(0, (colSq[q] - p * m * m) / (p - 1)) + within);
            s[0] += sd;
            s[1 + q % 5] += sd;
        }
        s[0] /= Mfq30.ITEMS;
        for (int g = 1; g < GROUPS; g++) s[g] /= Mfq30.ITEMS / 5.0;
    }

    /** Running variance over the draws of the distribution signals of each group's histogram. */
    private static final class SignalAccumulator {
        private final Accumulator[] bySignal = new Accumulator[DistributionSignals.COUNT];
        private final double[] row = new double[GROUPS];
        private final double[][] values = new double[GROUPS][DistributionSignals.COUNT];

        SignalAccumulator() {
            for (int k = 0; k < bySignal.length; k++) bySignal[k] = new Accumulator();
        }

        void add(double[][] groupHist) {
            for (int g = 0; g < GROUPS; g++) DistributionSignals.values(groupHist[g], values[g]);
            for (int k = 0; k < bySignal.length; k++) {
                for (int g = 0; g < GROUPS; g++) row[g] = values[g][k];
                bySignal[k].add(row);
            }
        }

        /** {SE(S), SE(ū), then the SE of each signal} per group. */
        double[][] withSes(double[] seS, double[] seU) {
            double[][] out = new double[2 + bySignal.length][];
            out[0] = seS;
            out[1] = seU;
            for (int k = 0; k < bySignal.length; k++) out[2 + k] = bySignal[k].sd();
            return out;
        }
    }

    /** Running mean and variance of a vector of GROUPS statistics over the draws (Welford). */
    static final class Accumulator {
        private final double[] mean = new double[GROUPS], m2 = new double[GROUPS];
        private long n;

        void add(double[] x) {
            n++;
            for (int g = 0; g < GROUPS; g++) {
                double d = x[g] - mean[g];
                mean[g] += d / n;
                m2[g] += d * (x[g] - mean[g]);
            }
        }

        double[] sd() {
            double[] out = new double[GROUPS];
            for (int g = 0; g < GROUPS; g++) out[g] = n > 1 ? Math.sqrt(m2[g] / (n - 1)) : Double.NaN;
            return out;
        }
    }
}
