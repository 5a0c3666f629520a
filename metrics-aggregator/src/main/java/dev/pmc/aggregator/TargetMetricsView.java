package dev.pmc.aggregator;

import dev.pmc.core.Foundation;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.metrics.BaselineDivergence;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.MoralMetrics;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.SelfProfile;
import dev.pmc.core.metrics.Verdict;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.io.InstrumentMetrics;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.io.SelfReport;
import dev.pmc.core.Mfq30;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.RunDecision;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Reduces per-persona statistics to per-target metrics. A target's current reading is its latest complete run with
 * personas (run ids sort by start time), so a half-finished run never replaces a good reading; its self profile the
 * latest complete run without persona; its verdict the comparison with its baseline target's current reading; its
 * rolling view the mean S and R over its last K complete persona runs (within T hours).
 *
 * <p>The view is computed every refresh but each run's numbers only when the run changed: summaries are cached by the
 * run's change counter, and a complete run's bootstrap SEs, self profile and divergence from its baseline are
 * computed once (keyed by the valid ratings they cover), so the cost of a refresh does not grow with the runs kept.
 */
public final class TargetMetricsView {
    private static final Logger LOG = Logger.getLogger(TargetMetricsView.class);

    /** Which runs are complete, and how many slots a run has (null = not announced). */
    public interface Completion {
        boolean complete(String runId, long settledSlots);

        Long slots(String runId);

        /** The latest stage decision of a sequential run (null: none, or not sequential). */
        default RunDecision decision(String runId) {
            return null;
        }

        /** A sequential run that stopped before its full design: its reading carried to the full design and its comparison. */
        default Stopped stopped(String runId) {
            return null;
        }

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

    /** A sequential run's reading at the stage it stopped at (S n-corrected, R by the like-with-like ratio) and its comparison. */
    public record Stopped(MetricsResult reading, Comparison comparison) {
    }

    /** A bootstrap result and the number of valid ratings it was computed from. */
    public record Estimated(MetricsResult result, long validRatings) {
    }

    /** One run as the view last computed it: its summary, and for a complete persona run its reading with SEs. */
    record RunView(long version, TargetMetrics.RunSummary summary, List<PersonaStats> personas, MetricsResult reading,
                   long validRatings, SelfProfile self, Comparison sequential, InstrumentMetrics.Reading instrumentReading,
                   SelfReport.Score probeScore) {
        boolean mfq() {
            return Instruments.isDefault(summary.instrument());
        }
    }

    private final long seed;
    private final Map<String, RunView> runs = new ConcurrentHashMap<>();
    private final Map<String, BaselineDivergence> divergences = new ConcurrentHashMap<>();
    /** Rating counts per outcome of runs no longer held (retention), so pmc_ratings_total never decreases. */
    private final Map<String, Map<String, Long>> expiredTotals = new ConcurrentHashMap<>();
    private long computations;

    public TargetMetricsView(long seed) {
        this.seed = seed;
    }

    /** Point estimates of complete runs, no SEs needed by the caller: a throwaway view over a collection. */
    public static Map<String, TargetMetrics> compute(Collection<PersonaStats> all) {
        return compute(all, t -> null, Comparison.Thresholds.DEFAULT, Completion.ALWAYS, Window.DEFAULT);
    }

    /** A throwaway view over a collection of persona statistics (tests, offline use). */
    public static Map<String, TargetMetrics> compute(Collection<PersonaStats> all, Function<String, String> baselineOf,
                                                     Comparison.Thresholds thresholds, Completion completion, Window window) {
        Map<String, Map<String, PersonaIndex.Snapshot>> byTarget = new TreeMap<>();
        byTargetRun(all).forEach((target, runs) -> {
            Map<String, PersonaIndex.Snapshot> m = new TreeMap<>();
            runs.forEach((id, personas) -> m.put(id, new PersonaIndex.Snapshot(id, 0, personas)));
            byTarget.put(target, m);
        });
        return new TargetMetricsView(Bootstrap.DEFAULT_SEED).compute(byTarget, byTarget.keySet(), baselineOf, thresholds, completion, window);
    }

    /**
     * Every listed target's metrics from its runs (targets without data get an empty reading), verdicts after all
     * readings. Runs no longer present are dropped from the caches.
     */
    public Map<String, TargetMetrics> compute(Map<String, Map<String, PersonaIndex.Snapshot>> byTarget, Set<String> targets,
                                              Function<String, String> baselineOf, Comparison.Thresholds thresholds,
                                              Completion completion, Window window) {
        Set<String> present = new java.util.HashSet<>();
        Map<String, Built> built = new TreeMap<>();
        for (String target : targets) {
            Map<String, PersonaIndex.Snapshot> runsOf = byTarget.getOrDefault(target, Map.of());
            runsOf.keySet().forEach(id -> present.add(target + "|" + id));
            built.put(target, target(target, runsOf, completion, window));
        }
        // runs that left the index (expired, or their target deleted): keep their outcome counts, drop their caches
        for (var it = runs.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (present.contains(e.getKey())) continue;
            String target = e.getKey().substring(0, e.getKey().indexOf('|'));
            if (targets.contains(target)) {
                e.getValue().summary().outcomes().forEach((k, v) -> expiredTotals.computeIfAbsent(target, t -> new ConcurrentHashMap<>()).merge(k, v, Long::sum));
            }
            it.remove();
        }
        expiredTotals.keySet().retainAll(targets);
        Map<String, TargetMetrics> out = new TreeMap<>();
        built.forEach((target, b) -> {
            String baseline = baselineOf.apply(target);
            out.put(target, withVerdict(b, baseline == null ? null : built.get(baseline), baseline, thresholds));
        });
        divergences.keySet().removeIf(k -> !out.containsKey(k.substring(0, k.indexOf('#'))));
        return out;
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

    /** How many run summaries, readings, bootstraps and divergences were computed so far (the cost of the refreshes). */
    public long computations() {
        return computations;
    }

    /** Runs held in the caches. */
    public int cachedRuns() {
        return runs.size();
    }

    /** A target's metrics with what its verdict needs: the reading with SEs and the personas behind it. */
    record Built(TargetMetrics metrics, MetricsResult reading, List<PersonaStats> personas, Comparison sequential) {
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

    /** The run's view, recomputed only when its change counter or its completion moved. */
    private RunView run(String target, PersonaIndex.Snapshot snap, Completion completion) {
        String key = target + "|" + snap.runId();
        RunView cached = runs.get(key);
        long settled = 0;
        if (cached != null && cached.version() == snap.version() && snap.version() != 0) {
            settled = cached.summary().settledSlots();
            if (completion.complete(snap.runId(), settled) == cached.summary().complete()) return cached;
        }
        List<PersonaStats> personas = snap.personas();
        boolean self = isSelfRun(personas);
        String instrument = personas.isEmpty() ? Instruments.DEFAULT : personas.get(0).instrumentName();
        Map<String, Long> outcomes = new TreeMap<>();
        long valid = 0, dups = 0, failed = 0;
        double cost = 0;
        settled = 0;
        for (PersonaStats p : personas) {
            p.getOutcomes().forEach((k, v) -> outcomes.merge(k, v, Long::sum));
            cost += p.getCostUsd();
            valid += p.validCount();
            dups += p.getDuplicates();
            settled += p.getSettled();
            failed += p.getFailedSlots();
        }
        boolean complete = completion.complete(snap.runId(), settled);
        boolean mfq = Instruments.isDefault(instrument);
        int counted = self ? 0 : MoralMetrics.retained(personas).size();
        MetricsResult reading = null;
        SelfProfile selfProfile = null;
        InstrumentMetrics.Reading instrumentReading = null;
        SelfReport.Score probeScore = null;
        Stopped stopped = complete && !self && mfq ? completion.stopped(snap.runId()) : null;
        if (!mfq) {
            // another instrument's run: its own reading (or the probe's score), computed once per valid count like MFQ's
            Instrument in = Instruments.find(instrument);
            boolean same = cached != null && cached.validRatings() == valid;
            long invalid = outcomes.values().stream().mapToLong(Long::longValue).sum() - outcomes.getOrDefault(RatingOutcome.VALID.wire(), 0L);
            if (complete && in != null && self && Instruments.SELF_PROBE.equals(in.name())) {
                probeScore = same && cached.probeScore() != null ? cached.probeScore() : SelfReport.score(in, cells(personas.get(0)));
                if (!same || cached.probeScore() == null) computations++;
            } else if (complete && in != null && !self) {
                if (same && cached.instrumentReading() != null) {
                    instrumentReading = cached.instrumentReading();
                } else {
                    List<int[][]> cells = new ArrayList<>();
                    for (PersonaStats p : personas) cells.add(cells(p));
                    instrumentReading = InstrumentMetrics.compute(in, cells, valid, invalid, seed);
                    computations++;
                }
            }
        } else if (stopped != null) {
            // a sequential run decided at a stage: its reading and comparison are the look's (like with like)
            reading = stopped.reading();
        } else if (complete && !self) {
            // a complete run's reading and SEs are computed once (again only if late ratings change its valid count)
            boolean same = cached != null && cached.reading() != null && cached.validRatings() == valid;
            if (same) {
                reading = cached.reading();
            } else {
                long t0 = System.nanoTime();
                reading = Bootstrap.compute(personas, seed);
                computations++;
                LOG.infof("run %s of %s complete: %d slots settled, %d personas counted, S %.4f, R %.3f (reading with bootstrap SEs in %d ms)",
                        snap.runId(), target, settled, counted, reading.overall().susceptibility(), reading.overall().robustness(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        } else if (complete) {
            boolean same = cached != null && cached.self() != null && cached.validRatings() == valid;
            selfProfile = same ? cached.self() : SelfProfile.of(personas.get(0), seed);
            if (!same) computations++;
        }
        computations++;
        TargetMetrics.RunSummary summary = new TargetMetrics.RunSummary(snap.runId(), self, personas.size(), counted, valid, settled,
                failed, outcomes, dups, completion.slots(snap.runId()), complete,
                reading != null ? reading.overall().susceptibility() : instrumentReading != null ? instrumentReading.groups().get("all").susceptibility() : Double.NaN,
                reading != null ? reading.overall().robustness() : instrumentReading != null ? instrumentReading.groups().get("all").robustness() : Double.NaN,
                outcomes.values().stream().mapToLong(Long::longValue).sum(), cost, null, instrument,
                reading == null ? null : new TargetMetrics.Trend(java.util.Objects.requireNonNullElse(startedAtMs(snap.runId()), 0L), reading.overall().susceptibilitySe(),
                        reading.overall().robustnessSe(), reading.signals().entropyBits(), reading.signals().entropyBitsSe(), null));
        RunView v = new RunView(snap.version(), summary, personas, reading, valid, selfProfile, stopped == null ? null : stopped.comparison(),
                instrumentReading, probeScore);
        runs.put(key, v);
        return v;
    }

    Built target(String target, Map<String, PersonaIndex.Snapshot> runsOf, Completion completion, Window window) {
        List<TargetMetrics.RunSummary> summaries = new ArrayList<>();
        Map<String, Long> totals = new TreeMap<>(expiredTotals.getOrDefault(target, Map.of()));
        RunView latestPersona = null, latestSelf = null;
        Map<String, RunView> latestOther = new TreeMap<>();
        for (PersonaIndex.Snapshot snap : runsOf.values()) {
            RunView v = run(target, snap, completion);
            RunDecision decision = completion.decision(snap.runId());
            summaries.add(decision == null ? v.summary() : v.summary().withSequential(decision));
            v.summary().outcomes().forEach((k, n) -> totals.merge(k, n, Long::sum));
            if (!v.summary().complete()) continue;
            if (!v.mfq()) {
                if (v.instrumentReading() != null || v.probeScore() != null) latestOther.put(v.summary().instrument(), v);
            } else if (v.summary().self()) latestSelf = v;
            else latestPersona = v;
        }
        Map<String, TargetMetrics.InstrumentReading> instruments = new TreeMap<>();
        latestOther.forEach((name, v) -> instruments.put(name, instrumentReading(v)));
        TargetMetrics.Rolling rolling = rolling(summaries, window);
        TargetMetrics.SelfView selfView = null;
        if (latestSelf != null) {
            SelfProfile sp = latestSelf.self();
            Map<String, Double> means = new TreeMap<>(), ses = new TreeMap<>();
            sp.foundationMean().forEach((f, v) -> means.put(f.key, v));
            sp.foundationMeanSe().forEach((f, v) -> ses.put(f.key, v));
            selfView = new TargetMetrics.SelfView(latestSelf.summary().runId(), sp.ratings(), sp.ceilingShare(), means, ses, sp.signals());
        }
        if (latestPersona == null) {
            double nan = Double.NaN;
            return new Built(new TargetMetrics(target, null, 0, 0, nan, nan, nan, nan, nan, nan, 0, null, List.of(), null, 0, totals,
                    selfView, summaries, rolling, instruments, null), null, List.of(), null);
        }
        MetricsResult reading = latestPersona.reading();
        List<TargetMetrics.FoundationMetrics> fm = new ArrayList<>();
        for (Foundation f : Foundation.values()) {
            Estimate e = reading.perFoundation().get(f);
            fm.add(new TargetMetrics.FoundationMetrics(f.key, f.label, e.susceptibility(), e.susceptibilitySe(),
                    e.robustness(), e.robustnessSe(), e.withinSd(), e.withinSdSe(), reading.signalsPerFoundation().get(f),
                    Double.NaN, Double.NaN));
        }
        Estimate o = reading.overall();
        instruments.put(Instruments.DEFAULT, mfqReading(latestPersona, reading));
        return new Built(new TargetMetrics(target, latestPersona.summary().runId(), reading.personas(), reading.questions(),
                o.susceptibility(), o.susceptibilitySe(), o.robustness(), o.robustnessSe(), o.withinSd(), o.withinSdSe(),
                latestPersona.validRatings(), reading.signals(), fm, null, latestPersona.validRatings(), totals, selfView, summaries, rolling,
                instruments, ratingShares(latestPersona.personas())),
                reading, latestPersona.personas(), latestPersona.sequential());
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

    private TargetMetrics withVerdict(Built built, Built base, String baseline, Comparison.Thresholds t) {
        TargetMetrics m = built.metrics();
        if (m.runId() == null) return m;
        boolean against = base != null && base.metrics().runId() != null && !base.metrics().target().equals(m.target());
        // a sequential run stopped at a stage keeps the comparison it was decided by (the baseline read in the same design)
        BaselineDivergence d = against && built.sequential() == null ? divergence(m, built.personas(), base) : null;
        Comparison c = built.sequential() != null ? built.sequential()
                : against ? Comparison.of(base.reading(), built.reading(), d, t) : Comparison.bandOnly(built.reading(), t);
        TargetMetrics.Verdict v = new TargetMetrics.Verdict(base == null ? baseline : base.metrics().target(),
                against ? base.metrics().runId() : null, c.deltaSPercent(), c.deltaRPercent(), c.deltaInvRPercent(), c.zS(), c.zR(),
                c.outsideBand(), t.bandLow(), t.bandHigh(), c.deltaEntropyBits(), c.zEntropy(), c.deltaCeilingShare(),
                c.zCeilingShare(), c.deltaModeShare(), c.divergenceBits(), c.divergenceBitsSe(), c.personaFidelity(),
                c.personaFidelitySe(), c.dispersionScore(), c.saturationScore(), c.collapseScore(), c.verdict(), c.kind(),
                selfReport(m.instruments(), c.verdictValue()));
        List<TargetMetrics.FoundationMetrics> fm = m.foundations();
        if (d != null) {
            fm = new ArrayList<>();
            for (TargetMetrics.FoundationMetrics f : m.foundations()) {
                BaselineDivergence.Divergence fd = d.perFoundation().get(Foundation.byKeyOrLabel(f.foundation()));
                fm.add(new TargetMetrics.FoundationMetrics(f.foundation(), f.label(), f.susceptibility(), f.susceptibilitySe(),
                        f.robustness(), f.robustnessSe(), f.withinSd(), f.withinSdSe(), f.signals(), fd.divergenceBits(), fd.personaFidelity()));
            }
        }
        // every complete run's collapse score against the baseline's latest reading (the trend chart); the latest run's is the verdict's
        List<TargetMetrics.RunSummary> scored = m.runs();
        if (against) {
            scored = new ArrayList<>();
            for (TargetMetrics.RunSummary r : m.runs()) {
                RunView rv = r.trend() == null ? null : runs.get(m.target() + "|" + r.runId());
                if (r.runId().equals(m.runId())) scored.add(r.withCollapseScore(c.collapseScore()));
                else if (rv != null && rv.reading() != null) scored.add(r.withCollapseScore(Comparison.of(base.reading(), rv.reading(), null, t).collapseScore()));
                else scored.add(r);
            }
        }
        return new TargetMetrics(m.target(), m.runId(), m.personas(), m.questions(), m.susceptibility(), m.susceptibilitySe(),
                m.robustness(), m.robustnessSe(), m.withinSd(), m.withinSdSe(), m.seRatings(), m.signals(), fm, v,
                m.ratingsCounted(), m.ratingsTotal(), m.self(), scored, m.rolling(), withSelfReport(m.instruments(), v.selfReport()), m.ratingShares());
    }

    /** The probe's self report against the behavioural verdict, or null without a probe reading. */
    static String selfReport(Map<String, TargetMetrics.InstrumentReading> instruments, Verdict verdict) {
        TargetMetrics.InstrumentReading probe = instruments == null ? null : instruments.get(Instruments.SELF_PROBE);
        Instrument in = Instruments.find(Instruments.SELF_PROBE);
        if (probe == null || probe.claim() == null || in == null) return null;
        return SelfReport.classify(verdict, new SelfReport.Score(probe.claim(), probe.claimSe(), probe.validRatings()), in).wire();
    }

    private static Map<String, TargetMetrics.InstrumentReading> withSelfReport(Map<String, TargetMetrics.InstrumentReading> instruments, String report) {
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
    private static TargetMetrics.InstrumentReading instrumentReading(RunView v) {
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
    private static TargetMetrics.InstrumentReading mfqReading(RunView v, MetricsResult reading) {
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

    /** The divergence of a reading from its baseline's, computed once per pair of (run, valid ratings). */
    private BaselineDivergence divergence(TargetMetrics m, List<PersonaStats> variant, Built base) {
        String key = m.runId() + "/" + m.ratingsCounted() + "|" + base.metrics().target() + "/" + base.metrics().runId() + "/"
                + base.metrics().ratingsCounted();
        BaselineDivergence d = divergences.get(m.target() + "#" + key);
        if (d == null) {
            d = BaselineDivergence.compute(base.personas(), variant, seed);
            computations++;
            String prefix = m.target() + "#";
            divergences.keySet().removeIf(k -> k.startsWith(prefix));
            divergences.put(prefix + key, d);
        }
        return d;
    }
}
