package dev.pmc.core.events;

/**
 * Topic pmc.ratings: the scored reply. {@code rating} is 0-5 when outcome is VALID, else null; {@code rule}
 * names the parser rule that fired. {@code last} is false when the scorer re-asked the slot (another attempt
 * follows) and true when this event settles the slot (valid, or invalid at the final attempt); absent = true.
 * Schema version {@link #VERSION}.
 */
public record RatingEvent(int v, SlotId slot, int attempt, RatingOutcome outcome, Integer rating, String rule,
                          long createdAtMs, Boolean last) {
    public static final int VERSION = 1;

    public RatingEvent(int v, SlotId slot, int attempt, RatingOutcome outcome, Integer rating, String rule, long createdAtMs) {
        this(v, slot, attempt, outcome, rating, rule, createdAtMs, Boolean.TRUE);
    }

    /** Whether this event settles its slot. */
    public boolean settles() {
        return last == null || last;
    }
}
