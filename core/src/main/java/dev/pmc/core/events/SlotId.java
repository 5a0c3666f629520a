package dev.pmc.core.events;

import dev.pmc.core.instruments.Instruments;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Objects;

/**
 * Identity of one rating slot: run, target, persona ("self" when none), item of the run's instrument (1..N),
 * repetition (1..n) and the instrument ({@code mfq30}, {@code bfi44}, ...; absent in events written before instruments
 * existed, which are MFQ-30 ones). Every event of every stage carries it; the aggregator counts each slot at most once.
 */
public record SlotId(String runId, String target, String personaId, int itemId, int repetition,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String instrument) {
    public static final char SEP = '|';

    public SlotId {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(personaId, "personaId");
    }

    /** An MFQ-30 slot (no instrument field, as before instruments). */
    public SlotId(String runId, String target, String personaId, int itemId, int repetition) {
        this(runId, target, personaId, itemId, repetition, null);
    }

    /** The instrument's name: mfq30 when the event names none. */
    public String instrumentName() {
        return Instruments.nameOf(instrument);
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
