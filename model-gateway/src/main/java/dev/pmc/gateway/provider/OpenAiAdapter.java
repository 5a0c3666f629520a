package dev.pmc.gateway.provider;

import dev.pmc.core.events.TokenLogprob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmc.core.targets.ModelCapabilities;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI-compatible Chat Completions ({@code POST {base}chat/completions}, Bearer key): OpenAI, OpenRouter,
 * DeepSeek, xAI, Together, vLLM, Ollama, llama.cpp server, provider-sim. Logprob mode sends
 * {@code logprobs: true, top_logprobs: k} and reads {@code choices[0].logprobs.content[0].top_logprobs}. A call for k
 * answers sends {@code n: k} and reads every choice by its index. The model's family ({@link
 * ModelCapabilities}) decides the output-limit field, temperature, reasoning effort and logprobs;
 * completion_tokens includes reasoning tokens, so they are in the cost.
 */
public final class OpenAiAdapter extends ProviderAdapter {
    OpenAiAdapter(HttpTransport http, URI base, String model, String key, Duration timeout, ModelCapabilities caps) {
        super(http, base, model, key, timeout, caps);
    }

    @Override
    protected Call request(ProviderRequest r) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        ArrayNode messages = body.putArray("messages");
        if (r.system() != null) messages.addObject().put("role", "system").put("content", r.system());
        messages.addObject().put("role", "user").put("content", r.user());
        // reasoning models (o-series, GPT-5): max_completion_tokens with room for reasoning, the lowest reasoning_effort,
        // no temperature (only the default is accepted) and no logprobs (the registry refuses logprob mode for them)
        body.put(caps.tokenField(), caps.outputLimit(r.maxTokens()));
        if (caps.fixedTemperature() == null) body.put("temperature", r.temperature());
        if (caps.reasoningEffort() != null) body.put("reasoning_effort", caps.reasoningEffort());
        if (r.seed() != null) body.put("seed", r.seed());
        if (r.topLogprobs() != null && caps.logprobs()) body.put("logprobs", true).put("top_logprobs", r.topLogprobs());
        if (r.choices() > 1) body.put("n", r.choices());
        return new Call(base.resolve("chat/completions"), key == null ? java.util.Map.of() : java.util.Map.of("Authorization", "Bearer " + key),
                JSON.writeValueAsBytes(body));
    }

    @Override
    protected ProviderReply parse(JsonNode body, RateLimitInfo limits) {
        JsonNode choices = body.get("choices");
        if (!choices.isArray() || choices.isEmpty()) throw new IllegalStateException("no choices");
        JsonNode choice = choices.get(0);
        List<String> texts;
        if (choices.size() == 1) {
            texts = java.util.Collections.singletonList(text(choice));
        } else {
            // by index (a provider may list them in any order); an index out of range or given twice is a wrong shape
            String[] byIndex = new String[choices.size()];
            boolean[] seen = new boolean[choices.size()];
            for (JsonNode c : choices) {
                int i = c.path("index").asInt(-1);
                if (i < 0 || i >= byIndex.length || seen[i]) throw new IllegalStateException("choice index " + i);
                seen[i] = true;
                byIndex[i] = text(c);
                if (i == 0) choice = c;
            }
            texts = java.util.Arrays.asList(byIndex);
        }
        List<TokenLogprob> top = null;
        JsonNode first = choice.path("logprobs").path("content").path(0).path("top_logprobs");
        if (first.isArray()) {
            top = new ArrayList<>();
            for (JsonNode t : first) top.add(new TokenLogprob(t.get("token").asText(), t.get("logprob").asDouble()));
        }
        JsonNode usage = body.path("usage");
        return new ProviderReply(texts, top, intOr0(usage.get("prompt_tokens")), intOr0(usage.get("completion_tokens")), limits);
    }

    private static String text(JsonNode choice) {
        JsonNode content = choice.get("message").get("content");
        return content == null || content.isNull() ? null : content.asText();
    }

    /** 429 insufficient_quota (no credit left) or a billing hard limit, as opposed to 429 rate_limit_exceeded. */
    @Override
    protected boolean quotaExhausted(int status, JsonNode body, RateLimitInfo limits) {
        JsonNode e = body.path("error");
        String code = e.path("code").asText("") + " " + e.path("type").asText("");
        return (status == 429 || status == 403) && (code.contains("insufficient_quota") || code.contains("billing_hard_limit_reached"));
    }
}
