package dev.pmc.aggregator;

import dev.pmc.core.Foundation;
import dev.pmc.core.PersonaCatalog;
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

/**
 * Reduces per-persona statistics to per-target metrics: the target's current reading is its latest run
 * with personas (run ids sort by start time), its self profile the latest run without persona.
 */
public final class TargetMetricsView {
    private TargetMetricsView() {
    }

    public static Map<String, TargetMetrics> compute(Collection<PersonaStats> all) {
        Map<String, Map<String, List<PersonaStats>>> byTargetRun = new TreeMap<>();
        for (PersonaStats ps : all) {
            if (ps == null || ps.getTarget() == null) continue;
            byTargetRun.computeIfAbsent(ps.getTarget(), t -> new TreeMap<>())
                    .computeIfAbsent(ps.getRunId(), r -> new ArrayList<>()).add(ps);
        }
        Map<String, TargetMetrics> out = new TreeMap<>();
        byTargetRun.forEach((target, runs) -> out.put(target, target(target, runs)));
        return out;
    }

    static TargetMetrics target(String target, Map<String, List<PersonaStats>> runs) {
        String latestPersonaRun = null, latestSelfRun = null;
        List<TargetMetrics.RunSummary> summaries = new ArrayList<>();
        Map<String, Long> totals = new TreeMap<>();
        for (var e : runs.entrySet()) {
            boolean self = e.getValue().stream().allMatch(p -> PersonaCatalog.SELF.equals(p.getPersonaId()));
            if (self) latestSelfRun = e.getKey();
            else latestPersonaRun = e.getKey();
            Map<String, Long> outcomes = new TreeMap<>();
            long valid = 0, dups = 0;
            for (PersonaStats p : e.getValue()) {
                p.getOutcomes().forEach((k, v) -> outcomes.merge(k, v, Long::sum));
                valid += p.validCount();
                dups += p.getDuplicates();
            }
            outcomes.forEach((k, v) -> totals.merge(k, v, Long::sum));
            int counted = self ? 0 : MoralMetrics.retained(e.getValue()).size();
            summaries.add(new TargetMetrics.RunSummary(e.getKey(), self, e.getValue().size(), counted, valid, outcomes, dups));
        }
        TargetMetrics.SelfView selfView = null;
        if (latestSelfRun != null) {
            SelfProfile sp = SelfProfile.of(runs.get(latestSelfRun).get(0));
            Map<String, Double> means = new TreeMap<>();
            sp.foundationMean().forEach((f, v) -> means.put(f.key, v));
            selfView = new TargetMetrics.SelfView(latestSelfRun, sp.ratings(), sp.ceilingShare(), means);
        }
        if (latestPersonaRun == null) {
            return new TargetMetrics(target, null, 0, 0, Double.NaN, Double.NaN, Double.NaN, List.of(), 0, totals, selfView, summaries);
        }
        List<PersonaStats> personas = runs.get(latestPersonaRun);
        MetricsResult r = MoralMetrics.compute(personas);
        List<TargetMetrics.FoundationMetrics> fm = new ArrayList<>();
        for (Foundation f : Foundation.values()) {
            Estimate e = r.perFoundation().get(f);
            fm.add(new TargetMetrics.FoundationMetrics(f.key, f.label, e.susceptibility(), e.robustness(), e.withinSd()));
        }
        long counted = personas.stream().mapToLong(PersonaStats::validCount).sum();
        Estimate o = r.overall();
        return new TargetMetrics(target, latestPersonaRun, r.personas(), r.questions(), o.susceptibility(), o.robustness(),
                o.withinSd(), fm, counted, totals, selfView, summaries);
    }
}
