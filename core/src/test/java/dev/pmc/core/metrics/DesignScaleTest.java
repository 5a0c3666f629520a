package dev.pmc.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DesignScaleTest {

    @Test
    void pointMassHasNoSpread() {
        for (int r = 0; r < 6; r++) {
            double[] p = new double[6];
            p[r] = 3.5; // unnormalised on purpose
            assertEquals(0.0, DesignScale.expectedSampleSd(p), 0.0);
        }
    }

    @Test
    void twoAdjacentRatingsMatchTheBinomialFormula() {
        // ratings 2 and 3 with P(3) = q: k ~ Bin(10, q) threes, s = sqrt(k(10-k) / (10 * 9))
        for (double q : new double[] {0.01, 0.1, 0.37, 0.5, 0.93}) {
            double expected = 0;
            for (int k = 0; k <= 10; k++) {
                double prob = binom(10, k) * Math.pow(q, k) * Math.pow(1 - q, 10 - k);
                expected += prob * Math.sqrt(k * (10.0 - k) / 90.0);
            }
            double[] p = {0, 0, 1 - q, q, 0, 0};
            assertEquals(expected, DesignScale.expectedSampleSd(p), 1e-13, "q=" + q);
        }
    }

    @Test
    void agreesWithMonteCarloOnASpreadDistribution() {
        double[] p = {0.05, 0.1, 0.2, 0.3, 0.25, 0.1};
        SplittableRandom rnd = new SplittableRandom(7);
        int trials = 200_000;
        double sum = 0, sq = 0;
        for (int t = 0; t < trials; t++) {
            double s = 0, s2 = 0;
            for (int k = 0; k < 10; k++) {
                int r = draw(p, rnd.nextDouble());
                s += r;
                s2 += r * r;
            }
            double sd = Math.sqrt(Math.max(0, (s2 - s * s / 10) / 9));
            sum += sd;
            sq += sd * sd;
        }
        double mean = sum / trials, se = Math.sqrt((sq / trials - mean * mean) / trials);
        double exact = DesignScale.expectedSampleSd(p);
        assertTrue(Math.abs(exact - mean) < 4 * se, "exact " + exact + " vs Monte Carlo " + mean + " ± " + se);
        // and below the population SD (Jensen: E[s] < σ)
        double mu = 0, m2 = 0;
        for (int r = 0; r < 6; r++) mu += r * p[r];
        for (int r = 0; r < 6; r++) m2 += p[r] * (r - mu) * (r - mu);
        assertTrue(exact < Math.sqrt(m2));
    }

    @Test
    void susceptibilityWithoutWithinVarianceIsThePapersS() {
        double[][] means = {{1, 2, 5}, {2, 2, 4}, {4, 1, 5}};
        double[][] zero = new double[3][3];
        int[] items = {0, 1, 2};
        assertEquals(MoralMetrics.susceptibility(means, items), DesignScale.susceptibility(means, zero, items), 1e-15);
        // within-cell variance σ² adds σ²/10 to each item's between-persona variance
        double[][] ones = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
        double expected = 0;
        for (int q : items) {
            double m = (means[0][q] + means[1][q] + means[2][q]) / 3, ss = 0;
            for (double[] row : means) ss += (row[q] - m) * (row[q] - m);
            expected += Math.sqrt(ss / 2 + 0.1);
        }
        assertEquals(expected / 3, DesignScale.susceptibility(means, ones, items), 1e-15);
    }

    private static int draw(double[] p, double u) {
        double c = 0;
        for (int r = 0; r < p.length; r++) {
            c += p[r];
            if (u < c) return r;
        }
        return p.length - 1;
    }

    private static double binom(int n, int k) {
        double b = 1;
        for (int i = 1; i <= k; i++) b = b * (n - k + i) / i;
        return b;
    }
}
