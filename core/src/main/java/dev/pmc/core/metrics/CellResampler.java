package dev.pmc.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The response bootstrap's draw: resamples the ratings inside every cell (persona × item) with replacement.
 * Exact shortcuts with the same bootstrap distribution: a cell whose ratings are all equal resamples to itself, so
 * it is reported once ({@link #constantCells}) and never drawn; a cell with two distinct ratings a &lt; b (k of n
 * equal to b) resamples to j copies of b with j ~ Binomial(n, k/n), so one uniform draw against the precomputed CDF
 * gives its mean and SD from tables; other cells resample value by value. Draws come from one SplitMix64 stream in
 * a fixed cell order (two-valued cells, then the others, each in persona-then-item order), so a seed gives the same
 * draws whatever the caller computes from them.
 */
final class CellResampler {
    /** Receives each resampled cell of a draw: its mean and SD (ddof 1) and how many of the resample equal each rating. */
    interface Sink {
        /** A two-valued cell: na ratings equal to a, nb equal to b. */
        void twoValued(int persona, int item, double mean, double sd, int a, int na, int b, int nb);

        /** Another cell: counts[k] of the resample equal k (valid until return). */
        void general(int persona, int item, double mean, double sd, int[] counts);
    }

    private final int personas, items;
    private final List<int[]> constant = new ArrayList<>();          // {persona, item, rating, n}
    private final double[][][] two;                                  // {cdf, mean by j, sd by j}
    private final int[][] twoCell;                                   // {persona, item, a, b, n}
    private final byte[][] general;
    private final int[][] generalCell;                               // {persona, item}
    private final int[] counts;
    private long state;

    /** @param v [persona][item] the valid ratings of each cell; bins = number of rating values (0..bins-1) */
    CellResampler(byte[][][] v, int bins, SplittableRandom seedSource) {
        personas = v.length;
        items = personas == 0 ? 0 : v[0].length;
        counts = new int[bins];
        List<double[][]> twoTables = new ArrayList<>();
        List<int[]> twoCells = new ArrayList<>();
        List<byte[]> gen = new ArrayList<>();
        List<int[]> genCells = new ArrayList<>();
        for (int p = 0; p < personas; p++) {
            for (int q = 0; q < items; q++) {
                byte[] c = v[p][q];
                int mask = 0;
                for (byte b : c) mask |= 1 << b;
                int distinct = Integer.bitCount(mask);
                if (distinct <= 1) {
                    constant.add(new int[]{p, q, c.length == 0 ? 0 : c[0], c.length});
                } else if (distinct == 2) {
                    twoTables.add(binomialTables(c));
                    twoCells.add(new int[]{p, q, Integer.numberOfTrailingZeros(mask), 31 - Integer.numberOfLeadingZeros(mask), c.length});
                } else {
                    gen.add(c);
                    genCells.add(new int[]{p, q});
                }
            }
        }
        two = twoTables.toArray(new double[0][][]);
        twoCell = twoCells.toArray(new int[0][]);
        general = gen.toArray(new byte[0][]);
        generalCell = genCells.toArray(new int[0][]);
        state = seedSource.nextLong();
    }

    int personas() {
        return personas;
    }

    int items() {
        return items;
    }

    /** Cells that resample to themselves: {persona, item, rating, n} each (rating 0 and n 0 for an empty cell). */
    List<int[]> constantCells() {
        return constant;
    }

    /** One bootstrap draw: every cell that can change, in the fixed order, to the sink. */
    void draw(Sink sink) {
        for (int c = 0; c < two.length; c++) {
            state += 0x9E3779B97F4A7C15L;
            double r = (mix(state) >>> 11) * 0x1.0p-53;
            double[] cdf = two[c][0];
            int j = 0;
            while (j < cdf.length - 1 && r >= cdf[j]) j++;
            int[] cell = twoCell[c];
            sink.twoValued(cell[0], cell[1], two[c][1][j], two[c][2][j], cell[2], cell[4] - j, cell[3], j);
        }
        for (int c = 0; c < general.length; c++) {
            byte[] vals = general[c];
            int n = vals.length;
            int sum = 0, sq = 0;
            java.util.Arrays.fill(counts, 0);
            for (int k = 0; k < n; k++) {
                state += 0x9E3779B97F4A7C15L;
                long r = mix(state);
                int x = vals[(int) (((r >>> 32) * n) >>> 32)];
                sum += x;
                sq += x * x;
                counts[x]++;
            }
            double m = (double) sum / n;
            double var = n > 1 ? Math.max(0, (sq - n * m * m) / (n - 1)) : 0;
            sink.general(generalCell[c][0], generalCell[c][1], m, Math.sqrt(var), counts);
        }
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

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
