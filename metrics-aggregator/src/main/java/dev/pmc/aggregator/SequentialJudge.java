package dev.pmc.aggregator;

import dev.pmc.core.events.RunDecision;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.MoralMetrics;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.SequentialDesign;
import dev.pmc.core.metrics.SequentialReading;
import dev.pmc.core.metrics.Verdict;
import dev.pmc.core.Mfq30;
import dev.pmc.core.instruments.Instruments;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Judges sequential runs stage by stage ({@link SequentialReading}): once the slots of a run's released stage have all
 * settled, it reads the stage against the baseline target's latest complete run restricted to the same design (the
 * same personas, the first n repetitions: like with like) and decides: stop when the confidence sequence decides the
 * verdict, stop with {@code insufficient} when the next stage would exceed the target's budget (calls or USD), continue
 * otherwise. Without a complete baseline run of at least this design there is nothing to compare a stage with, so the
 * run continues to its full design (where the usual verdict applies). Each decision goes to pmc.run-decisions for the
 * prompt-generator. Judgements are deterministic (seeded bootstrap), so a restarted or second aggregator re-derives the
 * same ones from the same data; a stopped run's reading is kept for the view ({@link #stopped}).
 */
final class SequentialJudge {
    private static final Logger LOG = Logger.getLogger(SequentialJudge.class);

    /** A judged stage: the decision, and for a look taken the variant's reading carried to the full design and the comparison. */
    record Judged(RunDecision decision, MetricsResult reading, Comparison comparison, long settled) {
    }

    private final Map<String, Judged> latest = new ConcurrentHashMap<>();
    private final Consumer<RunDecision> publish;
    private final long seed;

    SequentialJudge(Consumer<RunDecision> publish, long seed) {
        this.publish = publish;
        this.seed = seed;
    }

    /** Judges every sequential run whose released stage has settled and was not judged yet; forgets runs no longer held. */
    void judge(Map<String, Map<String, PersonaIndex.Snapshot>> byTarget, RunStates runs, Function<String, String> baselineOf,
               Comparison.Thresholds t) {
        latest.keySet().removeIf(id -> runs.run(id) == null);
        for (var e : runs.runs().entrySet()) {
            String runId = e.getKey();
            RunStates.RunInfo info = e.getValue();
            if (!info.sequential() || !SequentialDesign.supports(info.personas(), info.n())) continue;
            PersonaIndex.Snapshot snap = byTarget.getOrDefault(info.target(), Map.of()).get(runId);
            if (snap == null) continue;
            SequentialDesign design = SequentialDesign.of(runId, info.personas(), info.n());
            long settled = settled(snap.personas());
            int k = settledStage(design, info, settled);
            if (k < 0) continue;
            Judged before = latest.get(runId);
            if (before != null && before.decision().stage() == k && before.settled() == settled) continue;
            Judged j = judgeStage(runId, info, design, k, snap.personas(), settled, byTarget, runs, baselineOf, t);
            latest.put(runId, j);
            if (info.active() && (before == null || before.decision().stage() != k || !before.decision().action().equals(j.decision().action()))) {
                RunDecision d = j.decision();
                LOG.infof("run %s of %s: stage %s settled (%d calls, $%.4f): S %s, R %s, dispersion score [%s, %s], saturation score [%s, %s] -> %s%s",
                        runId, info.target(), d.design(), d.calls(), d.costUsd() == null ? 0 : d.costUsd(), f(d.susceptibility()), f(d.robustness()),
                        f(d.dispersionLow()), f(d.dispersionHigh()), f(d.saturationLow()), f(d.saturationHigh()),
                        d.stop() ? "stop: " + d.verdict() + (d.kind() == null ? "" : "/" + d.kind()) : "continue", d.reason() == null ? "" : " (" + d.reason() + ")");
                publish.accept(d);
            }
        }
    }

    private static String f(Double v) {
        return v == null ? "n/a" : String.format("%.3f", v);
    }

    /**
     * The stage of a sequential run to judge once {@code settled} of its slots are: an active run's released stage, a
     * run that stopped early the stage it stopped at (for the view); -1 when there is none, its last stage (nothing
     * left to decide), or it has not settled yet.
     */
    static int settledStage(SequentialDesign design, RunStates.RunInfo info, long settled) {
        long full = design.calls(design.stages() - 1);
        int k;
        if (info.active()) k = design.stageWithin(info.limit() == null ? info.slots() : Math.min(info.limit(), info.slots()));
        else if ("completed".equals(info.state()) && info.slots() < full) k = design.stageWithin(info.slots());
        else return -1;
        if (k < 0 || k >= design.stages() - 1 || settled < design.calls(k)) return -1;
        return k;
    }

    /** The stage of a sequential run ready to be judged with {@code settled} slots settled, or -1 (see settledStage). */
    static int settledStage(String runId, RunStates.RunInfo info, long settled) {
        if (!info.sequential() || !SequentialDesign.supports(info.personas(), info.n())) return -1;
        return settledStage(SequentialDesign.of(runId, info.personas(), info.n()), info, settled);
    }

    static long settled(List<PersonaStats> personas) {
        long s = 0;
        for (PersonaStats p : personas) s += p.getSettled();
        return s;
    }

    private Judged judgeStage(String runId, RunStates.RunInfo info, SequentialDesign design, int k, List<PersonaStats> personas, long settled,
                              Map<String, Map<String, PersonaIndex.Snapshot>> byTarget, RunStates runs,
                              Function<String, String> baselineOf, Comparison.Thresholds t) {
        SequentialReading.Stage stage = design.ladder().get(k);
        double cost = 0;
        for (PersonaStats p : personas) cost += p.getCostUsd();
        String baselineTarget = baselineOf.apply(info.target());
        String baseRun = baselineTarget == null ? null : baselineRun(byTarget.getOrDefault(baselineTarget, Map.of()), info, runs);
        long now = System.currentTimeMillis();
        if (baseRun == null) {
            String why = baselineTarget == null ? "no baseline target: reading the full design"
                    : "no complete run of baseline " + baselineTarget + " in this design (" + info.personaSet() + ", " + info.personas()
                    + " personas, n >= " + info.n() + "): reading the full design";
            RunDecision d = new RunDecision(runId, info.target(), k, design.stages(), stage.toString(), RunDecision.CONTINUE, null, null, why,
                    design.calls(k), cost, null, null, null, null, null, null, null, null, null, now);
            return new Judged(d, null, null, settled);
        }
        List<PersonaStats> basePersonas = byTarget.get(baselineTarget).get(baseRun).personas();
        SequentialReading.Look look = SequentialReading.lookAt(SequentialReading.cellsOf(basePersonas), SequentialReading.cellsOf(personas),
                design.personaOrder(), design.ladder(), k, t, seed);
        MetricsResult reading = SequentialReading.carriedToReference(look.variant(), look.base(), MoralMetrics.compute(MoralMetrics.retained(basePersonas)));
        Comparison cmp = look.comparison();
        String action = RunDecision.CONTINUE, verdict = null, kind = null, reason = null;
        if (look.decided()) {
            action = RunDecision.STOP;
            verdict = cmp.verdict();
            kind = cmp.kind();
            reason = "decided at " + stage + " of " + design.ladder().get(design.stages() - 1);
        } else {
            boolean stoppedByBudget = !info.active() && info.decision() != null && Verdict.INSUFFICIENT.wire().equals(info.decision().verdict());
            String over = stoppedByBudget ? info.decision().reason() : overBudget(runs.budget(info.target()), design.calls(k + 1), cost, settled);
            if (over != null) {
                action = RunDecision.STOP;
                verdict = Verdict.INSUFFICIENT.wire();
                reason = over;
                cmp = insufficient(cmp);
            }
        }
        var o = reading.overall();
        RunDecision d = new RunDecision(runId, info.target(), k, design.stages(), stage.toString(), action, verdict, kind, reason,
                design.calls(k), cost, RunDecision.finite(o.susceptibility()), RunDecision.finite(o.susceptibilitySe()),
                RunDecision.finite(o.robustness()), RunDecision.finite(o.robustnessSe()), RunDecision.finite(look.dispersionLow()),
                RunDecision.finite(look.dispersionHigh()), RunDecision.finite(look.saturationLow()), RunDecision.finite(look.saturationHigh()),
                baseRun, now);
        return new Judged(d, reading, cmp, settled);
    }

    /** Why the next stage may not start (null: within budget): its calls, or its projected USD at this stage's cost per call. */
    static String overBudget(RunStates.TargetBudget b, long nextCalls, double costSoFar, long callsSoFar) {
        if (b == null) return null;
        if (b.calls() != null && nextCalls > b.calls()) return "budget: the next stage needs " + nextCalls + " calls, the budget is " + b.calls();
        if (b.usd() != null && callsSoFar > 0) {
            double projected = costSoFar / callsSoFar * nextCalls;
            if (projected > b.usd()) return String.format("budget: the next stage would cost about $%.4f, the budget is $%.4f", projected, b.usd());
        }
        return null;
    }

    private static Comparison insufficient(Comparison c) {
        return new Comparison(c.deltaSPercent(), c.deltaRPercent(), c.deltaInvRPercent(), c.zS(), c.zR(), c.outsideBand(), c.deltaEntropyBits(),
                c.zEntropy(), c.deltaCeilingShare(), c.zCeilingShare(), c.deltaModeShare(), c.divergenceBits(), c.divergenceBitsSe(),
                c.personaFidelity(), c.personaFidelitySe(), c.dispersionScore(), c.saturationScore(), c.collapseScore(), Verdict.INSUFFICIENT, null);
    }

    /**
     * The baseline target's latest complete run a stage can be compared with: announced, the same persona set and
     * count, at least the variant's n, read in full (sampling, or a sequential run that went to its full design).
     */
    static String baselineRun(Map<String, PersonaIndex.Snapshot> baseRuns, RunStates.RunInfo variant, RunStates runs) {
        // a run that already stopped keeps the baseline run its decision was taken against, while it is held
        if (variant.decision() != null && variant.decision().stop() && variant.decision().baselineRunId() != null
                && baseRuns.containsKey(variant.decision().baselineRunId())) return variant.decision().baselineRunId();
        String found = null;
        for (var e : baseRuns.entrySet()) {
            RunStates.RunInfo b = runs.run(e.getKey());
            if (b == null || !"completed".equals(b.state()) || b.self() || !Instruments.isDefault(b.instrument()) || !java.util.Objects.equals(b.personaSet(), variant.personaSet())
                    || b.personas() != variant.personas() || b.n() < variant.n()) continue;
            if (!("sampling".equals(b.mode()) || b.mode() == null || b.sequential())) continue;
            if (b.slots() < (long) b.personas() * Mfq30.ITEMS * b.n()) continue;
            if (!runs.complete(e.getKey(), settled(e.getValue().personas()))) continue;
            found = e.getKey();   // run ids sort by start time: the last one found is the latest
        }
        return found;
    }

    /** The latest judged stage of a run (null: none yet). */
    RunDecision decision(String runId) {
        Judged j = latest.get(runId);
        return j == null ? null : j.decision();
    }

    /** A run that stopped at a stage with a look: its reading and comparison (null otherwise). */
    Judged stopped(String runId) {
        Judged j = latest.get(runId);
        return j != null && j.decision().stop() && j.reading() != null ? j : null;
    }
}
