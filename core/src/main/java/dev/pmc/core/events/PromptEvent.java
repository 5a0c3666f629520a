package dev.pmc.core.events;

/**
 * Topic pmc.prompts: one request for one slot attempt. {@code system} is null for runs without persona.
 * Schema version {@link #VERSION}.
 */
public record PromptEvent(int v, SlotId slot, int attempt, String system, String user, double temperature,
                          int maxTokens, long createdAtMs) {
    public static final int VERSION = 1;
}
