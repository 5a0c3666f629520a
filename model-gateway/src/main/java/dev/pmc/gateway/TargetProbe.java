package dev.pmc.gateway;

import dev.pmc.core.Mfq30;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;
import dev.pmc.core.targets.ModelCapabilities;
import dev.pmc.gateway.provider.ProviderException;
import dev.pmc.gateway.provider.ProviderReply;
import dev.pmc.gateway.provider.ProviderRequest;
import dev.pmc.gateway.provider.RateLimitInfo;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.targets.TargetConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One call to a target exactly as its runs would make it (bin/pmc probe, {@code POST /api/v1/targets/{t}/probe}): the
 * first persona and MFQ item 1, the target's temperature, answer budget and model family. Reports the request (URL,
 * header names, body; never the key), the status, the answer and how it parses, tokens and cost, the rate-limit headers
 * seen and, when the provider refuses the request, which target field to change. It bypasses the account limiter and
 * the breaker (one call, asked for by an admin) and writes no event.
 */
final class TargetProbe {
    private TargetProbe() {
    }

    static CompletionStage<Map<String, Object>> run(TargetRuntime rt) {
        var t = rt.config();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", t.name());
        out.put("provider", t.provider());
        out.put("model", t.model());
        ModelCapabilities caps = ModelCapabilities.of(t);
        out.put("family", caps.family());
        ProviderRequest req = new ProviderRequest(PromptTemplate.system(PersonaCatalog.defaultSet().get(0)),
                PromptTemplate.user(Mfq30.get().item(1)), t.temperature(), t.maxTokens(), 1L, null);
        try {
            out.put("request", rt.adapter().describe(req));
        } catch (java.io.IOException e) {
            out.put("request", "cannot be encoded: " + e.getMessage());
        }
        if (rt.keyProblem() != null) {
            out.put("ok", false);
            out.put("error", rt.keyProblem());
            out.put("change", rt.keyProblem().contains("baseUrl") ? "baseUrl" : "apiKey");
            return java.util.concurrent.CompletableFuture.completedFuture(out);
        }
        long t0 = System.nanoTime();
        return rt.adapter().call(req).handle((reply, failure) -> {
            out.put("latencyMs", (System.nanoTime() - t0) / 1_000_000);
            if (failure != null) {
                Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                out.put("ok", false);
                if (c instanceof ProviderException pe) {
                    out.put("status", pe.status());
                    out.put("kind", pe.kind().label);
                    out.put("error", pe.getMessage());
                    out.put("rateLimits", limits(pe.limits()));
                    String field = fieldToChange(pe.status(), pe.getMessage());
                    if (field != null) out.put("change", field);
                } else {
                    out.put("error", String.valueOf(c.getMessage()));
                }
                return out;
            }
            out.put("status", 200);
            answer(out, reply, t.price());
            return out;
        });
    }

    private static void answer(Map<String, Object> out, ProviderReply reply, TargetConfig.Price price) {
        String text = reply.refusal() != null ? null : reply.text();
        ParsedRating parsed = RatingParser.parse(Mfq30.get().item(1).type(), text);
        out.put("ok", reply.refusal() == null && parsed.outcome() == RatingOutcome.VALID);
        out.put("answer", text);
        if (reply.refusal() != null) out.put("refusal", reply.refusal());
        out.put("outcome", reply.refusal() != null ? "refusal" : parsed.outcome().wire());
        if (parsed.rating() != null) out.put("rating", parsed.rating());
        out.put("inputTokens", reply.inputTokens());
        out.put("outputTokens", reply.outputTokens());
        Double cost = GatewayProcessor.costUsd(price, reply);
        if (cost != null) out.put("costUsd", cost);
        out.put("rateLimits", limits(reply.limits()));
        if (reply.refusal() == null && (text == null || text.isBlank())) {
            out.put("change", "capabilities.reasoningTokens (the answer came back empty: reasoning or thinking used the whole output limit)");
        }
    }

    private static Map<String, Object> limits(RateLimitInfo l) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (l == null) return m;
        if (l.limitRequests() != null) m.put("limitRequests", l.limitRequests());
        if (l.remainingRequests() != null) m.put("remainingRequests", l.remainingRequests());
        if (l.resetRequestsMs() != null) m.put("resetRequestsMs", l.resetRequestsMs());
        if (l.limitTokens() != null) m.put("limitTokens", l.limitTokens());
        if (l.remainingTokens() != null) m.put("remainingTokens", l.remainingTokens());
        if (l.resetTokensMs() != null) m.put("resetTokensMs", l.resetTokensMs());
        if (l.retryAfterMs() != null) m.put("retryAfterMs", l.retryAfterMs());
        return m;
    }

    /**
     * The target field behind a refused request, from the status and the provider's message (which names the request
     * parameter); null when nothing in the target would change it.
     */
    static String fieldToChange(int status, String message) {
        String m = message == null ? "" : message;
        if (status == 401 || status == 403) return "apiKey (the provider refused the key)";
        if (status == 404) return "model, or baseUrl (Gemini's ends in /v1beta, Anthropic's and OpenAI's in /v1)";
        if (status != 400 && status != 422) return null;
        if (m.contains("max_completion_tokens") || m.contains("'max_tokens'")) {
            return "capabilities.family (the model takes max_completion_tokens: a reasoning family such as openai-reasoning-o)";
        }
        if (m.contains("reasoning_effort")) return "capabilities.family (this model takes no reasoning_effort: openai-chat, or the effort it names)";
        if (m.contains("temperature")) return "temperature (leave it out: the model takes only its default)";
        if (m.contains("logprobs")) return "mode (the model returns no logprobs: use sampling or sequential)";
        if (m.contains("candidateCount") || m.contains("'n'") || m.contains(" n ")) return "choicesPerCall";
        if (m.toLowerCase(java.util.Locale.ROOT).contains("thinking") || m.contains("Budget")) return "capabilities.family or capabilities.reasoningTokens (thinking budget)";
        if (m.contains("anthropic-version")) return "provider (the endpoint's API version is not Anthropic's)";
        return null;
    }
}
