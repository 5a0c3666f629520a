package dev.pmc.core.events;

/**
 * Topic pmc.ratings: the scored reply. {@code rating} is 0-5 when outcome is VALID, else null;
 * {@code rule} names the parser rule that fired. Schema version {@link #VERSION}.
 */
public record RatingEvent(int v, SlotId slot, int attempt, RatingOutcome outcome, Integer rating, String rule,
                          long createdAtMs) {
    public static final int VERSION = 1;
}
