package dev.pmc.core.events;

/** One entry of a provider's top_logprobs list: a token and its log-probability (as the response event carries it). */
public record TokenLogprob(String token, double logprob) {
}
