package dev.pmc.core;

/** One MFQ-30 item: 1-based id, type, foundation and the published wording. */
public record MfqItem(int id, ItemType type, Foundation foundation, String text) {
}
