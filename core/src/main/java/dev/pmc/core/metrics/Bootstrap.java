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
        if (kept.stream().anyMatch(PersonaStats::hasExactCells)) return exactCells(kept, point, seed);
        byte[][][] values = new byte[p][Mfq30.ITEMS][];
        for (int i = 0; i < p; i++) {
            for (int q = 0; q < Mfq30.ITEMS; q++) values[i][q] = kept.get(i).values(q + 1);
        }
        // the two bootstraps use independent seeded streams, so running them concurrently stays deterministic
        var persona = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> personaBootstrap(values, PERSONA_DRAWS, new SplittableRandom(seed)));
        double[][] seResponse = responseBootstrap(values, RESPONSE_DRAWS, new SplittableRandom(seed ^ 0x5DEECE66DL));
        double[][] sePersona = persona.join();
        Estimate overall = withSe(point.overall(), sePersona, seResponse, 0);
        Map<Foundation, Estimate> per = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) per.put(f, withSe(point.perFoundation().get(f), sePersona, seResponse, f.ordinal() + 1));
        return new MetricsResult(point.personas(), point.questions(), overall, per);
    }

    /**
     * Logprob mode: cells hold exact moments, so there is no within-cell sampling error (response SE = 0) and
     * only personas are resampled.
     */
    private static MetricsResult exactCells(List<PersonaStats> kept, MetricsResult point, long seed) {
        int p = kept.size();
        double[][] mean = new double[p][], sd = new double[p][Mfq30.ITEMS];
        for (int i = 0; i < p; i++) {
            mean[i] = kept.get(i).getMean();
            for (int q = 0; q < Mfq30.ITEMS; q++) sd[i][q] = kept.get(i).cellSd(q + 1);
        }
        double[][] sePersona = personaBootstrap(mean, sd, PERSONA_DRAWS, new SplittableRandom(seed));
        double[][] zero = new double[2][GROUPS];
        Estimate overall = withSe(point.overall(), sePersona, zero, 0);
        Map<Foundation, Estimate> per = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) per.put(f, withSe(point.perFoundation().get(f), sePersona, zero, f.ordinal() + 1));
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
        return personaBootstrap(mean, sd, draws, rnd);
    }

    /** Resamples personas given their cell means and SDs; returns {SE(S), SE(ū)} per group. */
    static double[][] personaBootstrap(double[][] mean, double[][] sd, int draws, SplittableRandom rnd) {
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

    /**
     * Resamples the ratings inside every cell; returns {SE(S), SE(ū)} per group. Exact shortcuts with the same
     * bootstrap distribution: a cell whose ratings are all equal resamples to itself, so its contribution is
     * added once up front; a cell with two distinct ratings a &lt; b (k of n equal to b) resamples to j copies of
     * b with j ~ Binomial(n, k/n), so one uniform draw against the precomputed CDF gives its mean and SD from
     * tables. Other cells resample value by value. Draws use a SplitMix64 stream.
     */
    static double[][] responseBootstrap(byte[][][] v, int draws, SplittableRandom seedSource) {
        int p = v.length;
        double[] constSum = new double[Mfq30.ITEMS], constSq = new double[Mfq30.ITEMS];
        List<double[][]> twoValued = new java.util.ArrayList<>();   // {cdf, mean by j, sd by j}
        List<Integer> twoItem = new java.util.ArrayList<>();
        List<byte[]> general = new java.util.ArrayList<>();
        List<Integer> generalItem = new java.util.ArrayList<>();
        for (byte[][] persona : v) {
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                byte[] c = persona[q];
                int distinct = distinct(c);
                if (distinct <= 1) {
                    double m = c.length == 0 ? 0 : c[0];
                    constSum[q] += m;
                    constSq[q] += m * m;
                } else if (distinct == 2) {
                    twoValued.add(binomialTables(c));
                    twoItem.add(q);
                } else {
                    general.add(c);
                    generalItem.add(q);
                }
            }
        }
        double[][][] two = twoValued.toArray(new double[0][][]);
        int[] twoQ = twoItem.stream().mapToInt(Integer::intValue).toArray();
        byte[][] gen = general.toArray(new byte[0][]);
        int[] genQ = generalItem.stream().mapToInt(Integer::intValue).toArray();

        long state = seedSource.nextLong();
        Accumulator sAcc = new Accumulator(), uAcc = new Accumulator();
        double[] colSum = new double[Mfq30.ITEMS], colSq = new double[Mfq30.ITEMS];
        double[] s = new double[GROUPS], u = new double[GROUPS];
        for (int b = 0; b < draws; b++) {
            System.arraycopy(constSum, 0, colSum, 0, Mfq30.ITEMS);
            System.arraycopy(constSq, 0, colSq, 0, Mfq30.ITEMS);
            java.util.Arrays.fill(u, 0);
            for (int c = 0; c < two.length; c++) {
                state += 0x9E3779B97F4A7C15L;
                double r = (mix(state) >>> 11) * 0x1.0p-53;
                double[] cdf = two[c][0];
                int j = 0;
                while (j < cdf.length - 1 && r >= cdf[j]) j++;
                double m = two[c][1][j], sdv = two[c][2][j];
                int q = twoQ[c];
                colSum[q] += m;
                colSq[q] += m * m;
                u[0] += sdv;
                u[1 + q % 5] += sdv;
            }
            for (int c = 0; c < gen.length; c++) {
                byte[] vals = gen[c];
                int n = vals.length;
                int sum = 0, sq = 0;
                for (int k = 0; k < n; k++) {
                    state += 0x9E3779B97F4A7C15L;
                    long r = mix(state);
                    int x = vals[(int) (((r >>> 32) * n) >>> 32)];
                    sum += x;
                    sq += x * x;
                }
                double m = (double) sum / n;
                double var = n > 1 ? Math.max(0, (sq - n * m * m) / (n - 1)) : 0;
                double sdv = Math.sqrt(var);
                int q = genQ[c];
                colSum[q] += m;
                colSq[q] += m * m;
                u[0] += sdv;
                u[1 + q % 5] += sdv;
            }
            groupS(colSum, colSq, p, s);
            for (int g = 0; g < GROUPS; g++) u[g] /= (double) p * (g == 0 ? Mfq30.ITEMS : Mfq30.ITEMS / 5);
            sAcc.add(s);
            uAcc.add(u);
        }
        return new double[][]{sAcc.sd(), uAcc.sd()};
    }

    private static int distinct(byte[] c) {
        int mask = 0;
        for (byte b : c) mask |= 1 << b;
        return Integer.bitCount(mask);
    }

    /**
     * For a cell with two distinct ratings a &lt; b, k of its n ratings equal to b: the CDF of j ~ Binomial(n, k/n)
     * (the number of b's in a resample) and the resample's mean and SD (ddof 1) for each j.
     */
    static double[][] binomialTables(byte[] c) {
        int n = c.length, a = 5, b = 0, k = 0;
        for (byte x : c) {
            a = Math.min(a, x);
            b = Math.max(b, x);
        }
        for (byte x : c) if (x == b) k++;
        double pb = (double) k / n;
        double[] cdf = new double[n + 1], mean = new double[n + 1], sd = new double[n + 1];
        double acc = 0;
        for (int j = 0; j <= n; j++) {
            acc += binomialPmf(n, j, pb);
            cdf[j] = acc;
            double sum = (double) a * (n - j) + (double) b * j;
            double sq = (double) a * a * (n - j) + (double) b * b * j;
            double m = sum / n;
            mean[j] = m;
            sd[j] = n > 1 ? Math.sqrt(Math.max(0, (sq - n * m * m) / (n - 1))) : 0;
        }
        cdf[n] = 1.0;
        return new double[][]{cdf, mean, sd};
    }

    private static double binomialPmf(int n, int j, double p) {
        double logC = 0;
        for (int i = 1; i <= j; i++) logC += Math.log(n - j + i) - Math.log(i);
        if (p == 0) return j == 0 ? 1 : 0;
        if (p == 1) return j == n ? 1 : 0;
        return Math.exp(logC + j * Math.log(p) + (n - j) * Math.log1p(-p));
    }

    private static boolean constant(byte[] c) {
        for (int i = 1; i < c.length; i++) if (c[i] != c[0]) return false;
        return true;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
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
