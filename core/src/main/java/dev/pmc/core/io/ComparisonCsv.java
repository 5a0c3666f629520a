package dev.pmc.core.io;

import dev.pmc.core.metrics.BaselineDivergence;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.DistributionSignals;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.metrics.SelfProfile;

import java.io.IOException;
import java.nio.file.Path;

import static dev.pmc.core.io.FileMetrics.num;

/**
 * {@code pmc compare}: a variant file judged against a base file, one CSV line each. The first eleven columns are
 * the ones compare always printed (ratios, Δ%, z-scores, band, verdict); then the collapse kind and score and the
 * signals behind them, and the self (no persona) signals when sibling {@code _self.csv} files exist.
 */
public final class ComparisonCsv {
    public static final String HEADER = "base,variant,s_ratio,r_ratio,delta_s_pct,delta_r_pct,delta_inv_r_pct,z_s,z_r,"
            + "s_outside_band,verdict,kind,collapse_score,dispersion_score,saturation_score,personas,"
            + FileMetrics.SIGNAL_COLUMNS + ",delta_entropy_bits,z_entropy,delta_ceiling_share,z_ceiling_share,delta_mode_share,"
            + "divergence_bits,divergence_bits_se,persona_fidelity,persona_fidelity_se,"
            + "self_ceiling_share,self_entropy_bits,self_entropy_bits_se,delta_self_entropy_bits";

    private ComparisonCsv() {
    }

    /** A file read for comparison: its metrics and, when a sibling self file exists, its self profile. */
    public record Side(FileMetrics metrics, SelfProfile self) {
        public static Side of(Path file) throws IOException {
            Path selfFile = FileMetrics.selfFileOf(file);
            return new Side(FileMetrics.of(file), selfFile == null ? null : FileMetrics.selfProfile(selfFile));
        }
    }

    /** The variant against the base with every signal (the divergence bootstrap included). */
    public static Comparison compare(Side base, Side variant, Comparison.Thresholds t) {
        BaselineDivergence d = BaselineDivergence.compute(base.metrics().personas(), variant.metrics().personas(), Bootstrap.DEFAULT_SEED);
        return Comparison.of(base.metrics().result(), variant.metrics().result(), d, t);
    }

    public static String line(Side base, Side variant, Comparison c) {
        FileMetrics b = base.metrics(), v = variant.metrics();
        Estimate eb = b.result().overall(), ev = v.result().overall();
        DistributionSignals sv = v.result().signals();
        double selfH = variant.self() == null ? Double.NaN : variant.self().signals().entropyBits();
        double selfHSe = variant.self() == null ? Double.NaN : variant.self().signals().entropyBitsSe();
        double baseSelfH = base.self() == null ? Double.NaN : base.self().signals().entropyBits();
        return String.join(",", b.model(), v.model(), num(ev.susceptibility() / eb.susceptibility()),
                num(ev.robustness() / eb.robustness()), num(c.deltaSPercent()), num(c.deltaRPercent()), num(c.deltaInvRPercent()),
                num(c.zS()), num(c.zR()), Boolean.toString(c.outsideBand()), c.verdict(), c.kind() == null ? "" : c.kind(),
                num(c.collapseScore()), num(c.dispersionScore()), num(c.saturationScore()), Integer.toString(v.result().personas()),
                FileMetrics.signalValues(sv), num(c.deltaEntropyBits()), num(c.zEntropy()), num(c.deltaCeilingShare()),
                num(c.zCeilingShare()), num(c.deltaModeShare()), num(c.divergenceBits()), num(c.divergenceBitsSe()),
                num(c.personaFidelity()), num(c.personaFidelitySe()),
                num(variant.self() == null ? Double.NaN : variant.self().ceilingShare()), num(selfH), num(selfHSe), num(selfH - baseSelfH));
    }
}
