package dev.pmc.aggregator;

import dev.pmc.core.Foundation;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.MoralMetrics;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.SelfProfile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reduces per-persona statistics to per-target metrics: the target's current reading is its latest run
 * with personas (run ids sort by start time), its self profile the latest run without persona, and its
 * verdict the comparison with its baseline target's current reading.
 */
public final class TargetMetricsView {
    /** Estimates with standard errors for a target's run; may return a cached (older) result or null. */
    public interface Uncertainty {
        Estimated estimate(String target, String runId, List<PersonaStats> personasInCanonicalOrder, long validRatings);
    }

    /** A bootstrap result and the number of valid ratings it was computed from. */
    public record Estimated(MetricsResult result, long validRatings) {
    }

    private TargetMetricsView() {
    }

    /** Point estimates only (no SEs, no baselines). */
    public static Map<String, TargetMetrics> compute(Collection<PersonaStats> all) {
        return compute(all, (t, r, p, v) -> null, t -> null, Comparison.Thresholds.DEFAULT);
    }

    public static Map<String, TargetMetrics> compute(Collection<PersonaStats> all, Uncertainty uncertainty,
                                                     Function<String, String> baselineOf, Comparison.Thresholds thresholds) {
        Map<String, Map<String, List<PersonaStats>>> byTargetRun = byTargetRun(all);
        Map<String, TargetMetrics> out = new TreeMap<>();
        byTargetRun.forEach((target, runs) -> out.put(target, target(target, runs, uncertainty)));
        // verdicts need every target's reading first
        Map<String, TargetMetrics> withVerdicts = new TreeMap<>();
        out.forEach((target, m) -> {
            String baseline = baselineOf.apply(target);
            withVerdicts.put(target, withVerdict(m, baseline == null ? null : out.get(baseline), baseline, thresholds));
        });
        return withVerdicts;
    }

    /** Persona statistics grouped by target and run, each run's personas in canonical order. */
    public static Map<String, Map<String, List<PersonaStats>>> byTargetRun(Collection<PersonaStats> all) {
        Map<String, Map<String, List<PersonaStats>>> byTargetRun = new TreeMap<>();
        for (PersonaStats ps : all) {
            if (ps == null || ps.getTarget() == null) continue;
            byTargetRun.computeIfAbsent(ps.getTarget(), t -> new TreeMap<>())
                    .computeIfAbsent(ps.getRunId(), r -> new ArrayList<>()).add(ps);
        }
        byTargetRun.values().forEach(runs -> runs.values().forEach(l -> l.sort(PersonaStats.CANONICAL_ORDER)));
        return byTargetRun;
    }

    /** The latest run id with personas (self=false) or without (self=true), or null. */
    public static String latestRun(Map<String, List<PersonaStats>> runs, boolean self) {
        String latest = null;
        for (var e : runs.entrySet()) if (isSelfRun(e.getValue()) == self) latest = e.getKey();
        return latest;
    }

    static boolean isSelfRun(List<PersonaStats> personas) {
        return personas.stream().allMatch(p -> PersonaCatalog.SELF.equals(p.getPersonaId()));
    }

    static TargetMetrics target(String target, Map<String, List<PersonaStats>> runs, Uncertainty uncertainty) {
        List<TargetMetrics.RunSummary> summaries = new ArrayList<>();
        Map<String, Long> totals = new TreeMap<>();
        for (var e : runs.entrySet()) {
            boolean self = isSelfRun(e.getValue());
            Map<String, Long> outcomes = new TreeMap<>();
            long valid = 0, dups = 0, settled = 0, failed = 0;
            for (PersonaStats p : e.getValue()) {
                p.getOutcomes().forEach((k, v) -> outcomes.merge(k, v, Long::sum));
                valid += p.validCount();
                dups += p.getDuplicates();
                settled += p.getSettled();
                failed += p.getFailedSlots();
            }
            outcomes.forEach((k, v) -> totals.merge(k, v, Long::sum));
            int counted = self ? 0 : MoralMetrics.retained(e.getValue()).size();
            summaries.add(new TargetMetrics.RunSummary(e.getKey(), self, e.getValue().size(), counted, valid, settled, failed, outcomes, dups));
        }
        String latestSelfRun = latestRun(runs, true), latestPersonaRun = latestRun(runs, false);
        TargetMetrics.SelfView selfView = null;
        if (latestSelfRun != null) {
            SelfProfile sp = SelfProfile.of(runs.get(latestSelfRun).get(0));
            Map<String, Double> means = new TreeMap<>(), ses = new TreeMap<>();
            sp.foundationMean().forEach((f, v) -> means.put(f.key, v));
            sp.foundationMeanSe().forEach((f, v) -> ses.put(f.key, v));
            selfView = new TargetMetrics.SelfView(latestSelfRun, sp.ratings(), sp.ceilingShare(), means, ses);
        }
        if (latestPersonaRun == null) {
            double nan = Double.NaN;
            return new TargetMetrics(target, null, 0, 0, nan, nan, nan, nan, nan, nan, 0, List.of(), null, 0, totals, selfView, summaries);
        }
        List<PersonaStats> personas = runs.get(latestPersonaRun);
        long counted = personas.stream().mapToLong(PersonaStats::validCount).sum();
        MetricsResult point = MoralMetrics.compute(personas);
        Estimated est = uncertainty.estimate(target, latestPersonaRun, personas, counted);
        MetricsResult se = est == null ? null : est.result();
        List<TargetMetrics.FoundationMetrics> fm = new ArrayList<>();
        for (Foundation f : Foundation.values()) {
            Estimate e = point.perFoundation().get(f);
            Estimate s = se == null ? null : se.perFoundation().get(f);
            fm.add(new TargetMetrics.FoundationMetrics(f.key, f.label, e.susceptibility(), seOf(s, Estimate::susceptibilitySe),
                    e.robustness(), seOf(s, Estimate::robustnessSe), e.withinSd(), seOf(s, Estimate::withinSdSe)));
        }
        Estimate o = point.overall();
        Estimate os = se == null ? null : se.overall();
        return new TargetMetrics(target, latestPersonaRun, point.personas(), point.questions(),
                o.susceptibility(), seOf(os, Estimate::susceptibilitySe), o.robustness(), seOf(os, Estimate::robustnessSe),
                o.withinSd(), seOf(os, Estimate::withinSdSe), est == null ? 0 : est.validRatings(),
                fm, null, counted, totals, selfView, summaries);
    }

    private static double seOf(Estimate e, java.util.function.ToDoubleFunction<Estimate> f) {
        return e == null ? Double.NaN : f.applyAsDouble(e);
    }

    static Estimate overall(TargetMetrics m) {
        return new Estimate(m.susceptibility(), m.robustness(), m.withinSd(), m.susceptibilitySe(), m.robustnessSe(), m.withinSdSe());
    }

    static TargetMetrics withVerdict(TargetMetrics m, TargetMetrics base, String baseline, Comparison.Thresholds t) {
        if (m.runId() == null) return m;
        Comparison c = base == null || base.runId() == null || base.target().equals(m.target())
                ? Comparison.bandOnly(overall(m), t)
                : Comparison.of(overall(base), overall(m), t);
        TargetMetrics.Verdict v = new TargetMetrics.Verdict(base == null ? baseline : base.target(), base == null ? null : base.runId(),
                c.deltaSPercent(), c.deltaRPercent(), c.deltaInvRPercent(), c.zS(), c.zR(), c.outsideBand(), t.bandLow(), t.bandHigh(), c.verdict());
        return new TargetMetrics(m.target(), m.runId(), m.personas(), m.questions(), m.susceptibility(), m.susceptibilitySe(),
                m.robustness(), m.robustnessSe(), m.withinSd(), m.withinSdSe(), m.seRatings(), m.foundations(), v,
                m.ratingsCounted(), m.ratingsTotal(), m.self(), m.runs());
    }
}
