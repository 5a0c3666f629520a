package dev.pmc.gateway.provider;

/** One call, independent of the provider's wire format. system may be null; topLogprobs null = none. */
public record ProviderRequest(String system, String user, double temperature, int maxTokens, Long seed, Integer topLogprobs) {
    /** Tokens the provider will count against the limit before it answers: ~4 characters a token, plus max_tokens. */
    public int estimatedTokens() {
        int chars = (system == null ? 0 : system.length()) + (user == null ? 0 : user.length());
        return (int) Math.ceil(chars / 4.0) + maxTokens;
    }
}
