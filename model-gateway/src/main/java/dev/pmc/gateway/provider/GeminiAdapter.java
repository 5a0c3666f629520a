package dev.pmc.gateway.provider;

import dev.pmc.core.targets.ModelCapabilities;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Google Gemini {@code POST {base}models/{model}:generateContent} (x-goog-api-key): the persona goes in
 * systemInstruction, parameters in generationConfig (temperature, maxOutputTokens, seed). A 429's retry delay
 * comes in the body as google.rpc.RetryInfo.retryDelay ("1.5s"). A call for k answers sets candidateCount k.
 */
public final class GeminiAdapter extends ProviderAdapter {
    GeminiAdapter(HttpTransport http, URI base, String model, String key, Duration timeout, ModelCapabilities caps) {
        super(http, base, model, key, timeout, caps);
    }

    @Override
    protected Call request(ProviderRequest r) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        if (r.system() != null) body.putObject("systemInstruction").putArray("parts").addObject().put("text", r.system());
        body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", r.user());
        // thinking counts against maxOutputTokens: off where the family allows it (budget 0), else a budget the limit includes
        ObjectNode g = body.putObject("generationConfig").put("maxOutputTokens", caps.outputLimit(r.maxTokens()));
        if (caps.fixedTemperature() == null) g.put("temperature", r.temperature());
        if (caps.thinkingBudget() != null) g.putObject("thinkingConfig").put("thinkingBudget", caps.thinkingBudget());
        if (r.seed() != null) g.put("seed", (int) (r.seed() ^ (r.seed() >>> 32)));
        if (r.choices() > 1) g.put("candidateCount", r.choices());
        return new Call(base.resolve(resource() + ":generateContent"), key == null ? java.util.Map.of()
                : java.util.Map.of("x-goog-api-key", key), JSON.writeValueAsBytes(body));
    }

    /** models/NAME, or a tuned model's own resource name (tunedModels/NAME) as it is. */
    private String resource() {
        return model.startsWith("tunedModels/") || model.startsWith("models/") ? model : "models/" + model;
    }

    @Override
    protected ProviderReply parse(JsonNode body, RateLimitInfo limits) {
        JsonNode candidates = body.get("candidates");
        JsonNode usage = body.path("usageMetadata");
        // thoughts are billed as output but not counted in candidatesTokenCount
        int output = intOr0(usage.get("candidatesTokenCount")) + intOr0(usage.get("thoughtsTokenCount"));
        if (candidates == null || !candidates.isArray() || candidates.isEmpty()) {
            // a blocked prompt: no candidates, the reason in promptFeedback; the provider refused, the reply is not broken
            String reason = body.path("promptFeedback").path("blockReason").asText("");
            if (reason.isEmpty()) throw new IllegalStateException("no candidates");
            return new ProviderReply(java.util.List.of(), null, intOr0(usage.get("promptTokenCount")), output, limits, "prompt blocked (" + reason + ")");
        }
        String[] texts = new String[candidates.size()];
        for (int k = 0; k < candidates.size(); k++) {
            JsonNode c = candidates.get(k);
            int i = c.has("index") ? c.get("index").asInt(-1) : k;
            if (i < 0 || i >= texts.length || texts[i] != null) throw new IllegalStateException("candidate index " + i);
            // a candidate without parts (finishReason MAX_TOKENS after thinking, or SAFETY) is an empty answer: the scorer
            // reads it as empty and re-asks it
            StringBuilder text = new StringBuilder();
            for (JsonNode p : c.path("content").path("parts")) if (p.has("text") && !p.path("thought").asBoolean(false)) text.append(p.get("text").asText());
            texts[i] = text.toString();
        }
        return new ProviderReply(java.util.Arrays.asList(texts), null, intOr0(usage.get("promptTokenCount")), output, limits);
    }

    @Override
    protected Long retryDelayFromBody(JsonNode body) {
        for (JsonNode d : body.path("error").path("details")) {
            if (d.path("@type").asText().endsWith("google.rpc.RetryInfo")) return RateLimitInfo.parseDuration(d.path("retryDelay").asText(""));
        }
        return null;
    }

    /**
     * RESOURCE_EXHAUSTED for a per-day quota (a QuotaFailure violation of a ...PerDay... quota), or without a RetryInfo
     * to wait for: the day's quota is spent. A per-minute limit carries a RetryInfo and stays a rate limit.
     */
    @Override
    protected boolean quotaExhausted(int status, JsonNode body, RateLimitInfo limits) {
        if (status != 429) return false;
        boolean retryInfo = false, perDay = false;
        for (JsonNode d : body.path("error").path("details")) {
            String type = d.path("@type").asText("");
            if (type.endsWith("google.rpc.RetryInfo")) retryInfo = true;
            if (type.endsWith("google.rpc.QuotaFailure")) {
                for (JsonNode v : d.path("violations")) if (v.path("quotaId").asText("").contains("PerDay")) perDay = true;
            }
        }
        return perDay || !retryInfo;
    }
}
