package dev.pmc.gateway.provider;

/**
 * One call, independent of the provider's wire format. system may be null; topLogprobs null = none. choices: answers
 * asked for in this call (OpenAI's n, Gemini's candidateCount; 1 = the field is not sent).
 */
public record ProviderRequest(String system, String user, double temperature, int maxTokens, Long seed, Integer topLogprobs, int choices) {
    public ProviderRequest(String system, String user, double temperature, int maxTokens, Long seed, Integer topLogprobs) {
        this(system, user, temperature, maxTokens, seed, topLogprobs, 1);
    }

    /**
     * Tokens the provider will count against the limit before it answers: ~4 characters a token for the prompt (sent
     * once), plus max_tokens for every choice.
     */
    public int estimatedTokens() {
        int chars = (system == null ? 0 : system.length()) + (user == null ? 0 : user.length());
        return (int) Math.ceil(chars / 4.0) + maxTokens * choices;
    }
}
