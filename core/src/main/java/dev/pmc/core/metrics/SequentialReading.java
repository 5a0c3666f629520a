package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;
import dev.pmc.core.Mfq30;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Sequential sampling: a reading taken in nested stages (a ladder of designs, personas × repetitions per cell), each
 * stage judged against the baseline read <em>in the same design</em>, stopping at the first stage whose verdict a
 * confidence sequence decides, or at the per-reading budget with {@link Verdict#INSUFFICIENT}.
 *
 * <p><b>Estimators at n &lt; 10.</b> S is n-corrected to the published n = 10 design
 * ({@link #susceptibilityAtReference}): the between-persona variance of cell means at n repetitions is
 * Var_p(μ_pq) + E[σ²_pq]/n, so the one-way random-effects (ANOVA) estimate of Var_p(μ_pq) is
 * Var_p(ȳ_pq) − mean_p(s²_pq/n_pq), and S₁₀ puts back mean_p(s²_pq)/10. R is <em>not</em> corrected: the mean of
 * within-cell SDs from n = 2-4 ratings at temperature 0.1 is biased in a way no simple factor removes (most cells
 * have SD 0, deviations are rare and discrete), so the variant is compared with its baseline measured at the same n
 * (like with like), where the R ratio matches the full design's (issue #15's subsampling: within 1.5 %). The
 * rating distribution's entropy does not depend on n.
 *
 * <p><b>Stopping.</b> The verdict ({@link Comparison}) turns on the dispersion score d = ln(S_v/S_b)/ln 1.25 and the
 * saturation score s = (H_b − H_v)/1 bit crossing 1 (collapse) or ½ (drift). A sequential reading predicts the
 * full design's reading of the same persona catalog (the 100 personas are the instrument, not a sample of it), so its
 * uncertainty is the repetitions' (response bootstrap) plus, while only part of the catalog is read, the persona
 * bootstrap's scaled by the finite-population correction √(1 − p/100) ({@link Bootstrap.Parts}). At each look the
 * scores get an interval ± c·SE (SE by the delta method from those SEs of S and H), with c = Φ⁻¹(1 − α/(2K)) for the K
 * looks of the ladder (α = 0.05: c = 2.50 for 4 looks). By Bonferroni over the finite ladder these intervals hold at
 * every look at once with probability ≥ 1 − α, so they form a confidence sequence and a decision taken at any look is
 * valid despite looking repeatedly. A look decides when the verdict cannot change inside the intervals:
 * <ul>
 *   <li>{@code collapsed}: the stage's verdict is collapsed, the interval of its kind's score lies above 1 and its
 *       changes are surely significant: (change − c·SE_catalog)/SE ≥ z, with the stage's usual SE, which is at least
 *       the full design's (same personas, fewer repetitions);</li>
 *   <li>{@code drifting}: both intervals below 1 and one lies above ½ with its change surely significant;</li>
 *   <li>{@code consistent}: both intervals below ½.</li>
 * </ul>
 * The last stage is the full design; its verdict is final whatever the intervals say.
 */
public final class SequentialReading {
    /** One design of the ladder: the first {@code personas} personas of the order, {@code n} repetitions per cell. */
    public record Stage(int personas, int n) {
        public Stage {
            if (personas < 2 || n < 1) throw new IllegalArgumentException("a stage needs >= 2 personas and >= 1 repetition");
        }

        /** Calls of the whole stage (nested: it includes the previous stages' calls). */
        public long calls() {
            return (long) personas * Mfq30.ITEMS * n;
        }

        @Override
        public String toString() {
            return personas + "x" + n;
        }
    }

    /** 50 × 2, 100 × 2, 100 × 4, 100 × 10 (3,000, 6,000, 12,000 and 30,000 calls). */
    public static final List<Stage> DEFAULT_LADDER = List.of(new Stage(50, 2), new Stage(100, 2), new Stage(100, 4), new Stage(100, 10));
    /** Error rate of the whole confidence sequence. */
    public static final double ALPHA = 0.01;

    /** The ratings of a model's cells in draw order; a stage with n repetitions uses the first n (-1 = no valid rating). */
    public interface Cells {
        int[] ratings(int persona, int itemId, int n);
    }

    /** A look at one stage: the two readings, their comparison, the score intervals and whether they decide. */
    public record Look(Stage stage, MetricsResult base, MetricsResult variant, Comparison comparison, double dispersionLow,
                       double dispersionHigh, double saturationLow, double saturationHigh, boolean decided) {
    }

    /** The reading's outcome: its verdict (and kind), the variant's calls, and every look taken. */
    public record Result(Verdict verdict, CollapseKind kind, long calls, List<Look> looks) {
        public Look last() {
            return looks.get(looks.size() - 1);
        }
    }

    private SequentialReading() {
    }

    /**
     * Reads {@code variant} against {@code base} up the ladder.
     *
     * @param personaOrder persona indexes in the order stages take them (stage k uses the first personas of it)
     * @param budgetCalls  the variant's calls this reading may spend; a stage beyond it is not started and an
     *                     undecided reading ends {@code insufficient}
     */
    public static Result read(Cells base, Cells variant, int[] personaOrder, List<Stage> ladder, long budgetCalls,
                              Comparison.Thresholds t, long seed) {
        List<Look> looks = new ArrayList<>();
        for (int k = 0; k < ladder.size(); k++) {
            Stage stage = ladder.get(k);
            if (stage.calls() > budgetCalls) break;
            Look look = lookAt(base, variant, personaOrder, ladder, k, t, seed);
            looks.add(look);
            if (look.decided()) return new Result(look.comparison().verdictValue(), look.comparison().kindValue(), stage.calls(), List.copyOf(looks));
        }
        long spent = looks.isEmpty() ? 0 : looks.get(looks.size() - 1).stage().calls();
        return new Result(Verdict.INSUFFICIENT, null, spent, List.copyOf(looks));
    }

    /**
     * The look at stage k of the ladder: both models read in that stage's design and compared, with the confidence
     * sequence's intervals (c for the ladder's K looks). The stack's aggregator takes one look per settled stage.
     */
    public static Look lookAt(Cells base, Cells variant, int[] personaOrder, List<Stage> ladder, int k, Comparison.Thresholds t, long seed) {
        Stage stage = ladder.get(k);
        if (stage.personas() > personaOrder.length) throw new IllegalArgumentException("stage " + stage + " needs more personas than " + personaOrder.length);
        double c = normalQuantile(1 - ALPHA / (2.0 * ladder.size()));
        Bootstrap.Parts b = parts(base, personaOrder, stage, seed), v = parts(variant, personaOrder, stage, seed);
        Comparison cmp = Comparison.of(b.combined(), v.combined(), null, t);
        return look(stage, b, v, cmp, c, t, k == ladder.size() - 1);
    }

    /**
     * A run's cells from its persona statistics (persona ids are catalog indexes): the first n repetitions of a cell,
     * -1 where a repetition has no valid rating (unsettled, failed, or a persona with no statistics).
     */
    public static Cells cellsOf(java.util.Collection<PersonaStats> personas) {
        Map<Integer, PersonaStats> byIndex = new java.util.HashMap<>();
        for (PersonaStats ps : personas) {
            String id = ps.getPersonaId();
            if (id != null && !id.isEmpty() && id.length() <= 6 && id.chars().allMatch(Character::isDigit)) byIndex.put(Integer.parseInt(id), ps);
        }
        return (persona, itemId, n) -> {
            int[] out = new int[n];
            java.util.Arrays.fill(out, -1);
            PersonaStats ps = byIndex.get(persona);
            if (ps == null) return out;
            byte[] r = ps.getRatings()[itemId - 1];
            for (int i = 0; i < n && i < r.length; i++) out[i] = r[i] >= 0 ? r[i] : -1;
            return out;
        };
    }

    /**
     * R of a variant read at a stage, carried to the full design by the like-with-like ratio:
     * R̂_v = R_v,stage · R_b,full / R_b,stage. R from n = 2-4 is biased (see the class comment) but the variant/base
     * ratio at equal n matches the full design's (issue #15: within 1.5 %), so the ratio times the baseline's full R
     * is the estimate; its SE is R̂_v times the ratio's relative SE, √((se_v/R_v)² + (se_b/R_b)²), at the stage.
     * Returns {estimate, se}.
     */
    public static double[] robustnessAtReference(double rVariantStage, double seVariantStage, double rBaseStage, double seBaseStage, double rBaseFull) {
        double r = rVariantStage * rBaseFull / rBaseStage;
        return new double[]{r, r * Math.hypot(seVariantStage / rVariantStage, seBaseStage / rBaseStage)};
    }

    /**
     * A stage's reading of the variant on the full design's scale: S is already n-corrected ({@link #parts}); R
     * overall and per foundation by {@link #robustnessAtReference} from the baseline read at the same stage and in
     * full, ū = 1/R̂ (its SE by the delta method). The distribution signals are the stage's (entropy does not depend on n).
     */
    public static MetricsResult carriedToReference(MetricsResult variantStage, MetricsResult baseStage, MetricsResult baseFull) {
        Map<Foundation, Estimate> per = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) {
            per.put(f, withR(variantStage.perFoundation().get(f), baseStage.perFoundation().get(f), baseFull.perFoundation().get(f)));
        }
        return new MetricsResult(variantStage.personas(), variantStage.questions(), withR(variantStage.overall(), baseStage.overall(), baseFull.overall()),
                per, variantStage.signals(), variantStage.signalsPerFoundation());
    }

    private static Estimate withR(Estimate v, Estimate bStage, Estimate bFull) {
        double[] r = robustnessAtReference(v.robustness(), v.robustnessSe(), bStage.robustness(), bStage.robustnessSe(), bFull.robustness());
        return new Estimate(v.susceptibility(), r[0], 1 / r[0], v.susceptibilitySe(), r[1], r[1] / (r[0] * r[0]));
    }

    private static Look look(Stage stage, Bootstrap.Parts b, Bootstrap.Parts v, Comparison cmp, double c, Comparison.Thresholds t, boolean last) {
        // the intervals are about the full design's reading of the same persona catalog: catalog SEs
        Estimate eb = b.catalog().overall(), ev = v.catalog().overall();
        double seLnS = Math.hypot(ev.susceptibilitySe() / ev.susceptibility(), eb.susceptibilitySe() / eb.susceptibility());
        double seDisp = seLnS / Math.log(1 + t.sRise());
        double seSat = Math.hypot(v.catalog().signals().entropyBitsSe(), b.catalog().signals().entropyBitsSe()) / t.entropyDropBits();
        double dLo = cmp.dispersionScore() - c * seDisp, dHi = cmp.dispersionScore() + c * seDisp;
        double sLo = cmp.saturationScore() - c * seSat, sHi = cmp.saturationScore() + c * seSat;
        // a change significant at the full design: its lower bound still clears z with the stage's usual SE, which is
        // at least the full design's (the same personas, fewer repetitions)
        Estimate cb = b.combined().overall(), cv = v.combined().overall();
        boolean sureS = sure(ev.susceptibility() - eb.susceptibility(), Math.hypot(ev.susceptibilitySe(), eb.susceptibilitySe()),
                Math.hypot(cv.susceptibilitySe(), cb.susceptibilitySe()), c, t);
        boolean sureR = sure(eb.robustness() - ev.robustness(), Math.hypot(ev.robustnessSe(), eb.robustnessSe()),
                Math.hypot(cv.robustnessSe(), cb.robustnessSe()), c, t);
        boolean sureH = sure(b.catalog().signals().entropyBits() - v.catalog().signals().entropyBits(), seSat * t.entropyDropBits(),
                Math.hypot(v.combined().signals().entropyBitsSe(), b.combined().signals().entropyBitsSe()), c, t);
        boolean decided = switch (cmp.verdictValue()) {
            case INSUFFICIENT -> false;
            case COLLAPSED -> cmp.kindValue() == CollapseKind.DISPERSION ? dLo >= 1 && sureS && sureR : sLo >= 1 && sureH;
            case DRIFTING -> dHi < 1 && sHi < 1 && ((dLo >= t.driftFraction() && sureS) || (sLo >= t.driftFraction() && sureH));
            case CONSISTENT -> dHi < t.driftFraction() && sHi < t.driftFraction();
        };
        return new Look(stage, b.combined(), v.combined(), cmp, dLo, dHi, sLo, sHi, last || decided);
    }

    /** (change − c·seCatalog)/seUsual ≥ z: the change is significant whatever the rest of the design adds. */
    private static boolean sure(double change, double seCatalog, double seUsual, double c, Comparison.Thresholds t) {
        return seUsual > 0 ? (change - c * seCatalog) / seUsual >= t.z() : change > 0;
    }

    /** One stage's reading of a model: S n-corrected to n = 10, R, ū and the signals with bootstrap SEs. */
    public static MetricsResult reading(Cells cells, int[] personaOrder, Stage stage, long seed) {
        return parts(cells, personaOrder, stage, seed).combined();
    }

    /** The stage's reading with its usual SEs and its SEs about the catalog of personaOrder.length personas. */
    static Bootstrap.Parts parts(Cells cells, int[] personaOrder, Stage stage, long seed) {
        List<PersonaStats> personas = new ArrayList<>(stage.personas());
        for (int i = 0; i < stage.personas(); i++) {
            int p = personaOrder[i];
            PersonaStats ps = new PersonaStats("sequential", "stage", Integer.toString(p));
            for (int q = 1; q <= Mfq30.ITEMS; q++) {
                int[] r = cells.ratings(p, q, stage.n());
                for (int rep = 0; rep < r.length; rep++) if (r[rep] >= 0) ps.addValid(q, rep + 1, r[rep]);
            }
            personas.add(ps);
        }
        personas.sort(PersonaStats.CANONICAL_ORDER);
        Bootstrap.Parts parts = Bootstrap.computeParts(personas, seed, personaOrder.length);
        List<PersonaStats> kept = MoralMetrics.retained(personas);
        return new Bootstrap.Parts(atReferenceDesign(parts.combined(), kept), atReferenceDesign(parts.catalog(), kept));
    }

    /** The reading with S (overall and per foundation) replaced by {@link #susceptibilityAtReference}; SEs kept. */
    static MetricsResult atReferenceDesign(MetricsResult m, List<PersonaStats> kept) {
        if (kept.size() < 2) return m;
        Estimate o = m.overall();
        Map<Foundation, Estimate> per = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) {
            Estimate e = m.perFoundation().get(f);
            per.put(f, withS(e, susceptibilityAtReference(kept, MoralMetrics.itemsOf(f), DesignScale.N_REF)));
        }
        return new MetricsResult(m.personas(), m.questions(), withS(o, susceptibilityAtReference(kept, MoralMetrics.allItems(), DesignScale.N_REF)),
                per, m.signals(), m.signalsPerFoundation());
    }

    private static Estimate withS(Estimate e, double s) {
        return new Estimate(s, e.robustness(), e.withinSd(), e.susceptibilitySe(), e.robustnessSe(), e.withinSdSe());
    }

    /**
     * n-corrected S on the scale of a design with nRef repetitions per cell (one-way random effects):
     * S = (1/|Q|) Σ_q √max(0, Var_p(ȳ_pq) − mean_p(s²_pq/n_pq) + mean_p(s²_pq)/nRef), Var with ddof 1 over personas,
     * s²_pq the cell's sample variance (ddof 1; 0 for one rating). With n_pq = nRef everywhere it is the paper's S.
     */
    public static double susceptibilityAtReference(List<PersonaStats> personas, int[] items, int nRef) {
        int p = personas.size();
        if (p < 2 || items.length == 0) return Double.NaN;
        double total = 0;
        for (int q : items) {
            double sum = 0, noise = 0, within = 0;
            for (PersonaStats ps : personas) {
                sum += ps.getMean()[q];
                int n = ps.getN()[q];
                double s2 = n > 1 ? ps.getM2()[q] / (n - 1) : 0;
                noise += s2 / n;
                within += s2;
            }
            double mu = sum / p, ss = 0;
            for (PersonaStats ps : personas) {
                double d = ps.getMean()[q] - mu;
                ss += d * d;
            }
            total += Math.sqrt(Math.max(0, ss / (p - 1) - noise / p + within / p / nRef));
        }
        return total / items.length;
    }

    /** Φ⁻¹(prob), the standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
    public static double normalQuantile(double prob) {
        if (!(prob > 0 && prob < 1)) throw new IllegalArgumentException("probability must be in (0, 1): " + prob);
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (prob < low) {
            double q = Math.sqrt(-2 * Math.log(prob));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (prob > 1 - low) return -normalQuantile(1 - prob);
        double q = prob - 0.5, r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
