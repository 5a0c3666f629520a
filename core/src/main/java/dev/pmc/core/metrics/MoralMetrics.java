package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;
import dev.pmc.core.Mfq30;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The moral susceptibility/robustness equations of arXiv 2511.08565 as pure functions over a
 * persona × item grid of cell means ȳ_pq and cell SDs u_pq of retained personas.
 */
public final class MoralMetrics {
    private MoralMetrics() {
    }

    /**
     * Persona retention: a persona counts only if every item has at least one valid rating.
     * Returns the retained personas in input order.
     */
    public static List<PersonaStats> retained(Collection<PersonaStats> personas) {
        List<PersonaStats> out = new ArrayList<>(personas.size());
        for (PersonaStats p : personas) if (p.complete()) out.add(p);
        return out;
    }

    /**
     * S = (1/|Q|) Σ_q SD_p(ȳ_pq), the SD over personas taken with ddof=1 (two-pass for accuracy).
     * @param means [persona][item] cell means of retained personas
     * @param items 0-based item indexes to average over
     */
    public static double susceptibility(double[][] means, int[] items) {
        int p = means.length;
        if (p < 2 || items.length == 0) return Double.NaN;
        double total = 0;
        for (int q : items) {
            double s = 0;
            for (double[] row : means) s += row[q];
            double mu = s / p;
            double ss = 0;
            for (double[] row : means) {
                double d = row[q] - mu;
                ss += d * d;
            }
            total += Math.sqrt(ss / (p - 1));
        }
        return total / items.length;
    }

    /** ū = (1/(|P||Q|)) Σ_p Σ_q u_pq over the given items; moral robustness is R = 1/ū. */
    public static double withinSd(double[][] sds, int[] items) {
        if (sds.length == 0 || items.length == 0) return Double.NaN;
        double s = 0;
        for (double[] row : sds) for (int q : items) s += row[q];
        return s / ((double) sds.length * items.length);
    }

    private static double s(double[][] means, double[][] variances, int[] items) {
        return variances == null ? susceptibility(means, items) : DesignScale.susceptibility(means, variances, items);
    }

    /** 0-based indexes of the items of a foundation (item q has foundation (q-1) mod 5). */
    public static int[] itemsOf(Foundation f) {
        int[] idx = new int[Mfq30.ITEMS / 5];
        for (int k = 0; k < idx.length; k++) idx[k] = f.ordinal() + 5 * k;
        return idx;
    }

    public static int[] allItems() {
        int[] idx = new int[Mfq30.ITEMS];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        return idx;
    }

    /**
     * S, R and ū overall and per foundation from per-persona streaming statistics, after retention, with the
     * distribution signals of the retained personas' pooled rating histograms.
     */
    public static MetricsResult compute(Collection<PersonaStats> personas) {
        List<PersonaStats> kept = retained(personas);
        double[][] means = new double[kept.size()][];
        double[][] sds = new double[kept.size()][Mfq30.ITEMS];
        boolean exact = kept.stream().anyMatch(PersonaStats::hasExactCells);
        double[][] variances = exact ? new double[kept.size()][Mfq30.ITEMS] : null;
        for (int p = 0; p < kept.size(); p++) {
            PersonaStats ps = kept.get(p);
            means[p] = ps.getMean();
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                // exact (logprob) cells are put on the scale of a sampled reading with n = 10 (DesignScale)
                sds[p][q] = exact ? ps.designSd(q + 1) : ps.cellSd(q + 1);
                if (exact) variances[p][q] = ps.exactVariance(q + 1);
            }
        }
        MetricsResult moments = compute(means, sds, variances);
        double[][] items = itemHistograms(kept);
        Map<Foundation, DistributionSignals> per = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) per.put(f, DistributionSignals.of(RatingDistribution.pooled(items, itemsOf(f))));
        return new MetricsResult(moments.personas(), moments.questions(), moments.overall(), moments.perFoundation(),
                DistributionSignals.of(RatingDistribution.pooled(items, allItems())), per);
    }

    /** Per item, the rating histogram pooled over the given personas (h_qk = Σ_p h_pqk). */
    public static double[][] itemHistograms(Collection<PersonaStats> personas) {
        double[][] h = new double[Mfq30.ITEMS][6];
        for (PersonaStats p : personas) {
            double[][] ph = p.getItemHistogram();
            for (int q = 0; q < Mfq30.ITEMS; q++) for (int k = 0; k < 6; k++) h[q][k] += ph[q][k];
        }
        return h;
    }

    /** S, R and ū overall and per foundation from the grids of retained personas. */
    public static MetricsResult compute(double[][] means, double[][] sds) {
        return compute(means, sds, null);
    }

    /**
     * ... with exact cells' variances σ²_pq when the cells hold distributions (logprob mode): S then takes the
     * within-cell noise a sampled reading at n = 10 would carry ({@link DesignScale#susceptibility}).
     */
    public static MetricsResult compute(double[][] means, double[][] sds, double[][] variances) {
        int[] all = allItems();
        Estimate overall = Estimate.of(s(means, variances, all), withinSd(sds, all));
        Map<Foundation, Estimate> per = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) {
            int[] items = itemsOf(f);
            per.put(f, Estimate.of(s(means, variances, items), withinSd(sds, items)));
        }
        return new MetricsResult(means.length, Mfq30.ITEMS, overall, per);
    }
}
