package dev.pmc.core.metrics;

/**
 * A reading (variant) judged against its baseline's reading: relative changes and z-scores of S, R, 1/R and of the
 * rating distribution's entropy and ceiling share, the divergence signals, a continuous collapse score, and a
 * {@link Verdict} with its {@link CollapseKind}.
 *
 * <p>The rule (README, "Collapse verdict"), with z = (variant − base)/√(se_v² + se_b²) and a missing SE counting as
 * significant:
 * <ul>
 *   <li>dispersion score d = ln(S_v/S_b) / ln(1 + {@code sRise}); 1 at a rise of S by {@code sRise} (25 %, more
 *       than the whole spread of S over 13 base models, 0.83/0.66 = 1.26);</li>
 *   <li>saturation score s = (H_b − H_v) / {@code entropyDropBits}, H the Shannon entropy of the pooled rating
 *       distribution; 1 when H falls by one bit, i.e. the effective number of ratings in use, 2^H, halves;</li>
 *   <li>{@code collapse_score} = max(d, s): each part is 1 at its collapse threshold, 0 for no change;</li>
 *   <li>{@code collapsed}/{@code dispersion}: d ≥ 1 with z(S) ≥ {@code z} and R down with z(R) ≤ −{@code z};
 *       {@code collapsed}/{@code saturation}: s ≥ 1 with z(H) ≤ −{@code z} (the larger part names the kind when both
 *       hold);</li>
 *   <li>{@code drifting}: not collapsed, but d or s ≥ {@code driftFraction} (half way) with its z significant;</li>
 *   <li>{@code consistent}: otherwise. R falling alone is never drift or collapse: every fine-tune lowers R;</li>
 *   <li>{@code insufficient}: S or R not finite, or fewer than {@code minPersonas} retained personas, on either
 *       side.</li>
 * </ul>
 * Without a baseline only the band applies: S inside [bandLow, bandHigh] is consistent, outside it drifting.
 */
public record Comparison(double deltaSPercent, double deltaRPercent, double deltaInvRPercent, double zS, double zR,
                         boolean outsideBand, double deltaEntropyBits, double zEntropy, double deltaCeilingShare,
                         double zCeilingShare, double deltaModeShare, double divergenceBits, double divergenceBitsSe,
                         double personaFidelity, double personaFidelitySe, double dispersionScore,
                         double saturationScore, double collapseScore, Verdict verdictValue, CollapseKind kindValue) {
    public static final double BAND_LOW = 0.66, BAND_HIGH = 0.83;

    /**
     * @param sRise           relative rise of S that is a dispersion collapse (0.25)
     * @param entropyDropBits fall of the rating entropy that is a saturation collapse (1 bit)
     * @param driftFraction   share of a collapse threshold that is drift (0.5)
     * @param z               significance of every change (3)
     * @param minPersonas     retained personas below which a reading is insufficient (30)
     */
    public record Thresholds(double bandLow, double bandHigh, double sRise, double entropyDropBits, double driftFraction,
                             double z, int minPersonas) {
        public static final Thresholds DEFAULT = new Thresholds(BAND_LOW, BAND_HIGH, 0.25, 1.0, 0.5, 3.0, 30);

        public Thresholds withBand(double low, double high) {
            return new Thresholds(low, high, sRise, entropyDropBits, driftFraction, z, minPersonas);
        }
    }

    /** The verdict's wire name: consistent, drifting, collapsed or insufficient. */
    public String verdict() {
        return verdictValue.wire();
    }

    /** dispersion or saturation when collapsed, else null. */
    public String kind() {
        return kindValue == null ? null : kindValue.wire();
    }

    /** The variant against the baseline; divergence may be null (then its signals are NaN). */
    public static Comparison of(MetricsResult base, MetricsResult variant, BaselineDivergence divergence, Thresholds t) {
        Estimate b = base.overall(), v = variant.overall();
        DistributionSignals hb = base.signals(), hv = variant.signals();
        double dS = 100 * (v.susceptibility() / b.susceptibility() - 1);
        double dR = 100 * (v.robustness() / b.robustness() - 1);
        double dInvR = 100 * (v.withinSd() / b.withinSd() - 1);
        double zS = z(v.susceptibility(), v.susceptibilitySe(), b.susceptibility(), b.susceptibilitySe());
        double zR = z(v.robustness(), v.robustnessSe(), b.robustness(), b.robustnessSe());
        double dH = hv.entropyBits() - hb.entropyBits();
        double zH = z(hv.entropyBits(), hv.entropyBitsSe(), hb.entropyBits(), hb.entropyBitsSe());
        double zTop = z(hv.ceilingShare(), hv.ceilingShareSe(), hb.ceilingShare(), hb.ceilingShareSe());
        double disp = Math.log(v.susceptibility() / b.susceptibility()) / Math.log(1 + t.sRise());
        double sat = -dH / t.entropyDropBits();
        double score = Double.isNaN(disp) ? sat : Double.isNaN(sat) ? disp : Math.max(disp, sat);
        boolean sigS = Double.isNaN(zS) || zS >= t.z(), sigR = Double.isNaN(zR) || zR <= -t.z(), sigH = Double.isNaN(zH) || zH <= -t.z();

        Verdict verdict;
        CollapseKind kind = null;
        if (insufficient(base, t) || insufficient(variant, t)) {
            verdict = Verdict.INSUFFICIENT;
        } else {
            boolean dispersion = disp >= 1 && sigS && sigR, saturation = sat >= 1 && sigH;
            if (dispersion || saturation) {
                verdict = Verdict.COLLAPSED;
                kind = dispersion && (!saturation || disp >= sat) ? CollapseKind.DISPERSION : CollapseKind.SATURATION;
            } else if ((disp >= t.driftFraction() && sigS) || (sat >= t.driftFraction() && sigH)) {
                verdict = Verdict.DRIFTING;
            } else {
                verdict = Verdict.CONSISTENT;
            }
        }
        BaselineDivergence.Divergence d = divergence == null ? null : divergence.overall();
        return new Comparison(dS, dR, dInvR, zS, zR, outside(v.susceptibility(), t), dH, zH,
                hv.ceilingShare() - hb.ceilingShare(), zTop, hv.modeShare() - hb.modeShare(),
                d == null ? Double.NaN : d.divergenceBits(), d == null ? Double.NaN : d.divergenceBitsSe(),
                d == null ? Double.NaN : d.personaFidelity(), d == null ? Double.NaN : d.personaFidelitySe(),
                disp, sat, score, verdict, kind);
    }

    /** Verdict from the band alone, for a target without a baseline. */
    public static Comparison bandOnly(MetricsResult variant, Thresholds t) {
        Estimate e = variant.overall();
        double nan = Double.NaN;
        return new Comparison(nan, nan, nan, nan, nan, outside(e.susceptibility(), t), nan, nan, nan, nan, nan, nan, nan, nan,
                nan, nan, nan, nan, bandVerdict(variant.personas(), e.susceptibility(), e.robustness(), t), null);
    }

    /** Without a baseline: insufficient, else consistent with S inside the band and drifting outside it. */
    public static Verdict bandVerdict(int personas, double s, double r, Thresholds t) {
        return insufficient(personas, s, r, t) ? Verdict.INSUFFICIENT : outside(s, t) ? Verdict.DRIFTING : Verdict.CONSISTENT;
    }

    /** S or R not finite, or fewer retained personas than the minimum. */
    public static boolean insufficient(MetricsResult m, Thresholds t) {
        return insufficient(m.personas(), m.overall().susceptibility(), m.overall().robustness(), t);
    }

    private static boolean insufficient(int personas, double s, double r, Thresholds t) {
        return personas < t.minPersonas() || !Double.isFinite(s) || !Double.isFinite(r);
    }

    private static boolean outside(double s, Thresholds t) {
        return s < t.bandLow() || s > t.bandHigh();
    }

    private static double z(double v, double seV, double b, double seB) {
        double se = Math.sqrt(seV * seV + seB * seB);
        return se > 0 ? (v - b) / se : Double.NaN;
    }
}
