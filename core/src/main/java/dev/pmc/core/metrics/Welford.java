package dev.pmc.core.metrics;

/**
 * Welford's streaming update of a cell's count n, mean and M2 (sum of squared deviations):
 * n' = n+1, δ = x − mean, mean' = mean + δ/n', M2' = M2 + δ·(x − mean'). Sample SD = sqrt(M2/(n−1)).
 */
public final class Welford {
    private Welford() {
    }

    /** Adds x to cell i of the parallel arrays (n, mean, m2). */
    public static void add(int[] n, double[] mean, double[] m2, int i, double x) {
        int k = n[i] + 1;
        double delta = x - mean[i];
        double newMean = mean[i] + delta / k;
        m2[i] += delta * (x - newMean);
        mean[i] = newMean;
        n[i] = k;
    }

    /** u = sample standard deviation with ddof=1; 0 for a single observation (the protocol's convention). */
    public static double sampleSd(int n, double m2) {
        if (n < 2) return 0.0;
        double var = m2 / (n - 1);
        return var > 0 ? Math.sqrt(var) : 0.0;
    }
}
