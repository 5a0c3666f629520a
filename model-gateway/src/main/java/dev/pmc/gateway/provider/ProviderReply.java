package dev.pmc.gateway.provider;

import dev.pmc.core.scoring.LogprobRating;

import java.util.List;

/** A provider's answer: the text, top log-probabilities of the first token (logprob mode), usage and rate-limit headers. */
public record ProviderReply(String text, List<LogprobRating.TokenLogprob> topLogprobs, int inputTokens, int outputTokens,
                            RateLimitInfo limits) {
}
