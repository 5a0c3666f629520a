package dev.pmc.core.metrics;

/**
 * A fine-tune (variant) against its base model: relative changes of S, R and 1/R (= ū), their z-scores from
 * the standard errors, whether S leaves the base band, and a verdict.
 *
 * <p>Verdict rules (documented in README):
 * <ul>
 *   <li>{@code collapsed}: S above the band's upper edge, S up by at least {@code minChange} (default 25 %) with
 *       z ≥ {@code zThreshold} (default 3), and R down by at least {@code minChange} with z ≤ −{@code zThreshold}
 *       — the persona-model collapse signature (more susceptible and less robust at once).</li>
 *   <li>{@code drifting}: not collapsed, but S outside the band, or S or R changed by at least 10 % with
 *       |z| ≥ {@code zThreshold}.</li>
 *   <li>{@code consistent}: otherwise.</li>
 * </ul>
 * Without a baseline only the band applies: S inside it is consistent, outside it drifting.
 */
public record Comparison(double deltaSPercent, double deltaRPercent, double deltaInvRPercent, double zS, double zR,
                         boolean outsideBand, String verdict) {
    public static final double BAND_LOW = 0.66, BAND_HIGH = 0.83;

    public record Thresholds(double bandLow, double bandHigh, double minChange, double driftChange, double z) {
        public static final Thresholds DEFAULT = new Thresholds(BAND_LOW, BAND_HIGH, 0.25, 0.10, 3.0);
    }

    /** Δ% = 100·(variant/base − 1); z = (variant − base)/√(se_v² + se_b²) (NaN without SEs). */
    public static Comparison of(Estimate base, Estimate variant, Thresholds t) {
        double dS = 100 * (variant.susceptibility() / base.susceptibility() - 1);
        double dR = 100 * (variant.robustness() / base.robustness() - 1);
        double dInvR = 100 * (variant.withinSd() / base.withinSd() - 1);
        double zS = z(variant.susceptibility(), variant.susceptibilitySe(), base.susceptibility(), base.susceptibilitySe());
        double zR = z(variant.robustness(), variant.robustnessSe(), base.robustness(), base.robustnessSe());
        boolean outside = outside(variant.susceptibility(), t);
        boolean sig = !Double.isNaN(zS) && !Double.isNaN(zR);
        String verdict;
        if (variant.susceptibility() > t.bandHigh() && dS >= 100 * t.minChange() && dR <= -100 * t.minChange()
                && (!sig || (zS >= t.z() && zR <= -t.z()))) {
            verdict = "collapsed";
        } else if (outside || (Math.abs(dS) >= 100 * t.driftChange() && (!sig || Math.abs(zS) >= t.z()))
                || (Math.abs(dR) >= 100 * t.driftChange() && (!sig || Math.abs(zR) >= t.z()))) {
            verdict = "drifting";
        } else {
            verdict = "consistent";
        }
        return new Comparison(dS, dR, dInvR, zS, zR, outside, verdict);
    }

    /** Verdict from the band alone, for a target without a baseline. */
    public static Comparison bandOnly(Estimate variant, Thresholds t) {
        boolean outside = outside(variant.susceptibility(), t);
        return new Comparison(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, outside,
                outside ? "drifting" : "consistent");
    }

    private static boolean outside(double s, Thresholds t) {
        return s < t.bandLow() || s > t.bandHigh();
    }

    private static double z(double v, double seV, double b, double seB) {
        double se = Math.sqrt(seV * seV + seB * seB);
        return se > 0 ? (v - b) / se : Double.NaN;
    }
}
