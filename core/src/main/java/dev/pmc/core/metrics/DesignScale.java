package dev.pmc.core.metrics;

/**
 * Puts an exact cell (a rating distribution p over 0..5, from logprobs) on the scale of a sampled reading with
 * {@link #N_REF} = 10 repetitions per cell, the design of the published metrics and of every calibrated threshold.
 *
 * <p>A sampled reading at n draws per cell measures u_pq = s_pq, the sample SD (ddof 1) of n draws, and S from cell
 * means ȳ_pq that carry within-cell noise. For a cell with distribution p (mean μ, variance σ²):
 * <ul>
 *   <li>E[s_n | p] = Σ_c Multinomial(c; n, p) · sd₁(c) over every composition c of n into the six ratings, sd₁(c) the
 *       sample SD of c ({@link #expectedSampleSd}); computed exactly (3,003 compositions for n = 10);</li>
 *   <li>E[Var_p(ȳ_pq)] = Var_p(μ_pq) + mean_p(σ²_pq)/n (ddof 1 over personas; draws independent), so the sampled-scale
 *       S of item q is √(Var_p(μ_pq) + mean_p(σ²_pq)/n) ({@link #susceptibility}).</li>
 * </ul>
 * A logprob reading then estimates the same quantities as a sampled reading of the same model at n = 10: R = 1/mean
 * E[s_10|p], S from the formula above. The temperature is handled before (the scorer sharpens the provider's T = 1
 * distribution to the run's sampling temperature: p_T ∝ p₁^{1/T}).
 */
public final class DesignScale {
    /** Repetitions per cell of the published design. */
    public static final int N_REF = 10;

    private static final int BINS = 6;
    /** Every composition of N_REF into six counts: counts, log multinomial coefficient, sample SD. */
    private static final int[][] COMPOSITIONS;
    private static final double[] LOG_COEF;
    private static final double[] SD;

    static {
        java.util.List<int[]> all = new java.util.ArrayList<>();
        compose(new int[BINS], 0, N_REF, all);
        COMPOSITIONS = all.toArray(new int[0][]);
        LOG_COEF = new double[COMPOSITIONS.length];
        SD = new double[COMPOSITIONS.length];
        double[] logFact = new double[N_REF + 1];
        for (int k = 1; k <= N_REF; k++) logFact[k] = logFact[k - 1] + Math.log(k);
        for (int i = 0; i < COMPOSITIONS.length; i++) {
            int[] c = COMPOSITIONS[i];
            double lc = logFact[N_REF], sum = 0, sq = 0;
            for (int r = 0; r < BINS; r++) {
                lc -= logFact[c[r]];
                sum += (double) r * c[r];
                sq += (double) r * r * c[r];
            }
            LOG_COEF[i] = lc;
            double mean = sum / N_REF;
            SD[i] = Math.sqrt(Math.max(0, (sq - N_REF * mean * mean) / (N_REF - 1)));
        }
    }

    private DesignScale() {
    }

    private static void compose(int[] c, int bin, int left, java.util.List<int[]> out) {
        if (bin == BINS - 1) {
            c[bin] = left;
            out.add(c.clone());
            return;
        }
        for (int k = 0; k <= left; k++) {
            c[bin] = k;
            compose(c, bin + 1, left - k, out);
        }
    }

    /** E[s_10 | p]: the expected sample SD (ddof 1) of 10 independent ratings drawn from p (p need not be normalised). */
    public static double expectedSampleSd(double[] p) {
        double total = 0;
        for (double x : p) total += x;
        if (!(total > 0)) return Double.NaN;
        // p_r^k for k = 0..10, so each composition's probability is six lookups
        double[][] pow = new double[BINS][N_REF + 1];
        for (int r = 0; r < BINS; r++) {
            double q = p[r] / total;
            pow[r][0] = 1;
            for (int k = 1; k <= N_REF; k++) pow[r][k] = pow[r][k - 1] * q;
        }
        double e = 0;
        for (int i = 0; i < COMPOSITIONS.length; i++) {
            if (SD[i] == 0) continue;
            int[] c = COMPOSITIONS[i];
            double prob = Math.exp(LOG_COEF[i]);
            for (int r = 0; r < BINS && prob > 0; r++) prob *= pow[r][c[r]];
            e += prob * SD[i];
        }
        return e;
    }

    /**
     * Sampled-scale S = (1/|Q|) Σ_q √(Var_p(μ_pq) + mean_p(σ²_pq)/N_REF), Var over personas with ddof 1.
     * @param means     [persona][item] exact cell means μ_pq
     * @param variances [persona][item] exact cell variances σ²_pq
     */
    public static double susceptibility(double[][] means, double[][] variances, int[] items) {
        int p = means.length;
        if (p < 2 || items.length == 0) return Double.NaN;
        double total = 0;
        for (int q : items) {
            double s = 0, w = 0;
            for (int i = 0; i < p; i++) {
                s += means[i][q];
                w += variances[i][q];
            }
            double mu = s / p, ss = 0;
            for (double[] row : means) {
                double d = row[q] - mu;
                ss += d * d;
            }
            total += Math.sqrt(ss / (p - 1) + w / p / N_REF);
        }
        return total / items.length;
    }
}
