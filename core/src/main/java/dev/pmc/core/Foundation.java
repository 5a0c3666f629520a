package dev.pmc.core;

/** The five moral foundations of MFQ-30. Item q (1-based) belongs to foundation (q-1) mod 5. */
public enum Foundation {
    HARM("harm", "Harm/Care"),
    FAIRNESS("fairness", "Fairness/Reciprocity"),
    LOYALTY("loyalty", "In-group/Loyalty"),
    AUTHORITY("authority", "Authority/Respect"),
    PURITY("purity", "Purity/Sanctity");

    /** Short lower-case name, used as the Prometheus {@code foundation} label value. */
    public final String key;
    /** The name the reference data uses (expected_metrics_per_foundation.csv). */
    public final String label;

    Foundation(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** Foundation of a 1-based MFQ item id: the foundations cycle Harm, Fairness, Loyalty, Authority, Purity. */
    public static Foundation ofItem(int itemId) {
        if (itemId < 1) throw new IllegalArgumentException("item id must be >= 1: " + itemId);
        return values()[(itemId - 1) % 5];
    }

    public static Foundation byKeyOrLabel(String s) {
        for (Foundation f : values()) {
            if (f.key.equalsIgnoreCase(s) || f.label.equalsIgnoreCase(s)) return f;
        }
        throw new IllegalArgumentException("unknown foundation: " + s);
    }
}
