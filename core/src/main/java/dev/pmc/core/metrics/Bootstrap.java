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
    private static final int GROUPS = 6;

    private Bootstrap() {
    }

    /** S, R, ū with standard errors, overall and per foundation, for the retained personas (in the given order). */
    public static MetricsResult compute(List<PersonaStats> personas, long seed) {
        List<PersonaStats> kept = MoralMetrics.retained(personas);
        MetricsResult point = MoralMetrics.compute(kept);
        int p = kept.size();
        if (p < 2) return point;
        byte[][][] values = new byte[p][Mfq30.ITEMS][];
        for (int i = 0; i < p; i++) {
            for (int q = 0; q < Mfq30.ITEMS; q++) values[i][q] = kept.get(i).values(q + 1);
        }
        double[][] sePersona = personaBootstrap(values, PERSONA_DRAWS, new SplittableRandom(seed));
        double[][] seResponse = responseBootstrap(values, RESPONSE_DRAWS, new SplittableRandom(seed ^ 0x5DEECE66DL));
        Estimate overall = withSe(point.overall(), sePersona, seResponse, 0);
        Map<Foundation, Estimate> per = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) per.put(f, withSe(point.perFoundation().get(f), sePersona, seResponse, f.ordinal() + 1));
        return new MetricsResult(point.personas(), point.questions(), overall, per);
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

    /** Resamples personas; returns {SE(S), SE(ū)} per group. */
    static double[][] personaBootstrap(byte[][][] v, int draws, SplittableRandom rnd) {
        int p = v.length;
        double[][] mean = new double[p][Mfq30.ITEMS], sd = new double[p][Mfq30.ITEMS];
        cellMoments(v, mean, sd);
        // per persona, the sum of u over each group's items, so ū of a draw is a sum of p numbers per group
        double[][] uSum = new double[p][GROUPS];
        for (int i = 0; i < p; i++) {
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                uSum[i][0] += sd[i][q];
                uSum[i][1 + q % 5] += sd[i][q];
            }
        }
        Accumulator sAcc = new Accumulator(), uAcc = new Accumulator();
        int[] idx = new int[p];
        double[] colSum = new double[Mfq30.ITEMS], colSq = new double[Mfq30.ITEMS];
        double[] s = new double[GROUPS], u = new double[GROUPS];
        for (int b = 0; b < draws; b++) {
            for (int k = 0; k < p; k++) idx[k] = rnd.nextInt(p);
            java.util.Arrays.fill(colSum, 0);
            java.util.Arrays.fill(colSq, 0);
            java.util.Arrays.fill(u, 0);
            for (int k = 0; k < p; k++) {
                double[] row = mean[idx[k]];
                for (int q = 0; q < Mfq30.ITEMS; q++) {
                    colSum[q] += row[q];
                    colSq[q] += row[q] * row[q];
                }
                double[] us = uSum[idx[k]];
                for (int g = 0; g < GROUPS; g++) u[g] += us[g];
            }
            groupS(colSum, colSq, p, s);
            for (int g = 0; g < GROUPS; g++) u[g] /= (double) p * (g == 0 ? Mfq30.ITEMS : Mfq30.ITEMS / 5);
            sAcc.add(s);
            uAcc.add(u);
        }
        return new double[][]{sAcc.sd(), uAcc.sd()};
    }

    /** Resamples the ratings inside every cell; returns {SE(S), SE(ū)} per group. */
    static double[][] responseBootstrap(byte[][][] v, int draws, SplittableRandom rnd) {
        int p = v.length;
        Accumulator sAcc = new Accumulator(), uAcc = new Accumulator();
        double[] colSum = new double[Mfq30.ITEMS], colSq = new double[Mfq30.ITEMS];
        double[] s = new double[GROUPS], u = new double[GROUPS];
        for (int b = 0; b < draws; b++) {
            java.util.Arrays.fill(colSum, 0);
            java.util.Arrays.fill(colSq, 0);
            java.util.Arrays.fill(u, 0);
            for (int i = 0; i < p; i++) {
                for (int q = 0; q < Mfq30.ITEMS; q++) {
                    byte[] c = v[i][q];
                    int n = c.length;
                    double sum = 0, sq = 0;
                    for (int k = 0; k < n; k++) {
                        int x = c[rnd.nextInt(n)];
                        sum += x;
                        sq += x * x;
                    }
                    double m = sum / n;
                    double var = n > 1 ? Math.max(0, (sq - n * m * m) / (n - 1)) : 0;
                    double sdv = Math.sqrt(var);
                    colSum[q] += m;
                    colSq[q] += m * m;
                    u[0] += sdv;
                    u[1 + q % 5] += sdv;
                }
            }
            groupS(colSum, colSq, p, s);
            for (int g = 0; g < GROUPS; g++) u[g] /= (double) p * (g == 0 ? Mfq30.ITEMS : Mfq30.ITEMS / 5);
            sAcc.add(s);
            uAcc.add(u);
        }
        return new double[][]{sAcc.sd(), uAcc.sd()};
    }

    /** S per group from per-item column sums of ȳ and ȳ² over p personas. */
    private static void groupS(double[] colSum, double[] colSq, int p, double[] s) {
        java.util.Arrays.fill(s, 0);
        for (int q = 0; q < Mfq30.ITEMS; q++) {
            double m = colSum[q] / p;
            double sd = Math.sqrt(Math.max(0, (colSq[q] - p * m * m) / (p - 1)));
            s[0] += sd;
            s[1 + q % 5] += sd;
        }
        s[0] /= Mfq30.ITEMS;
        for (int g = 1; g < GROUPS; g++) s[g] /= Mfq30.ITEMS / 5.0;
    }

    /** Running mean and variance of a vector of GROUPS statistics over the draws (Welford). */
    private static final class Accumulator {
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
