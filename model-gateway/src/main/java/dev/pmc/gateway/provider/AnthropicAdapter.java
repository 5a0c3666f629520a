package dev.pmc.gateway.provider;

import dev.pmc.core.targets.ModelCapabilities;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Anthropic Messages ({@code POST {base}messages}, x-api-key, anthropic-version 2023-06-01): the persona is the
 * top-level system field; the reply is the concatenated text blocks. The API has no seed.
 */
public final class AnthropicAdapter extends ProviderAdapter {
    static final String VERSION = "2023-06-01";

    AnthropicAdapter(HttpTransport http, URI base, String model, String key, Duration timeout, ModelCapabilities caps) {
        super(http, base, model, key, timeout, caps);
    }

    @Override
    protected Call request(ProviderRequest r) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", r.maxTokens())
                .put("temperature", Math.min(1.0, r.temperature()));
        if (r.system() != null) body.put("system", r.system());
        body.putArray("messages").addObject().put("role", "user").put("content", r.user());
        return new Call(base.resolve("messages"), key == null ? java.util.Map.of("anthropic-version", VERSION)
                : java.util.Map.of("anthropic-version", VERSION, "x-api-key", key), JSON.writeValueAsBytes(body));
    }

    @Override
    protected ProviderReply parse(JsonNode body, RateLimitInfo limits) {
        if (!body.get("content").isArray()) throw new IllegalStateException("content is not a list");
        StringBuilder text = new StringBuilder();
        for (JsonNode block : body.get("content")) if ("text".equals(block.path("type").asText())) text.append(block.get("text").asText());
        JsonNode usage = body.path("usage");
        return new ProviderReply(text.toString(), null, intOr0(usage.get("input_tokens")), intOr0(usage.get("output_tokens")), limits);
    }

    /** A spend or usage limit, or no credit left ("Your credit balance is too low ..."): not a rate limit. */
    @Override
    protected boolean quotaExhausted(int status, JsonNode body, RateLimitInfo limits) {
        if (status != 400 && status != 429 && status != 403) return false;
        String m = body.path("error").path("message").asText("").toLowerCase(java.util.Locale.ROOT);
        return m.contains("credit balance") || m.contains("usage limit") || m.contains("spend limit");
    }
}
