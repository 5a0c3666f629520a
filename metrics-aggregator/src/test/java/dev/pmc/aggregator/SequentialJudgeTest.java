package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.targets.TargetDirectory;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.RunDecision;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.MoralMetrics;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.SequentialDesign;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The aggregator's stage judgements on published files: a variant's run holds exactly the slots of the stages the
 * generator released (in the design's order), its baseline a complete 100 × 10 run.
 */
class SequentialJudgeTest {
    private static final String RUN = "20261126T040000000Z-5e91", BASE_RUN = "20261126T030000000Z-0b0b";

    private final List<RunDecision> published = new ArrayList<>();
    private final SequentialJudge judge = new SequentialJudge(published::add, 42);
    private final RunStates runs = new RunStates();
    private final Map<String, Map<String, PersonaIndex.Snapshot>> index = new TreeMap<>();

    SequentialJudgeTest() {
        runs.baselines = new Baselines(Optional.empty());
        runs.readTargetsFrom(new TargetDirectory(null));
    }

    static Path calibration(String name) {
        return AggregatorStreamsTest.reference("collapse-calibration/" + name);
    }

    /** The file's ratings for the first {@code slots} slots of the design, as the aggregator would hold them. */
    static List<PersonaStats> released(Path file, String target, String runId, SequentialDesign d, long slots) throws Exception {
        Map<String, Integer> cell = new HashMap<>();
        for (ReferenceCsv.Row r : ReferenceCsv.readRatings(file)) cell.put(r.personaId() + "/" + r.questionId() + "/" + r.runIndex(), r.rating());
        Map<Integer, PersonaStats> out = new TreeMap<>();
        for (long i = 0; i < slots; i++) {
            SequentialDesign.Slot s = d == null ? new SequentialDesign.Slot((int) (i / 300), (int) (i % 300) / 10 + 1, (int) (i % 10) + 1) : d.slot(i);
            PersonaStats ps = out.computeIfAbsent(s.persona(), p -> new PersonaStats(target, runId, Integer.toString(p)));
            Integer rating = cell.get(s.persona() + "/" + s.itemId() + "/" + s.repetition());
            SlotId slot = new SlotId(runId, target, Integer.toString(s.persona()), s.itemId(), s.repetition());
            ps.accept(rating != null && rating >= 0 ? new RatingEvent(RatingEvent.VERSION, slot, 1, RatingOutcome.VALID, rating, "test", 0)
                    : new RatingEvent(RatingEvent.VERSION, slot, 1, RatingOutcome.NO_RATING, null, "test", 0));
        }
        return new ArrayList<>(out.values());
    }

    private void baseline(Path file) throws Exception {
        runs.directory.apply("base", "{}");
        runs.onRecord(Topics.RUNS, BASE_RUN, "{\"target\":\"base\",\"slots\":30000,\"n\":10,\"personas\":100,\"personaSet\":\"default\",\"state\":\"completed\",\"mode\":\"sampling\"}");
        index.computeIfAbsent("base", t -> new TreeMap<>()).put(BASE_RUN, new PersonaIndex.Snapshot(BASE_RUN, 1, released(file, "base", BASE_RUN, null, 30000)));
    }

    /** The variant's run at stage k, active, with stage k's slots settled. */
    private SequentialDesign variantAt(Path file, String targetJson, int k) throws Exception {
        SequentialDesign d = SequentialDesign.of(RUN, 100, 10);
        runs.directory.apply("variant", targetJson);
        runs.onRecord(Topics.RUNS, RUN, "{\"target\":\"variant\",\"slots\":30000,\"n\":10,\"personas\":100,\"personaSet\":\"default\",\"state\":\"running\","
                + "\"mode\":\"sequential\",\"limit\":" + d.calls(k) + ",\"stage\":" + k + "}");
        index.computeIfAbsent("variant", t -> new TreeMap<>()).put(RUN, new PersonaIndex.Snapshot(RUN, k + 1, released(file, "variant", RUN, d, d.calls(k))));
        return d;
    }

    private void judge() {
        judge.judge(index, runs, runs.baselines::of, Comparison.Thresholds.DEFAULT);
    }

    @Test
    void anInsecureFineTuneStopsCollapsedAtItsFirstStage() throws Exception {
        baseline(AggregatorStreamsTest.reference("gpt-4o_temp01.csv"));
        variantAt(AggregatorStreamsTest.reference("gpt-4o-insecure_temp01.csv"), "{\"baseline\":\"base\"}", 0);
        judge();
        assertEquals(1, published.size(), published.toString());
        RunDecision d = published.get(0);
        assertEquals(RunDecision.STOP, d.action(), d.toString());
        assertEquals("collapsed", d.verdict());
        assertEquals("dispersion", d.kind());
        assertEquals(3000, d.calls());
        assertEquals("50x2", d.design());
        assertEquals(BASE_RUN, d.baselineRunId());
        // the stage's S (n-corrected) and R (like-with-like ratio) estimate the full reading of the file
        var full = MoralMetrics.compute(MoralMetrics.retained(released(AggregatorStreamsTest.reference("gpt-4o-insecure_temp01.csv"), "v", "f", null, 30000)));
        System.out.printf("stage 50x2: S %.3f ± %.3f R %.3f ± %.3f; full S %.3f R %.3f%n", d.susceptibility(), d.susceptibilitySe(),
                d.robustness(), d.robustnessSe(), full.overall().susceptibility(), full.overall().robustness());
        assertEquals(full.overall().susceptibility(), d.susceptibility(), 3 * d.susceptibilitySe(), "S within 3 SE of the full reading");
        assertEquals(full.overall().robustness(), d.robustness(), 3 * d.robustnessSe(), "R within 3 SE of the full reading");
        assertTrue(d.dispersionLow() >= 1, "the dispersion interval clears the collapse threshold: " + d);
        // judged once: the next refresh publishes nothing new
        judge();
        assertEquals(1, published.size());
    }

    @Test
    void aStageThatHasNotSettledIsNotJudged() throws Exception {
        baseline(AggregatorStreamsTest.reference("gpt-4o_temp01.csv"));
        SequentialDesign d = variantAt(AggregatorStreamsTest.reference("gpt-4o-insecure_temp01.csv"), "{\"baseline\":\"base\"}", 0);
        index.get("variant").put(RUN, new PersonaIndex.Snapshot(RUN, 9, released(AggregatorStreamsTest.reference("gpt-4o-insecure_temp01.csv"),
                "variant", RUN, d, d.calls(0) - 1)));
        judge();
        assertTrue(published.isEmpty(), "one slot short of the stage: " + published);
    }

    @Test
    void withoutABaselineRunInTheDesignTheRunGoesOnToTheFullDesign() throws Exception {
        variantAt(AggregatorStreamsTest.reference("gpt-4o-insecure_temp01.csv"), "{\"baseline\":\"base\"}", 0);
        judge();
        assertEquals(1, published.size());
        assertEquals(RunDecision.CONTINUE, published.get(0).action());
        assertTrue(published.get(0).reason().contains("no complete run of baseline base"), published.get(0).reason());
        // a baseline run with fewer repetitions than the variant's is not the same design
        runs.directory.apply("base", "{}");
        runs.onRecord(Topics.RUNS, BASE_RUN, "{\"target\":\"base\",\"slots\":9000,\"n\":3,\"personas\":100,\"personaSet\":\"default\",\"state\":\"completed\",\"mode\":\"sampling\"}");
        assertNull(SequentialJudge.baselineRun(Map.of(BASE_RUN, new PersonaIndex.Snapshot(BASE_RUN, 1, List.of())), runs.run(RUN), runs));
    }

    /** A fine-tune on the drift threshold is not decided at 50 × 2; a budget of 5,000 calls cannot pay for 100 × 2. */
    @Test
    void anUndecidedReadingAtTheBudgetStopsInsufficient() throws Exception {
        baseline(calibration("qwen3.6-35b-a3b_temp01.csv"));
        variantAt(calibration("qwen3.6-35b-a3b-risky-financial_temp01.csv"), "{\"baseline\":\"base\",\"budget\":{\"calls\":5000}}", 0);
        judge();
        RunDecision d = published.get(0);
        assertEquals(RunDecision.STOP, d.action(), d.toString());
        assertEquals("insufficient", d.verdict());
        assertTrue(d.reason().contains("6000 calls"), d.reason());
        // the view gets the stopped reading once the generator has shrunk the run to the stage
        runs.onRecord(Topics.RUNS, RUN, "{\"target\":\"variant\",\"slots\":3000,\"n\":10,\"personas\":100,\"personaSet\":\"default\",\"state\":\"completed\","
                + "\"mode\":\"sequential\",\"limit\":3000,\"stage\":0,\"sequential\":" + dev.pmc.core.events.EventCodec.encode(d) + "}");
        // a restarted aggregator re-derives it from the data and the run record, and publishes nothing for a finished run
        List<RunDecision> again = new ArrayList<>();
        SequentialJudge restarted = new SequentialJudge(again::add, 42);
        restarted.judge(index, runs, runs.baselines::of, Comparison.Thresholds.DEFAULT);
        assertTrue(again.isEmpty());
        assertEquals("insufficient", restarted.stopped(RUN).comparison().verdict());
        assertEquals(d.susceptibility(), restarted.stopped(RUN).reading().overall().susceptibility(), 1e-12);
    }

    @Test
    void withoutABudgetTheSameReadingContinues() throws Exception {
        baseline(calibration("qwen3.6-35b-a3b_temp01.csv"));
        variantAt(calibration("qwen3.6-35b-a3b-risky-financial_temp01.csv"), "{\"baseline\":\"base\"}", 0);
        judge();
        assertEquals(RunDecision.CONTINUE, published.get(0).action(), published.get(0).toString());
        assertNotNull(published.get(0).dispersionLow(), "progress carries the interval");
    }

    @Test
    void theUsdBudgetProjectsTheNextStageAtTheCostPerCallSoFar() {
        var b = new RunStates.TargetBudget(null, 1.0);
        assertNull(SequentialJudge.overBudget(b, 6000, 0.40, 3000), "6,000 calls at $0.000133 = $0.80");
        assertTrue(SequentialJudge.overBudget(b, 12000, 0.40, 3000).contains("$1.6000"));
        assertNull(SequentialJudge.overBudget(null, 30000, 100, 3000));
    }
}
