package dev.pmc.sim;

import dev.pmc.core.targets.ModelCapabilities;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OpenAI-compatible {@code POST /v1/chat/completions} (with logprobs/top_logprobs); the model name selects the
 * simulated deployment. Rate-limit state goes out as x-ratelimit-* headers, 429s carry Retry-After and
 * retry-after-ms.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ChatCompletionsResource {
    private static final AtomicLong IDS = new AtomicLong();

    @Inject
    SimProvider provider;

    @POST
    @Path("/chat/completions")
    public Uni<Response> complete(@HeaderParam("Authorization") String authorization, ChatApi.Request req) {
        if (req == null || req.model() == null || req.messages() == null || req.messages().isEmpty()) {
            return Uni.createFrom().item(error(400, "request needs 'model' and a non-empty 'messages' array", "invalid_request_error", null));
        }
        if (req.topLogprobs() != null && (req.topLogprobs() < 0 || req.topLogprobs() > 20 || !Boolean.TRUE.equals(req.logprobs()))) {
            return Uni.createFrom().item(error(400, "top_logprobs must be 0..20 and needs logprobs=true", "invalid_request_error", null));
        }
        // what the real API refuses for this model's family (pmc/models/capabilities.json), with its error shapes
        ModelCapabilities caps = ModelCapabilities.of("openai", req.model());
        Response refused = refused(req, caps);
        if (refused != null) return Uni.createFrom().item(refused);
        String system = null;
        StringBuilder user = new StringBuilder();
        for (ChatApi.Message m : req.messages()) {
            if ("system".equals(m.role())) system = m.content();
            else if ("user".equals(m.role()) && m.content() != null) user.append(m.content());
        }
        String key = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        int top = Boolean.TRUE.equals(req.logprobs()) ? (req.topLogprobs() == null ? 1 : Math.max(1, req.topLogprobs())) : 0;
        var s = provider.serve(new SimProvider.Ask(req.model(), system, user.toString(),
                req.temperature() == null ? 1.0 : req.temperature(), req.maxTokensOr16(), req.seed(),
                top > 0 ? top : null, key, req.n() == null ? 1 : req.n(), reasoningTokens(caps, req.reasoningEffort())));
        Response.ResponseBuilder r = switch (s.kind()) {
            case "unauthorized" -> builder(401, ChatApi.ErrorBody.of(s.message(), "invalid_request_error", "invalid_api_key"));
            case "unknown_model" -> builder(404, ChatApi.ErrorBody.of(s.message(), "invalid_request_error", "model_not_found"));
            case "invalid_request" -> builder(400, ChatApi.ErrorBody.of(s.message(), "invalid_request_error", null));
            case "quota_exhausted" -> builder(429, ChatApi.ErrorBody.of(s.message(), "insufficient_quota", "insufficient_quota"));
            case "rate_limited" -> builder(429, ChatApi.ErrorBody.of(s.message(), "requests", "rate_limit_exceeded"))
                    .header("Retry-After", (long) Math.ceil(s.limit().retryAfterMs() / 1000.0))
                    .header("retry-after-ms", s.limit().retryAfterMs());
            case "server_error" -> builder(s.status(), ChatApi.ErrorBody.of(s.message(), "server_error", null));
            case "malformed" -> Response.ok("{\"id\":\"chatcmpl-sim-" + IDS.incrementAndGet() + "\",\"choices\":[{\"index\":0,\"mess");
            default -> Response.ok(body(req, s));
        };
        if (s.limit() != null && provider.behaviour().rateLimitHeaders()) {
            var l = s.limit();
            r.header("x-ratelimit-limit-requests", s.limiter().rpm() > 0 ? s.limiter().rpm() : null)
                    .header("x-ratelimit-remaining-requests", s.limiter().rpm() > 0 ? (long) Math.floor(l.remainingRequests()) : null)
                    .header("x-ratelimit-reset-requests", s.limiter().rpm() > 0 ? goDuration(l.resetRequestsMs()) : null)
                    .header("x-ratelimit-limit-tokens", s.limiter().tpm() > 0 ? s.limiter().tpm() : null)
                    .header("x-ratelimit-remaining-tokens", s.limiter().tpm() > 0 ? (long) Math.floor(l.remainingTokens()) : null)
                    .header("x-ratelimit-reset-tokens", s.limiter().tpm() > 0 ? goDuration(l.resetTokensMs()) : null);
        }
        return SimResponses.delayed(r.type(MediaType.APPLICATION_JSON).build(), s.delayMs());
    }

    private static ChatApi.Response body(ChatApi.Request req, SimProvider.Served s) {
        ChatApi.Logprobs logprobs = null;
        if (s.top() != null) {
            List<ChatApi.TopLogprob> top = new ArrayList<>();
            for (var t : s.top()) top.add(new ChatApi.TopLogprob(t.token(), t.logprob()));
            logprobs = new ChatApi.Logprobs(List.of(new ChatApi.TokenLogprobs(s.top().get(0).token(), s.top().get(0).logprob(), top)));
        }
        List<ChatApi.Choice> choices = new ArrayList<>(s.replies().size());
        for (int i = 0; i < s.replies().size(); i++) {
            String text = s.replies().get(i);
            int tokens = (int) Math.ceil(text.length() / 4.0);
            boolean cut = tokens >= req.maxTokensOr16() || (text.isEmpty() && s.reasoningTokens() > 0);
            choices.add(new ChatApi.Choice(i, new ChatApi.Message("assistant", text), logprobs, cut ? "length" : "stop"));
        }
        return new ChatApi.Response("chatcmpl-sim-" + IDS.incrementAndGet(), "chat.completion",
                System.currentTimeMillis() / 1000, req.model(), choices,
                new ChatApi.Usage(s.promptTokens(), s.completionTokens(), s.promptTokens() + s.completionTokens(),
                        s.reasoningTokens() > 0 ? new ChatApi.CompletionDetails(s.reasoningTokens()) : null));
    }

    /**
     * A request the real API answers 400 for this model's family: reasoning models (o-series, GPT-5) take
     * max_completion_tokens, not max_tokens, only the default temperature, no logprobs, and a reasoning_effort they know;
     * other models take no reasoning_effort.
     */
    static Response refused(ChatApi.Request req, ModelCapabilities caps) {
        boolean reasoning = caps.reasoningEffort() != null;
        if (reasoning && req.maxTokens() != null) {
            return paramError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                    "max_tokens", "unsupported_parameter");
        }
        if (req.temperature() != null && !caps.takesTemperature(req.temperature())) {
            return paramError("Unsupported value: 'temperature' does not support " + req.temperature() + " with this model. Only the default ("
                    + caps.fixedTemperature().intValue() + ") value is supported.", "temperature", "unsupported_value");
        }
        if (!caps.logprobs() && Boolean.TRUE.equals(req.logprobs())) {
            return paramError("Unsupported parameter: 'logprobs' is not supported with this model.", "logprobs", "unsupported_parameter");
        }
        if (req.reasoningEffort() != null) {
            if (!reasoning) return paramError("Unsupported parameter: 'reasoning_effort' is not supported with this model.", "reasoning_effort", "unsupported_parameter");
            var known = caps.reasoningEffort().equals("minimal") ? java.util.List.of("minimal", "low", "medium", "high") : java.util.List.of("low", "medium", "high");
            if (!known.contains(req.reasoningEffort())) {
                return paramError("Unsupported value: 'reasoning_effort' does not support '" + req.reasoningEffort() + "' with this model. Supported values are: "
                        + known + ".", "reasoning_effort", "unsupported_value");
            }
        }
        return null;
    }

    /** A reset time as OpenAI writes it (Go's duration format): "20ms", "1.5s", "6m0s", "1h2m3s". */
    static String goDuration(long ms) {
        if (ms < 1000) return ms + "ms";
        long h = ms / 3_600_000, m = ms / 60_000 % 60;
        double sec = ms % 60_000 / 1000.0;
        String secs = sec == Math.rint(sec) ? Long.toString((long) sec) : java.math.BigDecimal.valueOf(sec).stripTrailingZeros().toPlainString();
        return (h > 0 ? h + "h" : "") + (h > 0 || m > 0 ? m + "m" : "") + secs + "s";
    }

    /** Tokens a reasoning model spends before its answer, by effort (medium when none is sent); 0 for other models. */
    static int reasoningTokens(ModelCapabilities caps, String effort) {
        if (caps.reasoningEffort() == null) return 0;
        return switch (effort == null ? "medium" : effort) {
            case "minimal" -> 16;
            case "low" -> 192;
            case "high" -> 2048;
            default -> 768;
        };
    }

    private static Response paramError(String message, String param, String code) {
        return Response.status(400).entity(new ChatApi.ErrorBody(new ChatApi.Error(message, "invalid_request_error", param, code)))
                .type(MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/models")
    public ChatApi.ModelList list() {
        List<ChatApi.Model> data = new ArrayList<>();
        for (String name : provider.models().all().keySet()) data.add(new ChatApi.Model(name, "model", "pmc-provider-sim"));
        for (String name : provider.models().replayNames()) data.add(new ChatApi.Model(SimModels.REPLAY + name, "model", "pmc-provider-sim replay"));
        return new ChatApi.ModelList("list", data);
    }

    private static Response.ResponseBuilder builder(int status, Object entity) {
        return Response.status(status).entity(entity);
    }

    static Response error(int status, String message, String type, String code) {
        return Response.status(status).entity(ChatApi.ErrorBody.of(message, type, code)).type(MediaType.APPLICATION_JSON).build();
    }
}
