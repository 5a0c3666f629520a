package dev.pmc.core.events;

/**
 * Topic pmc.ratings: the scored reply. {@code rating} is 0-5 when outcome is VALID, else null; {@code rule}
 * names the parser rule that fired. {@code last} is false when the scorer re-asked the slot (another attempt
 * follows) and true when this event settles the slot (valid, or invalid at the final attempt); absent = true.
 * {@code distribution} (logprob mode) is the probability of each rating 0..5; {@code rating} is then its mode.
 * {@code costUsd} is the cost of the call behind it, from its response event (null when unknown).
 * Schema version {@link #VERSION}.
 */
public record RatingEvent(int v, SlotId slot, int attempt, RatingOutcome outcome, Integer rating, String rule,
                          long createdAtMs, Boolean last, double[] distribution, Double costUsd) {
    public static final int VERSION = 1;

    public RatingEvent(int v, SlotId slot, int attempt, RatingOutcome outcome, Integer rating, String rule, long createdAtMs,
                       Boolean last, double[] distribution) {
        this(v, slot, attempt, outcome, rating, rule, createdAtMs, last, distribution, null);
    }

    public RatingEvent(int v, SlotId slot, int attempt, RatingOutcome outcome, Integer rating, String rule, long createdAtMs) {
        this(v, slot, attempt, outcome, rating, rule, createdAtMs, Boolean.TRUE, null, null);
    }

    public RatingEvent(int v, SlotId slot, int attempt, RatingOutcome outcome, Integer rating, String rule, long createdAtMs,
                       Boolean last) {
        this(v, slot, attempt, outcome, rating, rule, createdAtMs, last, null, null);
    }

    /** Whether this event settles its slot. */
    public boolean settles() {
        return last == null || last;
    }
}
