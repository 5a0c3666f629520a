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
 * Reduces per-persona statistics to per-target metrics: the target's current reading is its latest complete run
 * with personas (run ids sort by start time), so a half-finished run never replaces a good reading; its self
 * profile the latest complete run without persona; its verdict the comparison with its baseline target's
 * current reading; its rolling view the mean S and R over its last K complete persona runs (within T hours).
 */
public final class TargetMetricsView {
    /** Which runs are complete, and how many slots a run has (null = not announced). */
    public interface Completion {
        boolean complete(String runId, long settledSlots);

        Long slots(String runId);

        Completion ALWAYS = new Completion() {
            public boolean complete(String runId, long settledSlots) {
                return true;
            }

            public Long slots(String runId) {
                return null;
            }
        };
    }

    /** The rolling window: the last {@code runs} complete persona runs, only those started within {@code hours} (0 = any). */
    public record Window(int runs, double hours) {
        public static final Window DEFAULT = new Window(3, 0);
    }
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
        return compute(all, (t, r, p, v) -> null, t -> null, Comparison.Thresholds.DEFAULT, Completion.ALWAYS, Window.DEFAULT);
    }

    public static Map<String, TargetMetrics> compute(Collection<PersonaStats> all, Uncertainty uncertainty,
                                                     Function<String, String> baselineOf, Comparison.Thresholds thresholds,
                                                     Completion completion, Window window) {
        Map<String, Map<String, List<PersonaStats>>> byTargetRun = byTargetRun(all);
        Map<String, TargetMetrics> out = new TreeMap<>();
        byTargetRun.forEach((target, runs) -> out.put(target, target(target, runs, uncertainty, completion, window)));
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

    static TargetMetrics target(String target, Map<String, List<PersonaStats>> runs, Uncertainty uncertainty,
                                Completion completion, Window window) {
        List<TargetMetrics.RunSummary> summaries = new ArrayList<>();
        Map<String, Long> totals = new TreeMap<>();
        java.util.Set<String> completeRuns = new java.util.TreeSet<>();
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
            boolean complete = completion.complete(e.getKey(), settled);
            if (complete) completeRuns.add(e.getKey());
            // per-run point estimates of complete persona runs: the history the live page and rolling view show
            Estimate point = complete && !self ? MoralMetrics.compute(e.getValue()).overall() : null;
            summaries.add(new TargetMetrics.RunSummary(e.getKey(), self, e.getValue().size(), counted, valid, settled, failed, outcomes, dups,
                    completion.slots(e.getKey()), complete, point == null ? Double.NaN : point.susceptibility(),
                    point == null ? Double.NaN : point.robustness()));
        }
        Map<String, List<PersonaStats>> complete = new TreeMap<>(runs);
        complete.keySet().retainAll(completeRuns);
        String latestSelfRun = latestRun(complete, true), latestPersonaRun = latestRun(complete, false);
        TargetMetrics.Rolling rolling = rolling(summaries, window);
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
            return new TargetMetrics(target, null, 0, 0, nan, nan, nan, nan, nan, nan, 0, List.of(), null, 0, totals, selfView, summaries, rolling);
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
                fm, null, counted, totals, selfView, summaries, rolling);
    }

    /**
     * Mean S and R over the last {@code window.runs()} complete persona runs (started within window.hours()),
     * from the per-run readings already in the run summaries (oldest first).
     */
    static TargetMetrics.Rolling rolling(List<TargetMetrics.RunSummary> summaries, Window window) {
        long cutoff = window.hours() > 0 ? System.currentTimeMillis() - (long) (window.hours() * 3_600_000) : Long.MIN_VALUE;
        List<String> used = new ArrayList<>();
        double s = 0, r = 0;
        for (int i = summaries.size() - 1; i >= 0 && used.size() < window.runs(); i--) {
            TargetMetrics.RunSummary run = summaries.get(i);
            if (!run.complete() || run.self()) continue;
            Long started = startedAtMs(run.runId());
            if (started != null && started < cutoff) break;
            if (Double.isNaN(run.susceptibility())) continue;
            used.add(0, run.runId());
            s += run.susceptibility();
            r += run.robustness();
        }
        int k = used.size();
        return new TargetMetrics.Rolling(window.runs(), window.hours(), used, k == 0 ? Double.NaN : s / k, k == 0 ? Double.NaN : r / k);
    }

    /** Start time encoded in a generator run id (20261123T123000123Z-4f2a), or null for other ids. */
    static Long startedAtMs(String runId) {
        try {
            return java.time.LocalDateTime.parse(runId.substring(0, 18), java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS"))
                    .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        } catch (RuntimeException e) {
            return null;
        }
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
                m.ratingsCounted(), m.ratingsTotal(), m.self(), m.runs(), m.rolling());
    }
}
