package dev.pmc.gateway.provider;

import dev.pmc.core.events.TokenLogprob;

import java.util.List;

/**
 * A provider's answer: the text of each choice in index order (one unless the call asked for several; an entry may be
 * null), top log-probabilities of the first choice's first token (logprob mode), usage of the whole call (output
 * includes reasoning or thinking tokens, billed as output), rate-limit headers, and the provider's own refusal to answer
 * the prompt at all (Gemini's promptFeedback.blockReason; null otherwise: then {@code texts} is empty).
 */
public record ProviderReply(List<String> texts, List<TokenLogprob> topLogprobs, int inputTokens, int outputTokens,
                            RateLimitInfo limits, String refusal) {
    public ProviderReply(List<String> texts, List<TokenLogprob> topLogprobs, int inputTokens, int outputTokens, RateLimitInfo limits) {
        this(texts, topLogprobs, inputTokens, outputTokens, limits, null);
    }

    public ProviderReply(String text, List<TokenLogprob> topLogprobs, int inputTokens, int outputTokens, RateLimitInfo limits) {
        this(java.util.Collections.singletonList(text), topLogprobs, inputTokens, outputTokens, limits);
    }

    /** The first choice's text. */
    public String text() {
        return texts.isEmpty() ? null : texts.get(0);
    }
}
