package dev.pmc.core.events;


/**
 * Topic pmc.responses: the provider's reply to a prompt attempt, or the error that prevented one
 * ({@code reply} null, {@code error} set). {@code prompt} is the prompt event it answers, so the scorer can
 * re-ask the same slot; it is null for replayed replies, which cannot be re-asked. {@code topLogprobs} is set in
 * logprob mode: the top log-probabilities of the first generated token. {@code costUsd} is what the call cost by the
 * target's price table and the provider's token counts (null without a price or a reply). Schema version
 * {@link #VERSION}.
 */
public record ResponseEvent(int v, SlotId slot, int attempt, String model, String reply, String error,
                            long latencyMs, long createdAtMs, PromptEvent prompt,
                            java.util.List<TokenLogprob> topLogprobs, Double costUsd) {
    public static final int VERSION = 1;
    /** How an error starts when the provider itself declined to answer (a blocked prompt): the scorer reads a refusal. */
    public static final String PROVIDER_REFUSAL = "refused by the provider: ";

    public ResponseEvent(int v, SlotId slot, int attempt, String model, String reply, String error, long latencyMs, long createdAtMs,
                         PromptEvent prompt, java.util.List<TokenLogprob> topLogprobs) {
        this(v, slot, attempt, model, reply, error, latencyMs, createdAtMs, prompt, topLogprobs, null);
    }

    public ResponseEvent(int v, SlotId slot, int attempt, String model, String reply, String error, long latencyMs, long createdAtMs) {
        this(v, slot, attempt, model, reply, error, latencyMs, createdAtMs, null, null, null);
    }

    public ResponseEvent(int v, SlotId slot, int attempt, String model, String reply, String error, long latencyMs, long createdAtMs,
                         PromptEvent prompt) {
        this(v, slot, attempt, model, reply, error, latencyMs, createdAtMs, prompt, null, null);
    }
}
