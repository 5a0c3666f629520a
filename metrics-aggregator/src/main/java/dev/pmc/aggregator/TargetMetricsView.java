package dev.pmc.aggregator;

import dev.pmc.core.Foundation;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.metrics.BaselineDivergence;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.DistributionSignals;
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
    /**
     * The costly parts of a reading: estimates with standard errors for a target's run (may return a cached, older
     * result or null), the self profile of a self run, and the divergence of a variant's run from its baseline's.
     * The service caches them; the defaults compute them directly.
     */
    public interface Uncertainty {
        Estimated estimate(String target, String runId, List<PersonaStats> personasInCanonicalOrder, long validRatings);

        default SelfProfile selfProfile(String target, String runId, PersonaStats self) {
            return SelfProfile.of(self);
        }

        default BaselineDivergence divergence(String target, String runId, List<PersonaStats> variant, String baseline,
                                              String baselineRunId, List<PersonaStats> base) {
            return BaselineDivergence.compute(base, variant, Bootstrap.DEFAULT_SEED);
        }
    }

    /** A target's metrics with what its verdict needs: the reading with SEs and the personas behind it. */
    record Built(TargetMetrics metrics, MetricsResult reading, List<PersonaStats> personas) {
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
        Map<String, Built> out = new TreeMap<>();
        byTargetRun.forEach((target, runs) -> out.put(target, target(target, runs, uncertainty, completion, window)));
        // verdicts need every target's reading first
        Map<String, TargetMetrics> withVerdicts = new TreeMap<>();
        out.forEach((target, m) -> {
            String baseline = baselineOf.apply(target);
            withVerdicts.put(target, withVerdict(m, baseline == null ? null : out.get(baseline), baseline, thresholds, uncertainty));
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

    static Built target(String target, Map<String, List<PersonaStats>> runs, Uncertainty uncertainty,
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
            SelfProfile sp = uncertainty.selfProfile(target, latestSelfRun, runs.get(latestSelfRun).get(0));
            Map<String, Double> means = new TreeMap<>(), ses = new TreeMap<>();
            sp.foundationMean().forEach((f, v) -> means.put(f.key, v));
            sp.foundationMeanSe().forEach((f, v) -> ses.put(f.key, v));
            selfView = new TargetMetrics.SelfView(latestSelfRun, sp.ratings(), sp.ceilingShare(), means, ses, sp.signals());
        }
        if (latestPersonaRun == null) {
            double nan = Double.NaN;
            return new Built(new TargetMetrics(target, null, 0, 0, nan, nan, nan, nan, nan, nan, 0, null, List.of(), null, 0, totals,
                    selfView, summaries, rolling), null, List.of());
        }
        List<PersonaStats> personas = runs.get(latestPersonaRun);
        long counted = personas.stream().mapToLong(PersonaStats::validCount).sum();
        MetricsResult point = MoralMetrics.compute(personas);
        Estimated est = uncertainty.estimate(target, latestPersonaRun, personas, counted);
        MetricsResult reading = withSes(point, est == null ? null : est.result());
        List<TargetMetrics.FoundationMetrics> fm = new ArrayList<>();
        for (Foundation f : Foundation.values()) {
            Estimate e = reading.perFoundation().get(f);
            fm.add(new TargetMetrics.FoundationMetrics(f.key, f.label, e.susceptibility(), e.susceptibilitySe(),
                    e.robustness(), e.robustnessSe(), e.withinSd(), e.withinSdSe(), reading.signalsPerFoundation().get(f),
                    Double.NaN, Double.NaN));
        }
        Estimate o = reading.overall();
        return new Built(new TargetMetrics(target, latestPersonaRun, point.personas(), point.questions(),
                o.susceptibility(), o.susceptibilitySe(), o.robustness(), o.robustnessSe(),
                o.withinSd(), o.withinSdSe(), est == null ? 0 : est.validRatings(), reading.signals(),
                fm, null, counted, totals, selfView, summaries, rolling), reading, personas);
    }

    /** Point values with the SEs of a (possibly older) bootstrap result of the same run; NaN SEs without one. */
    static MetricsResult withSes(MetricsResult point, MetricsResult se) {
        if (se == null) return point;
        Map<Foundation, Estimate> per = new java.util.EnumMap<>(Foundation.class);
        Map<Foundation, DistributionSignals> sig = new java.util.EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) {
            per.put(f, withSe(point.perFoundation().get(f), se.perFoundation().get(f)));
            sig.put(f, withSe(point.signalsPerFoundation().get(f), se.signalsPerFoundation().get(f)));
        }
        return new MetricsResult(point.personas(), point.questions(), withSe(point.overall(), se.overall()), per,
                withSe(point.signals(), se.signals()), sig);
    }

    private static Estimate withSe(Estimate p, Estimate s) {
        return new Estimate(p.susceptibility(), p.robustness(), p.withinSd(), s.susceptibilitySe(), s.robustnessSe(), s.withinSdSe());
    }

    private static DistributionSignals withSe(DistributionSignals p, DistributionSignals s) {
        return new DistributionSignals(p.ceilingShare(), s.ceilingShareSe(), p.floorShare(), s.floorShareSe(),
                p.entropyBits(), s.entropyBitsSe(), p.modeShare(), s.modeShareSe());
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

    static TargetMetrics withVerdict(Built built, Built base, String baseline, Comparison.Thresholds t, Uncertainty uncertainty) {
        TargetMetrics m = built.metrics();
        if (m.runId() == null) return m;
        boolean against = base != null && base.metrics().runId() != null && !base.metrics().target().equals(m.target());
        BaselineDivergence d = against ? uncertainty.divergence(m.target(), m.runId(), built.personas(), base.metrics().target(),
                base.metrics().runId(), base.personas()) : null;
        Comparison c = against ? Comparison.of(base.reading(), built.reading(), d, t) : Comparison.bandOnly(built.reading(), t);
        TargetMetrics.Verdict v = new TargetMetrics.Verdict(base == null ? baseline : base.metrics().target(),
                against ? base.metrics().runId() : null, c.deltaSPercent(), c.deltaRPercent(), c.deltaInvRPercent(), c.zS(), c.zR(),
                c.outsideBand(), t.bandLow(), t.bandHigh(), c.deltaEntropyBits(), c.zEntropy(), c.deltaCeilingShare(),
                c.zCeilingShare(), c.deltaModeShare(), c.divergenceBits(), c.divergenceBitsSe(), c.personaFidelity(),
                c.personaFidelitySe(), c.dispersionScore(), c.saturationScore(), c.collapseScore(), c.verdict(), c.kind());
        List<TargetMetrics.FoundationMetrics> fm = m.foundations();
        if (d != null) {
            fm = new ArrayList<>();
            for (TargetMetrics.FoundationMetrics f : m.foundations()) {
                BaselineDivergence.Divergence fd = d.perFoundation().get(Foundation.byKeyOrLabel(f.foundation()));
                fm.add(new TargetMetrics.FoundationMetrics(f.foundation(), f.label(), f.susceptibility(), f.susceptibilitySe(),
                        f.robustness(), f.robustnessSe(), f.withinSd(), f.withinSdSe(), f.signals(), fd.divergenceBits(), fd.personaFidelity()));
            }
        }
        return new TargetMetrics(m.target(), m.runId(), m.personas(), m.questions(), m.susceptibility(), m.susceptibilitySe(),
                m.robustness(), m.robustnessSe(), m.withinSd(), m.withinSdSe(), m.seRatings(), m.signals(), fm, v,
                m.ratingsCounted(), m.ratingsTotal(), m.self(), m.runs(), m.rolling());
    }
}
