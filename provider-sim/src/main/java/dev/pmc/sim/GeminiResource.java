package dev.pmc.sim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
    public record GenerationConfig(Double temperature, Integer maxOutputTokens, Long seed, Integer candidateCount) {
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
        GenerationConfig g = req.generationConfig() == null ? new GenerationConfig(null, null, null, null) : req.generationConfig();
        StringBuilder user = new StringBuilder();
        for (Content c : req.contents()) if (c.role() == null || "user".equals(c.role())) user.append(c.text());
        var s = provider.serve(new SimProvider.Ask(model, req.systemInstruction() == null ? null : req.systemInstruction().text(),
                user.toString(), g.temperature() == null ? 1.0 : g.temperature(), g.maxOutputTokens() == null ? 16 : g.maxOutputTokens(),
                g.seed(), null, headerKey != null ? headerKey : queryKey, g.candidateCount() == null ? 1 : g.candidateCount()));
        Response r = switch (s.kind()) {
            case "unauthorized" -> error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
            case "unknown_model" -> error(404, "NOT_FOUND", s.message());
            case "invalid_request" -> error(400, "INVALID_ARGUMENT", s.message());
            case "rate_limited" -> Response.status(429).entity(Map.of("error", Map.of("code", 429, "status", "RESOURCE_EXHAUSTED",
                    "message", s.message(), "details", List.of(Map.of("@type", "type.googleapis.com/google.rpc.RetryInfo",
                            "retryDelay", String.format(java.util.Locale.ROOT, "%.3fs", s.limit().retryAfterMs() / 1000.0)))))).type(MediaType.APPLICATION_JSON).build();
            case "server_error" -> error(s.status(), s.status() == 503 ? "UNAVAILABLE" : "INTERNAL", s.message());
            case "malformed" -> Response.ok("{\"candidates\":[{\"content\":{\"parts\":[{\"te").type(MediaType.APPLICATION_JSON).build();
            default -> Response.ok(Map.of("candidates", candidates(s.replies()),
                    "usageMetadata", Map.of("promptTokenCount", s.promptTokens(), "candidatesTokenCount", s.completionTokens(),
                            "totalTokenCount", s.promptTokens() + s.completionTokens()),
                    "modelVersion", model)).type(MediaType.APPLICATION_JSON).build();
        };
        return SimResponses.delayed(r, s.delayMs());
    }

    private static List<Map<String, Object>> candidates(List<String> replies) {
        List<Map<String, Object>> out = new java.util.ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            out.add(Map.of("content", Map.of("role", "model", "parts", List.of(Map.of("text", replies.get(i)))), "finishReason", "STOP", "index", i));
        }
        return out;
    }

    private static Response error(int status, String code, String message) {
        return Response.status(status).entity(Map.of("error", Map.of("code", status, "status", code, "message", message)))
                .type(MediaType.APPLICATION_JSON).build();
    }
}
