package dev.pmc.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmc.core.targets.TargetConfig;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One provider's wire format over plain HTTP/1.1 (java.net.http): builds the request, classifies failures for
 * the retry policy ({@link ProviderException.Kind}) and reads text, usage, logprobs and rate-limit headers.
 * The key is only ever put in a request header; error messages are scrubbed of it.
 */
public abstract class ProviderAdapter {
    protected static final ObjectMapper JSON = new ObjectMapper();

    protected final HttpClient http;
    protected final URI base;
    protected final String model;
    protected final String key;
    protected final Duration timeout;

    protected ProviderAdapter(HttpClient http, URI base, String model, String key, Duration timeout) {
        this.http = http;
        this.base = base;
        this.model = model;
        this.key = key;
        this.timeout = timeout;
    }

    public static ProviderAdapter of(TargetConfig t, String key, HttpClient http) {
        URI base = URI.create(t.baseUrl().endsWith("/") ? t.baseUrl() : t.baseUrl() + "/");
        Duration timeout = Duration.ofMillis((long) (t.timeoutSeconds() * 1000));
        return switch (t.provider()) {
            case "anthropic" -> new AnthropicAdapter(http, base, t.model(), key, timeout);
            case "gemini" -> new GeminiAdapter(http, base, t.model(), key, timeout);
            default -> new OpenAiAdapter(http, base, t.model(), key, timeout);
        };
    }

    /** The HTTP request for one call (URI, headers with the key, JSON body). */
    protected abstract HttpRequest.Builder request(ProviderRequest r) throws IOException;

    /** Reads a 2xx body; throws any exception for a body that does not have the expected shape. */
    protected abstract ProviderReply parse(JsonNode body, RateLimitInfo limits);

    /** Retry delay a provider puts in an error body instead of a header (Gemini); null if none. */
    protected Long retryDelayFromBody(JsonNode body) {
        return null;
    }

    public CompletableFuture<ProviderReply> call(ProviderRequest r) {
        HttpRequest req;
        try {
            req = request(r).timeout(timeout).header("Content-Type", "application/json").build();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new ProviderException(ProviderException.Kind.CLIENT_ERROR, 0, "cannot encode request", null));
        }
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((resp, err) -> {
            if (err != null) throw new CompletionException(classify(err));
            return read(resp);
        });
    }

    private ProviderReply read(HttpResponse<String> resp) {
        RateLimitInfo limits = RateLimitInfo.from(resp.headers());
        int status = resp.statusCode();
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
        ProviderException.Kind kind = status == 429 ? ProviderException.Kind.RATE_LIMITED
                : status >= 500 ? ProviderException.Kind.SERVER_ERROR
                : status == 408 ? ProviderException.Kind.TIMEOUT : ProviderException.Kind.CLIENT_ERROR;
        throw new CompletionException(new ProviderException(kind, status, "HTTP " + status + errorText(body), limits));
    }

    private String errorText(JsonNode body) {
        if (body == null) return "";
        JsonNode m = body.path("error").path("message");
        if (!m.isTextual()) return "";
        String text = m.asText();
        if (key != null && !key.isEmpty()) text = text.replace(key, "***");
        return ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }

    static ProviderException classify(Throwable err) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (e instanceof ProviderException p) return p;
        if (e instanceof HttpTimeoutException) return new ProviderException(ProviderException.Kind.TIMEOUT, 0, "timeout", null);
        if (e instanceof ConnectException) return new ProviderException(ProviderException.Kind.CONNECT, 0, "cannot connect", null);
        return new ProviderException(ProviderException.Kind.CONNECT, 0, e.getClass().getSimpleName(), null);
    }

    protected static int intOr0(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? 0 : n.asInt();
    }
}
