package dev.pmc.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmc.core.targets.ModelCapabilities;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.core.security.Redaction;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One provider's wire format over HTTP/1.1 ({@link HttpTransport}): builds the request, classifies failures for
 * the retry policy ({@link ProviderException.Kind}) and reads text, usage, logprobs and rate-limit headers.
 * The key is only ever put in a request header; error messages are scrubbed of it.
 */
public abstract class ProviderAdapter {
    protected static final ObjectMapper JSON = new ObjectMapper();

    /** The HTTP request of one call: where, which headers (the key among them), what JSON. */
    protected record Call(URI uri, Map<String, String> headers, byte[] body) {
    }

    protected final HttpTransport http;
    protected final URI base;
    protected final String model;
    protected final String key;
    protected final Duration timeout;
    /** What the model accepts (pmc/models/capabilities.json): which fields to send and which to leave out. */
    protected final ModelCapabilities caps;

    protected ProviderAdapter(HttpTransport http, URI base, String model, String key, Duration timeout, ModelCapabilities caps) {
        this.http = http;
        this.base = base;
        this.model = model;
        this.key = key;
        this.timeout = timeout;
        this.caps = caps;
    }

    /**
     * The request one call would send, for a person to read (bin/pmc probe): URL, header names (never their values: the
     * key is among them) and the JSON body.
     */
    public Map<String, Object> describe(ProviderRequest r) throws IOException {
        Call c = request(r);
        return Map.of("url", c.uri().toString(), "headers", List.copyOf(new java.util.TreeSet<>(c.headers().keySet())),
                "body", JSON.readTree(c.body()));
    }

    /** Output tokens this model's calls reserve for reasoning or thinking per answer (counted against token limits). */
    public int reservedTokens() {
        return caps.reasoningTokens();
    }

    public static ProviderAdapter of(TargetConfig t, String key, HttpTransport http) {
        URI base = URI.create(t.baseUrl().endsWith("/") ? t.baseUrl() : t.baseUrl() + "/");
        Duration timeout = Duration.ofMillis((long) (t.timeoutSeconds() * 1000));
        ModelCapabilities caps = ModelCapabilities.of(t);
        return switch (t.provider()) {
            case "anthropic" -> new AnthropicAdapter(http, base, t.model(), key, timeout, caps);
            case "gemini" -> new GeminiAdapter(http, base, t.model(), key, timeout, caps);
            default -> new OpenAiAdapter(http, base, t.model(), key, timeout, caps);
        };
    }

    /** The HTTP request for one call (URI, headers with the key, JSON body). */
    protected abstract Call request(ProviderRequest r) throws IOException;

    /** Reads a 2xx body; throws any exception for a body that does not have the expected shape. */
    protected abstract ProviderReply parse(JsonNode body, RateLimitInfo limits);

    /**
     * Whether an error says the account's quota is used up (no retry can succeed), as opposed to a rate limit; each
     * provider words it its own way.
     */
    protected boolean quotaExhausted(int status, JsonNode body, RateLimitInfo limits) {
        return false;
    }

    /** Retry delay a provider puts in an error body instead of a header (Gemini); null if none. */
    protected Long retryDelayFromBody(JsonNode body) {
        return null;
    }

    public CompletableFuture<ProviderReply> call(ProviderRequest r) {
        Call c;
        try {
            c = request(r);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new ProviderException(ProviderException.Kind.CLIENT_ERROR, 0, "cannot encode request", null));
        }
        return http.post(c.uri(), c.headers(), c.body(), timeout.toMillis()).thenApply(this::read);
    }

    private ProviderReply read(HttpTransport.Reply resp) {
        RateLimitInfo limits = RateLimitInfo.from(resp.header());
        int status = resp.status();
        JsonNode body = null;
        try {
            body = JSON.readTree(resp.body());
        } catch (IOException | RuntimeException e) {
            // left null: a 2xx without a readable body is malformed, an error status is classified by its code
        }
        if (status >= 200 && status < 300) {
            if (body == null) throw new CompletionException(new ProviderException(ProviderException.Kind.MALFORMED, status, "unreadable response body", limits));
            try {
                return parse(body, limits);
            } catch (RuntimeException e) {
                throw new CompletionException(new ProviderException(ProviderException.Kind.MALFORMED, status, "unexpected response shape", limits));
            }
        }
        if (limits.retryAfterMs() == null && body != null) limits = limits.withRetryAfter(retryDelayFromBody(body));
        ProviderException.Kind kind = body != null && quotaExhausted(status, body, limits) ? ProviderException.Kind.QUOTA_EXHAUSTED
                : status == 429 ? ProviderException.Kind.RATE_LIMITED
                : status >= 500 ? ProviderException.Kind.SERVER_ERROR
                : status == 408 ? ProviderException.Kind.TIMEOUT : ProviderException.Kind.CLIENT_ERROR;
        throw new CompletionException(new ProviderException(kind, status, "HTTP " + status + errorText(body), limits));
    }

    private String errorText(JsonNode body) {
        if (body == null) return "";
        JsonNode m = body.path("error").path("message");
        if (!m.isTextual()) return "";
        // providers echo part of a wrong key: no part of one leaves the gateway (events, logs, the API)
        String text = Redaction.scrub(m.asText(), key);
        return ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }

    protected static int intOr0(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? 0 : n.asInt();
    }
}
