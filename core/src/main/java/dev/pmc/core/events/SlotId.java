package dev.pmc.core.events;

import java.util.Objects;

/**
 * Identity of one rating slot: run, target, persona ("self" when none), MFQ item and repetition (1..n).
 * Every event of every stage carries it; the aggregator counts each slot at most once.
 */
public record SlotId(String runId, String target, String personaId, int itemId, int repetition) {
    public static final char SEP = '|';

    public SlotId {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(personaId, "personaId");
    }

    /**
     * Kafka record key of every event of this slot: {@code target|runId|personaId}. One target's run spreads
     * over partitions by persona (so over gateway and scorer replicas), while every rating of one persona in
     * one run lands on one partition, where the aggregator keeps that persona's cell statistics.
     */
    public String kafkaKey() {
        return personaKey(target, runId, personaId);
    }

    public static String personaKey(String target, String runId, String personaId) {
        return target + SEP + runId + SEP + personaId;
    }

    /** Human-readable unique id of the slot. */
    public String id() {
        return kafkaKey() + SEP + itemId + SEP + repetition;
    }
}
