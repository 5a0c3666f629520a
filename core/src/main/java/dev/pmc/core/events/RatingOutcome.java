package dev.pmc.core.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How a reply was scored. Only VALID ratings enter S and R; the others are counted per outcome. */
public enum RatingOutcome {
    VALID, REFUSAL, AMBIGUOUS, OUT_OF_RANGE, NO_RATING, EMPTY, PROVIDER_ERROR;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RatingOutcome fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
