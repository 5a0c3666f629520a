package dev.pmc.gateway.provider;

import dev.pmc.core.scoring.LogprobRating;

import java.util.List;

/**
 * A provider's answer: the text of each choice in index order (one unless the call asked for several; an entry may be
 * null), top log-probabilities of the first choice's first token (logprob mode), usage of the whole call and rate-limit
 * headers.
 */
public record ProviderReply(List<String> texts, List<LogprobRating.TokenLogprob> topLogprobs, int inputTokens, int outputTokens,
                            RateLimitInfo limits) {
    public ProviderReply(String text, List<LogprobRating.TokenLogprob> topLogprobs, int inputTokens, int outputTokens, RateLimitInfo limits) {
        this(java.util.Collections.singletonList(text), topLogprobs, inputTokens, outputTokens, limits);
    }

    /** The first choice's text. */
    public String text() {
        return texts.isEmpty() ? null : texts.get(0);
    }
}
