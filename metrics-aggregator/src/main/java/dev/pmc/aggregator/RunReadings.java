package dev.pmc.aggregator;

import dev.pmc.core.Foundation;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.Verdict;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.io.InstrumentMetrics;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.io.SelfReport;
import dev.pmc.core.Mfq30;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pure parts of a target's reading, apart from the view's caching: runs grouped and chosen, the rolling window,
 * the rating shares, other instruments' readings and the probe's self report.
 */
final class RunReadings {
    private RunReadings() {
    }

    /** Share of the valid ratings on each value 0..5 over the personas' items (the rating distribution's picture). */
    static List<Double> ratingShares(List<PersonaStats> personas) {
        long[] n = new long[Mfq30.MAX_RATING + 1];
        long total = 0;
        for (PersonaStats p : personas) {
            for (int q = 1; q <= p.items(); q++) {
                for (byte v : p.values(q)) {
                    if (v >= 0 && v < n.length) {
                        n[v]++;
                        total++;
                    }
                }
            }
        }
        List<Double> out = new ArrayList<>();
        for (long c : n) out.add(total == 0 ? Double.NaN : c / (double) total);
        return out;
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

    /** The latest MFQ-30 run id with personas (self=false) or without (self=true), or null. */
    public static String latestRun(Map<String, List<PersonaStats>> runs, boolean self) {
        String latest = null;
        for (var e : runs.entrySet()) {
            boolean mfq = e.getValue().isEmpty() || Instruments.isDefault(e.getValue().get(0).getInstrument());
            if (mfq && isSelfRun(e.getValue()) == self) latest = e.getKey();
        }
        return latest;
    }

    static boolean isSelfRun(List<PersonaStats> personas) {
        return personas.stream().allMatch(p -> PersonaCatalog.SELF.equals(p.getPersonaId()));
    }

    /**
     * Mean S and R over the last {@code window.runs()} complete persona runs (started within window.hours()),
     * from the per-run readings already in the run summaries (oldest first).
     */
    static TargetMetrics.Rolling rolling(List<TargetMetrics.RunSummary> summaries, TargetMetricsView.Window window) {
        long cutoff = window.hours() > 0 ? System.currentTimeMillis() - (long) (window.hours() * 3_600_000) : Long.MIN_VALUE;
        List<String> used = new ArrayList<>();
        double s = 0, r = 0;
        for (int i = summaries.size() - 1; i >= 0 && used.size() < window.runs(); i--) {
            TargetMetrics.RunSummary run = summaries.get(i);
            if (!run.complete() || run.self() || !Instruments.isDefault(run.instrument())) continue;
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

    /** The probe's self report against the behavioural verdict, or null without a probe reading. */
    static String selfReport(Map<String, TargetMetrics.InstrumentReading> instruments, Verdict verdict) {
        TargetMetrics.InstrumentReading probe = instruments == null ? null : instruments.get(Instruments.SELF_PROBE);
        Instrument in = Instruments.find(Instruments.SELF_PROBE);
        if (probe == null || probe.claim() == null || in == null) return null;
        return SelfReport.classify(verdict, new SelfReport.Score(probe.claim(), probe.claimSe(), probe.validRatings()), in).wire();
    }

    static Map<String, TargetMetrics.InstrumentReading> withSelfReport(Map<String, TargetMetrics.InstrumentReading> instruments, String report) {
        TargetMetrics.InstrumentReading p = instruments.get(Instruments.SELF_PROBE);
        if (p == null || report == null) return instruments;
        Map<String, TargetMetrics.InstrumentReading> out = new TreeMap<>(instruments);
        out.put(Instruments.SELF_PROBE, new TargetMetrics.InstrumentReading(p.instrument(), p.runId(), p.groupKind(), p.personas(), p.validRatings(),
                p.invalidRatings(), p.groups(), p.claim(), p.claimSe(), report));
        return out;
    }

    /** A persona's valid ratings, cells[q] = those of item q+1 in repetition order. */
    static int[][] cells(PersonaStats p) {
        int[][] c = new int[p.items()][];
        for (int q = 0; q < c.length; q++) {
            byte[] v = p.values(q + 1);
            c[q] = new int[v.length];
            for (int i = 0; i < v.length; i++) c[q][i] = v[i];
        }
        return c;
    }

    /** Another instrument's latest complete run as reported: its groups' estimates, or the probe's claim. */
    static TargetMetrics.InstrumentReading instrumentReading(TargetMetricsView.RunView v) {
        Instrument in = Instruments.find(v.summary().instrument());
        long invalid = v.summary().calls() - v.validRatings();
        if (v.probeScore() != null) {
            SelfReport.Score s = v.probeScore();
            return new TargetMetrics.InstrumentReading(in.name(), v.summary().runId(), in.groupKind(), 0, s.ratings(), invalid, List.of(),
                    s.keyedMean(), s.se(), null);
        }
        InstrumentMetrics.Reading r = v.instrumentReading();
        List<TargetMetrics.GroupReading> groups = new ArrayList<>();
        Map<String, String> labels = new java.util.HashMap<>();
        for (Instrument.Group g : in.groups()) labels.put(g.key(), g.label());
        r.groups().forEach((key, e) -> groups.add(new TargetMetrics.GroupReading(key, labels.getOrDefault(key, "All items"), e.susceptibility(),
                e.susceptibilitySe(), e.robustness(), e.robustnessSe(), e.withinSd(), e.withinSdSe(), e.score(), e.scoreSe())));
        return new TargetMetrics.InstrumentReading(in.name(), v.summary().runId(), in.groupKind(), r.personas(), r.validRatings(),
                r.invalidRatings(), groups, null, null, null);
    }

    /** MFQ-30's reading in the instruments' form (foundations as groups; its keyed score is not part of the method). */
    static TargetMetrics.InstrumentReading mfqReading(TargetMetricsView.RunView v, MetricsResult reading) {
        List<TargetMetrics.GroupReading> groups = new ArrayList<>();
        Estimate o = reading.overall();
        groups.add(new TargetMetrics.GroupReading("all", "All items", o.susceptibility(), o.susceptibilitySe(), o.robustness(), o.robustnessSe(),
                o.withinSd(), o.withinSdSe(), Double.NaN, Double.NaN));
        for (Foundation f : Foundation.values()) {
            Estimate e = reading.perFoundation().get(f);
            groups.add(new TargetMetrics.GroupReading(f.key, f.label, e.susceptibility(), e.susceptibilitySe(), e.robustness(), e.robustnessSe(),
                    e.withinSd(), e.withinSdSe(), Double.NaN, Double.NaN));
        }
        return new TargetMetrics.InstrumentReading(Instruments.DEFAULT, v.summary().runId(), "foundation", reading.personas(), v.validRatings(),
                v.summary().calls() - v.validRatings(), groups, null, null, null);
    }
}
