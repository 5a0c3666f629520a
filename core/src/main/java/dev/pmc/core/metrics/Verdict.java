package dev.pmc.core.metrics;

/** The judgement of a reading, against its baseline or, without one, against the base-model band of S. */
public enum Verdict {
    /** No significant move toward collapse (or, without a baseline, S inside the band). */
    CONSISTENT,
    /** A significant move at least halfway to a collapse threshold that is not a collapse (or S outside the band). */
    DRIFTING,
    /** A collapse threshold crossed significantly; see {@link CollapseKind}. */
    COLLAPSED,
    /** S or R not finite, or too few personas retained, on either side: no judgement. */
    INSUFFICIENT;

    /** The lower-case name used in JSON, CSV and Prometheus labels. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
