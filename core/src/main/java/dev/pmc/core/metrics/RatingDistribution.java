package dev.pmc.core.metrics;

/**
 * Pure functions over a rating histogram h_0..h_K (counts of each rating 0..K, or probability mass): the shape
 * signals that tell saturation (answers piling on one rating) from the paper's dispersion. All are exact from
 * the counts, which the aggregator keeps per item and persona as ratings stream in.
 */
public final class RatingDistribution {
    private static final double LN2 = Math.log(2);

    private RatingDistribution() {
    }

    /** Σ_k h_k. */
    public static double total(double[] h) {
        double t = 0;
        for (double x : h) t += x;
        return t;
    }

    /** Ceiling share p_K = h_K / Σ h: ratings at the scale's top (for MFQ, 5). NaN for an empty histogram. */
    public static double ceilingShare(double[] h) {
        double t = total(h);
        return t > 0 ? h[h.length - 1] / t : Double.NaN;
    }

    /** Floor share p_0 = h_0 / Σ h: ratings at the scale's bottom. NaN for an empty histogram. */
    public static double floorShare(double[] h) {
        double t = total(h);
        return t > 0 ? h[0] / t : Double.NaN;
    }

    /** Mode share max_k p_k: the share of ratings on the most used rating. NaN for an empty histogram. */
    public static double modeShare(double[] h) {
        return modeShare(h, total(h));
    }

    static double modeShare(double[] h, double t) {
        double max = 0;
        for (double x : h) max = Math.max(max, x);
        return t > 0 ? max / t : Double.NaN;
    }

    /**
     * Shannon entropy H = −Σ_k p_k log₂ p_k in bits (0·log 0 = 0). 2^H is the effective number of ratings in use:
     * a drop of one bit halves it. NaN for an empty histogram.
     */
    public static double entropyBits(double[] h) {
        return entropyBits(h, total(h));
    }

    /** {@link #entropyBits(double[])} given the histogram's total. */
    static double entropyBits(double[] h, double t) {
        if (!(t > 0)) return Double.NaN;
        double e = 0;
        for (double x : h) {
            if (x > 0) {
                double p = x / t;
                e -= p * Math.log(p);
            }
        }
        return e / LN2;
    }

    /**
     * Jensen-Shannon divergence JSD(P‖Q) = ½ KL(P‖M) + ½ KL(Q‖M), M = ½(P + Q), in bits (0 ≤ JSD ≤ 1) between
     * two histograms, each normalised to a distribution. NaN if either is empty.
     */
    public static double jensenShannonBits(double[] a, double[] b) {
        double ta = total(a), tb = total(b);
        if (!(ta > 0) || !(tb > 0)) return Double.NaN;
        double d = 0;
        for (int k = 0; k < a.length; k++) {
            double p = a[k] / ta, q = b[k] / tb, m = 0.5 * (p + q);
            if (p > 0) d += 0.5 * p * Math.log(p / m);
            if (q > 0) d += 0.5 * q * Math.log(q / m);
        }
        return Math.max(0, d / LN2);
    }

    /** The histogram of a group of items: Σ over the items of their histograms. */
    public static double[] pooled(double[][] itemHistograms, int[] items) {
        double[] h = new double[itemHistograms[items[0]].length];
        for (int q : items) for (int k = 0; k < h.length; k++) h[k] += itemHistograms[q][k];
        return h;
    }
}
