package dev.pmc.core;

import dev.pmc.core.events.TargetStatus;
import java.util.List;
import java.util.Map;

/** Kafka topics of the pipeline, with the partition count and cleanup policy PMC creates them with. */
public final class Topics {
    public static final String PROMPTS = "pmc.prompts";
    public static final String RESPONSES = "pmc.responses";
    public static final String RATINGS = "pmc.ratings";
    public static final String PROMPTS_DLQ = "pmc.prompts.dlq";
    public static final String RESPONSES_DLQ = "pmc.responses.dlq";
    public static final String RATINGS_DLQ = "pmc.ratings.dlq";
    /** Compacted: latest statistics per target|run|persona, the aggregator's per-target reduction reads it. */
    public static final String PERSONA_STATS = "pmc.persona-stats";
    /** Compacted: the target registry, one TargetConfig per target name (tombstone = deleted). */
    public static final String TARGETS = "pmc.targets";
    /** Compacted: every run's state and progress (key runId), written by the prompt-generator. */
    public static final String RUNS = "pmc.runs";
    /** Compacted: baseline overrides set over the aggregator's REST API (key: the variant target). */
    public static final String BASELINES = "pmc.baselines";
    /**
     * Compacted: the aggregator's decision on each sequential run's latest settled stage (key runId; continue to the
     * next stage, or stop with a verdict); the prompt-generator follows it to release or end the run.
     */
    public static final String RUN_DECISIONS = "pmc.run-decisions";
    /**
     * Compacted: each target's call status as a gateway replica last saw it change (key target; value
     * {@link TargetStatus}): today whether its provider account's quota is exhausted, so the
     * generator's run records and the live page can say why a run stands still.
     */
    public static final String TARGET_STATUS = "pmc.target-status";
    /** The prompt-generator replicas' leader election group topic (one partition: its owner schedules and publishes). */
    public static final String GENERATOR_LEADER = "pmc.generator-leader";

    public static final int DEFAULT_PARTITIONS = 6;

    public record Spec(String name, int partitions, boolean compacted) {
    }

    private Topics() {
    }

    public static List<Spec> all(int partitions) {
        return List.of(
                new Spec(PROMPTS, partitions, false),
                new Spec(RESPONSES, partitions, false),
                new Spec(RATINGS, partitions, false),
                new Spec(PERSONA_STATS, partitions, true),
                new Spec(TARGETS, 1, true),
                new Spec(RUNS, 1, true),
                new Spec(BASELINES, 1, true),
                new Spec(RUN_DECISIONS, 1, true),
                new Spec(TARGET_STATUS, 1, true),
                new Spec(GENERATOR_LEADER, 1, false),
                new Spec(PROMPTS_DLQ, 1, false),
                new Spec(RESPONSES_DLQ, 1, false),
                new Spec(RATINGS_DLQ, 1, false));
    }

    public static Map<String, String> configs(Spec s) {
        return s.compacted() ? Map.of("cleanup.policy", "compact") : Map.of();
    }
}
