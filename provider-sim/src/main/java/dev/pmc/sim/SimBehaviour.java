package dev.pmc.sim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How the simulated provider behaves beyond its models' answers; set at start from pmc.sim.* and at run time
 * with {@code PUT /admin/behaviour}. Zero/absent limits mean unlimited.
 * @param rpm              requests per minute per model (token bucket, 429 when exceeded)
 * @param tpm              tokens per minute per model (prompt tokens + max_tokens, like OpenAI counts them)
 * @param burstSeconds     bucket depth in seconds of the limit (1 = at most rpm/60 at once)
 * @param rateLimitHeaders send x-ratelimit-* / anthropic-ratelimit-* headers
 * @param errorRate        share of admitted calls answered 5xx
 * @param timeoutRate      share of admitted calls that hang for timeoutMs before answering
 * @param timeoutMs        how long such a call hangs
 * @param malformedRate    share answered 200 with a truncated JSON body
 * @param slowRate         share delayed by slowMs extra
 * @param slowMs           extra delay of slow calls
 * @param faultMode        independent (every call draws its fault) or transient (a distinct request fails at
 *                         most on its first call, like a provider hiccup)
 * @param apiKey           when set, calls must present this key (401 otherwise)
 * @param blockRate        share of admitted Gemini calls whose prompt is blocked (no candidates, promptFeedback.blockReason)
 * @param quotaExhausted   every call is refused as the account's quota being used up, in each provider's shape
 *                         (OpenAI 429 insufficient_quota, Anthropic 400 credit balance, Gemini 429 per-day quota)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SimBehaviour(int rpm, int tpm, double burstSeconds, boolean rateLimitHeaders, double errorRate,
                           double timeoutRate, long timeoutMs, double malformedRate, double slowRate, long slowMs,
                           String faultMode, String apiKey, double blockRate, boolean quotaExhausted) {
    public static SimBehaviour defaults() {
        return new SimBehaviour(0, 0, 1, true, 0, 0, 60_000, 0, 0, 0, "independent", null, 0, false);
    }

    public void validate() {
        if (rpm < 0 || tpm < 0) throw new IllegalArgumentException("rpm and tpm must be >= 0");
        if (!(burstSeconds > 0)) throw new IllegalArgumentException("burstSeconds must be > 0");
        double total = errorRate + timeoutRate + malformedRate + slowRate;
        if (errorRate < 0 || timeoutRate < 0 || malformedRate < 0 || slowRate < 0 || total > 1) {
            throw new IllegalArgumentException("fault rates must be >= 0 and sum to at most 1");
        }
        if (!(blockRate >= 0 && blockRate <= 1)) throw new IllegalArgumentException("blockRate must be within 0..1");
        if (!"independent".equals(faultMode) && !"transient".equals(faultMode)) {
            throw new IllegalArgumentException("faultMode must be independent or transient");
        }
    }

    public boolean transientFaults() {
        return "transient".equals(faultMode);
    }
}
