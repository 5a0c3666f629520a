package dev.pmc.gateway.provider;

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
    GeminiAdapter(HttpTransport http, URI base, String model, String key, Duration timeout) {
        super(http, base, model, key, timeout);
    }

    @Override
    protected Call request(ProviderRequest r) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        if (r.system() != null) body.putObject("systemInstruction").putArray("parts").addObject().put("text", r.system());
        body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", r.user());
        ObjectNode g = body.putObject("generationConfig").put("temperature", r.temperature()).put("maxOutputTokens", r.maxTokens());
        if (r.seed() != null) g.put("seed", (int) (r.seed() ^ (r.seed() >>> 32)));
        if (r.choices() > 1) g.put("candidateCount", r.choices());
        return new Call(base.resolve("models/" + model + ":generateContent"), key == null ? java.util.Map.of()
                : java.util.Map.of("x-goog-api-key", key), JSON.writeValueAsBytes(body));
    }

    @Override
    protected ProviderReply parse(JsonNode body, RateLimitInfo limits) {
        JsonNode candidates = body.get("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) throw new IllegalStateException("no candidates");
        String[] texts = new String[candidates.size()];
        for (int k = 0; k < candidates.size(); k++) {
            JsonNode c = candidates.get(k);
            int i = c.has("index") ? c.get("index").asInt(-1) : k;
            if (i < 0 || i >= texts.length || texts[i] != null) throw new IllegalStateException("candidate index " + i);
            StringBuilder text = new StringBuilder();
            for (JsonNode p : c.get("content").get("parts")) if (p.has("text")) text.append(p.get("text").asText());
            texts[i] = text.toString();
        }
        JsonNode usage = body.path("usageMetadata");
        return new ProviderReply(java.util.Arrays.asList(texts), null, intOr0(usage.get("promptTokenCount")), intOr0(usage.get("candidatesTokenCount")), limits);
    }

    @Override
    protected Long retryDelayFromBody(JsonNode body) {
        for (JsonNode d : body.path("error").path("details")) {
            if (d.path("@type").asText().endsWith("google.rpc.RetryInfo")) return RateLimitInfo.parseDuration(d.path("retryDelay").asText(""));
        }
        return null;
    }
}
