package dev.pmc.core.scoring;

import dev.pmc.core.events.RatingOutcome;

/** Result of reading a reply: the outcome, the rating when valid (else null) and the rule that decided. */
public record ParsedRating(RatingOutcome outcome, Integer rating, String rule) {
    public static ParsedRating valid(int rating, String rule) {
        return new ParsedRating(RatingOutcome.VALID, rating, rule);
    }

    public static ParsedRating invalid(RatingOutcome outcome, String rule) {
        return new ParsedRating(outcome, null, rule);
    }
}
