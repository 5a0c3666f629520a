package dev.pmc.sim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pmc.core.targets.ModelCapabilities;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/**
 * Google Gemini {@code POST /v1beta/models/{model}:generateContent} shape: key in x-goog-api-key (or ?key=),
 * systemInstruction and contents of parts, generationConfig with temperature, maxOutputTokens and seed.
 * 429 is RESOURCE_EXHAUSTED with a google.rpc.RetryInfo retryDelay.
 */
@Path("/v1beta/models")
@Produces(MediaType.APPLICATION_JSON)
public class GeminiResource {
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Part(String text) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Content(String role, List<Part> parts) {
        String text() {
            StringBuilder sb = new StringBuilder();
            if (parts != null) for (Part p : parts) if (p.text() != null) sb.append(p.text());
            return sb.toString();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GenerationConfig(Double temperature, Integer maxOutputTokens, Long seed, Integer candidateCount, ThinkingConfig thinkingConfig) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ThinkingConfig(Integer thinkingBudget, Boolean includeThoughts) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Request(List<Content> contents, Content systemInstruction, GenerationConfig generationConfig) {
    }

    @Inject
    SimProvider provider;

    @POST
    @Path("/{model}:generateContent")
    public Uni<Response> generate(@PathParam("model") String model, @HeaderParam("x-goog-api-key") String headerKey,
                                  @QueryParam("key") String queryKey, Request req) {
        if (req == null || req.contents() == null || req.contents().isEmpty()) {
            return Uni.createFrom().item(error(400, "INVALID_ARGUMENT", "contents is required"));
        }
        GenerationConfig g = req.generationConfig() == null ? new GenerationConfig(null, null, null, null, null) : req.generationConfig();
        // the family's limits (pmc/models/capabilities.json): 1..8 candidates; 2.5 models think unless told otherwise
        // (Flash and Flash-Lite may be told budget 0, Pro thinks at least 128 tokens), and thoughts count against
        // maxOutputTokens
        ModelCapabilities caps = ModelCapabilities.of("gemini", model);
        if (g.candidateCount() != null && (g.candidateCount() < 1 || g.candidateCount() > caps.maxChoices())) {
            return Uni.createFrom().item(error(400, "INVALID_ARGUMENT", "candidateCount must be 1.." + caps.maxChoices() + ", was " + g.candidateCount()));
        }
        Integer budget = g.thinkingConfig() == null ? null : g.thinkingConfig().thinkingBudget();
        int minBudget = caps.family().equals("gemini-2.5-pro") ? 128 : 0;
        if (budget != null && budget != -1 && (budget < minBudget || budget > 32768)) {
            return Uni.createFrom().item(error(400, "INVALID_ARGUMENT", budget == 0 ? "Budget 0 is invalid. This model only works in thinking mode."
                    : "thinking_budget must be " + minBudget + "..32768 for this model, was " + budget));
        }
        int thinking = thinkingTokens(caps, budget);
        if (provider.blockPrompt()) {
            return SimResponses.delayed(Response.ok(Map.of("promptFeedback", Map.of("blockReason", "SAFETY"),
                    "usageMetadata", Map.of("promptTokenCount", 1, "totalTokenCount", 1), "modelVersion", model)).type(MediaType.APPLICATION_JSON).build(), 0);
        }
        StringBuilder user = new StringBuilder();
        for (Content c : req.contents()) if (c.role() == null || "user".equals(c.role())) user.append(c.text());
        var s = provider.serve(new SimProvider.Ask(model, req.systemInstruction() == null ? null : req.systemInstruction().text(),
                user.toString(), g.temperature() == null ? 1.0 : g.temperature(), g.maxOutputTokens() == null ? 16 : g.maxOutputTokens(),
                g.seed(), null, headerKey != null ? headerKey : queryKey, g.candidateCount() == null ? 1 : g.candidateCount(), thinking));
        Response r = switch (s.kind()) {
            case "unauthorized" -> error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
            case "unknown_model" -> error(404, "NOT_FOUND", s.message());
            case "invalid_request" -> error(400, "INVALID_ARGUMENT", s.message());
            case "quota_exhausted" -> Response.status(429).entity(Map.of("error", Map.of("code", 429, "status", "RESOURCE_EXHAUSTED",
                    "message", "You exceeded your current quota, please check your plan and billing details.",
                    "details", List.of(Map.of("@type", "type.googleapis.com/google.rpc.QuotaFailure", "violations", List.of(Map.of(
                            "quotaMetric", "generativelanguage.googleapis.com/generate_content_requests",
                            "quotaId", "GenerateRequestsPerDayPerProjectPerModel"))))))).type(MediaType.APPLICATION_JSON).build();
            case "rate_limited" -> Response.status(429).entity(Map.of("error", Map.of("code", 429, "status", "RESOURCE_EXHAUSTED",
                    "message", s.message(), "details", List.of(Map.of("@type", "type.googleapis.com/google.rpc.RetryInfo",
                            "retryDelay", String.format(java.util.Locale.ROOT, "%.3fs", s.limit().retryAfterMs() / 1000.0)))))).type(MediaType.APPLICATION_JSON).build();
            case "server_error" -> error(s.status(), s.status() == 503 ? "UNAVAILABLE" : "INTERNAL", s.message());
            case "malformed" -> Response.ok("{\"candidates\":[{\"content\":{\"parts\":[{\"te").type(MediaType.APPLICATION_JSON).build();
            default -> Response.ok(Map.of("candidates", candidates(s.replies()),
                    "usageMetadata", usage(s), "modelVersion", model)).type(MediaType.APPLICATION_JSON).build();
        };
        return SimResponses.delayed(r, s.delayMs());
    }

    private static List<Map<String, Object>> candidates(List<String> replies) {
        List<Map<String, Object>> out = new java.util.ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            // thinking used up maxOutputTokens: the candidate has no parts at all, as the real API answers
            if (replies.get(i).isEmpty()) out.add(Map.of("content", Map.of("role", "model"), "finishReason", "MAX_TOKENS", "index", i));
            else out.add(Map.of("content", Map.of("role", "model", "parts", List.of(Map.of("text", replies.get(i)))), "finishReason", "STOP", "index", i));
        }
        return out;
    }

    /** candidatesTokenCount without thoughts; thoughtsTokenCount apart (billed as output). */
    private static Map<String, Object> usage(SimProvider.Served s) {
        Map<String, Object> u = new java.util.LinkedHashMap<>();
        u.put("promptTokenCount", s.promptTokens());
        u.put("candidatesTokenCount", s.completionTokens() - s.reasoningTokens());
        if (s.reasoningTokens() > 0) u.put("thoughtsTokenCount", s.reasoningTokens());
        u.put("totalTokenCount", s.promptTokens() + s.completionTokens());
        return u;
    }

    /** Tokens a 2.5 model thinks: its budget when given (at most what it needs here), about 100 (Flash) or 200 (Pro) when not. */
    static int thinkingTokens(ModelCapabilities caps, Integer budget) {
        int dynamic = switch (caps.family()) {
            case "gemini-2.5-pro" -> 200;
            case "gemini-2.5-flash" -> 100;
            default -> 0;
        };
        if (budget == null || budget == -1) return dynamic;
        return Math.min(budget, dynamic);
    }

    private static Response error(int status, String code, String message) {
        return Response.status(status).entity(Map.of("error", Map.of("code", status, "status", code, "message", message)))
                .type(MediaType.APPLICATION_JSON).build();
    }
}
