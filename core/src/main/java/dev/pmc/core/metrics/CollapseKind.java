package dev.pmc.core.metrics;

/** How a collapsed model departs from its baseline. */
public enum CollapseKind {
    /** The paper's signature: personas pull answers further apart (S up) while each persona wavers more (R down). */
    DISPERSION,
    /** Answers pile on one rating (rating entropy falls), so S may fall although the model is damaged. */
    SATURATION;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
