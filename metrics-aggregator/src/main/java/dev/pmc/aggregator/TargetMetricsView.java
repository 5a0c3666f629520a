package dev.pmc.aggregator;

import dev.pmc.core.Foundation;
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
        RunReadings.byTargetRun(all).forEach((target, runs) -> {
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
        boolean self = RunReadings.isSelfRun(personas);
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
                probeScore = same && cached.probeScore() != null ? cached.probeScore() : SelfReport.score(in, RunReadings.cells(personas.get(0)));
                if (!same || cached.probeScore() == null) computations++;
            } else if (complete && in != null && !self) {
                if (same && cached.instrumentReading() != null) {
                    instrumentReading = cached.instrumentReading();
                } else {
                    List<int[][]> cells = new ArrayList<>();
                    for (PersonaStats p : personas) cells.add(RunReadings.cells(p));
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
                reading == null ? null : new TargetMetrics.Trend(java.util.Objects.requireNonNullElse(RunReadings.startedAtMs(snap.runId()), 0L), reading.overall().susceptibilitySe(),
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
        latestOther.forEach((name, v) -> instruments.put(name, RunReadings.instrumentReading(v)));
        TargetMetrics.Rolling rolling = RunReadings.rolling(summaries, window);
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
        instruments.put(Instruments.DEFAULT, RunReadings.mfqReading(latestPersona, reading));
        return new Built(new TargetMetrics(target, latestPersona.summary().runId(), reading.personas(), reading.questions(),
                o.susceptibility(), o.susceptibilitySe(), o.robustness(), o.robustnessSe(), o.withinSd(), o.withinSdSe(),
                latestPersona.validRatings(), reading.signals(), fm, null, latestPersona.validRatings(), totals, selfView, summaries, rolling,
                instruments, RunReadings.ratingShares(latestPersona.personas())),
                reading, latestPersona.personas(), latestPersona.sequential());
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
                RunReadings.selfReport(m.instruments(), c.verdictValue()));
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
                m.ratingsCounted(), m.ratingsTotal(), m.self(), scored, m.rolling(), RunReadings.withSelfReport(m.instruments(), v.selfReport()), m.ratingShares());
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
