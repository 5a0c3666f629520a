package dev.pmc.core.events;

/**
 * Topic pmc.prompts: one request for one slot attempt. {@code system} is null for runs without persona.
 * {@code topLogprobs} is set in logprob mode (one call per cell): the gateway asks the provider for that many
 * top log-probabilities of the first token; null in sampling mode. Schema version {@link #VERSION}.
 */
public record PromptEvent(int v, SlotId slot, int attempt, String system, String user, double temperature,
                          int maxTokens, long createdAtMs, Integer topLogprobs) {
    public static final int VERSION = 1;

    public PromptEvent(int v, SlotId slot, int attempt, String system, String user, double temperature, int maxTokens,
                       long createdAtMs) {
        this(v, slot, attempt, system, user, temperature, maxTokens, createdAtMs, null);
    }

    /** The same slot's next attempt, asked the same way. */
    public PromptEvent nextAttempt(long nowMs) {
        return new PromptEvent(v, slot, attempt + 1, system, user, temperature, maxTokens, nowMs, topLogprobs);
    }

    public boolean logprobMode() {
        return topLogprobs != null && topLogprobs > 0;
    }
}
