package dev.pmc.sim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Anthropic Messages API shape: {@code POST /v1/messages} with x-api-key and anthropic-version headers; the
 * system prompt is a top-level field, content a list of blocks. No seed exists in this API, so repeated
 * calls sample afresh like the real service. Rate-limit headers: anthropic-ratelimit-*; 429 with retry-after.
 */
@Path("/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
public class AnthropicMessagesResource {
    private static final AtomicLong IDS = new AtomicLong();
    static final java.util.Set<String> KNOWN_VERSIONS = java.util.Set.of("2023-06-01", "2023-01-01");

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, JsonNode content) {
        String text() {
            if (content == null) return "";
            if (content.isTextual()) return content.asText();
            StringBuilder sb = new StringBuilder();
            for (JsonNode b : content) if (b.has("text")) sb.append(b.get("text").asText());
            return sb.toString();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Request(String model, @JsonProperty("max_tokens") Integer maxTokens, JsonNode system,
                          List<Message> messages, Double temperature) {
    }

    @POST
    public Uni<Response> create(@HeaderParam("x-api-key") String apiKey, @HeaderParam("anthropic-version") String version, Request req) {
        if (version == null || version.isBlank()) return Uni.createFrom().item(error(400, "invalid_request_error", "anthropic-version header is required"));
        // like the API: only versions it has published (2023-06-01 is the current one PMC sends)
        if (!KNOWN_VERSIONS.contains(version)) {
            return Uni.createFrom().item(error(400, "invalid_request_error", "anthropic-version: \"" + version + "\" is not a valid version"));
        }
        if (req == null || req.model() == null || req.maxTokens() == null || req.messages() == null || req.messages().isEmpty()) {
            return Uni.createFrom().item(error(400, "invalid_request_error", "model, max_tokens and messages are required"));
        }
        String system = req.system() == null ? null : req.system().isTextual() ? req.system().asText()
                : new Message("system", req.system()).text();
        StringBuilder user = new StringBuilder();
        for (Message m : req.messages()) if ("user".equals(m.role())) user.append(m.text());
        var s = provider.serve(new SimProvider.Ask(req.model(), system, user.toString(),
                req.temperature() == null ? 1.0 : req.temperature(), req.maxTokens(), null, null, apiKey));
        Response.ResponseBuilder r = switch (s.kind()) {
            case "unauthorized" -> Response.status(401).entity(errorBody("authentication_error", s.message()));
            case "unknown_model" -> Response.status(404).entity(errorBody("not_found_error", s.message()));
            case "invalid_request" -> Response.status(400).entity(errorBody("invalid_request_error", s.message()));
            case "quota_exhausted" -> Response.status(400).entity(errorBody("invalid_request_error",
                    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."));
            case "rate_limited" -> Response.status(429).entity(errorBody("rate_limit_error", s.message()))
                    .header("retry-after", (long) Math.ceil(s.limit().retryAfterMs() / 1000.0));
            case "server_error" -> s.status() == 503 ? Response.status(529).entity(errorBody("overloaded_error", "Overloaded"))
                    : Response.status(500).entity(errorBody("api_error", s.message()));
            case "malformed" -> Response.ok("{\"id\":\"msg_sim\",\"type\":\"message\",\"content\":[{\"type\":\"te");
            default -> Response.ok(Map.of("id", "msg_sim_" + IDS.incrementAndGet(), "type", "message", "role", "assistant",
                    "model", req.model(), "content", List.of(Map.of("type", "text", "text", s.reply())),
                    "stop_reason", s.completionTokens() >= req.maxTokens() ? "max_tokens" : "end_turn",
                    "usage", Map.of("input_tokens", s.promptTokens(), "output_tokens", s.completionTokens())));
        };
        if (s.limit() != null && provider.behaviour().rateLimitHeaders()) {
            if (s.limiter().rpm() > 0) {
                r.header("anthropic-ratelimit-requests-limit", s.limiter().rpm())
                        .header("anthropic-ratelimit-requests-remaining", (long) Math.floor(s.limit().remainingRequests()))
                        .header("anthropic-ratelimit-requests-reset", Instant.now().plusMillis(s.limit().resetRequestsMs()).toString());
            }
            if (s.limiter().tpm() > 0) {
                // the token limits, as Anthropic announces them (RFC 3339 reset times)
                r.header("anthropic-ratelimit-tokens-limit", s.limiter().tpm())
                        .header("anthropic-ratelimit-tokens-remaining", (long) Math.floor(s.limit().remainingTokens()))
                        .header("anthropic-ratelimit-tokens-reset", Instant.now().plusMillis(s.limit().resetTokensMs()).toString());
            }
        }
        return SimResponses.delayed(r.type(MediaType.APPLICATION_JSON).build(), s.delayMs());
    }

    @Inject
    SimProvider provider;

    private static Map<String, Object> errorBody(String type, String message) {
        return Map.of("type", "error", "error", Map.of("type", type, "message", message));
    }

    private static Response error(int status, String type, String message) {
        return Response.status(status).entity(errorBody(type, message)).type(MediaType.APPLICATION_JSON).build();
    }
}
