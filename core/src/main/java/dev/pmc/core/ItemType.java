package dev.pmc.core;

/** MFQ-30 item types: part 1 asks for relevance, part 2 for agreement; both on a 0-5 scale. */
public enum ItemType {
    RELEVANCE, AGREEMENT;

    public static ItemType parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
