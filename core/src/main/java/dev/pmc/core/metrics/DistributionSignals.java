package dev.pmc.core.metrics;

/**
 * The shape of a rating distribution pooled over personas, items and repetitions (see {@link RatingDistribution}):
 * ceiling share (ratings at the scale's top), floor share (at its bottom), Shannon entropy in bits, and mode
 * share; each with a bootstrap standard error (NaN until computed).
 */
public record DistributionSignals(double ceilingShare, double ceilingShareSe, double floorShare, double floorShareSe,
                                  double entropyBits, double entropyBitsSe, double modeShare, double modeShareSe) {
    /** Number of signals in {@link #values(double[])} order: ceiling, floor, entropy, mode. */
    static final int COUNT = 4;

    /** Point values of a histogram, SEs NaN. */
    public static DistributionSignals of(double[] histogram) {
        double[] v = values(histogram);
        return new DistributionSignals(v[0], Double.NaN, v[1], Double.NaN, v[2], Double.NaN, v[3], Double.NaN);
    }

    /** {ceiling share, floor share, entropy bits, mode share} of a histogram. */
    static double[] values(double[] h) {
        double[] out = new double[COUNT];
        values(h, out);
        return out;
    }

    /** {@link #values(double[])} into out (the bootstrap calls it per draw and group; the total is summed once). */
    static void values(double[] h, double[] out) {
        double t = RatingDistribution.total(h);
        out[0] = t > 0 ? h[h.length - 1] / t : Double.NaN;
        out[1] = t > 0 ? h[0] / t : Double.NaN;
        out[2] = RatingDistribution.entropyBits(h, t);
        out[3] = RatingDistribution.modeShare(h, t);
    }

    /** These values with SEs in {@link #values(double[])} order. */
    DistributionSignals withSe(double[] se) {
        return new DistributionSignals(ceilingShare, se[0], floorShare, se[1], entropyBits, se[2], modeShare, se[3]);
    }
}
