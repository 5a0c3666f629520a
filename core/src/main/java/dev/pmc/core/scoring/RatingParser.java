package dev.pmc.core.scoring;

import dev.pmc.core.ItemType;
import dev.pmc.core.events.RatingOutcome;

/**
 * Extracts the 0-5 rating from a model reply. This first version reads a leading integer (after optional
 * white space, quotes or markdown emphasis): "4", "**4**", "4. Because..." are 4; "7" is out of range;
 * anything else is no_rating. Pure and allocation-light: it runs once per response event.
 */
public final class RatingParser {
    /** Replies longer than this are only read up to here. */
    public static final int MAX_CHARS = 8192;

    private RatingParser() {
    }

    public static ParsedRating parse(ItemType type, String reply) {
        if (reply == null) return ParsedRating.invalid(RatingOutcome.EMPTY, "empty");
        int len = Math.min(reply.length(), MAX_CHARS);
        int i = 0;
        while (i < len && isLeadNoise(reply.charAt(i))) i++;
        if (i == len) return ParsedRating.invalid(RatingOutcome.EMPTY, "empty");
        if (!Character.isDigit(reply.charAt(i)) || reply.charAt(i) > '9') {
            return ParsedRating.invalid(RatingOutcome.NO_RATING, "no_leading_integer");
        }
        int j = i;
        long value = 0;
        while (j < len && reply.charAt(j) >= '0' && reply.charAt(j) <= '9' && j - i < 9) {
            value = value * 10 + (reply.charAt(j) - '0');
            j++;
        }
        // "3.5" is not an integer rating
        if (j + 1 < len && (reply.charAt(j) == '.' || reply.charAt(j) == ',') && Character.isDigit(reply.charAt(j + 1))) {
            return ParsedRating.invalid(RatingOutcome.NO_RATING, "leading_decimal");
        }
        if (value > 5) return ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "leading_integer");
        return ParsedRating.valid((int) value, "leading_integer");
    }

    private static boolean isLeadNoise(char c) {
        return Character.isWhitespace(c) || c == '*' || c == '"' || c == '\'' || c == '`' || c == '_' || c == '#';
    }
}
