package dev.pmc.gateway.provider;

import com.sun.net.httpserver.HttpServer;
import dev.pmc.core.Mfq30;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.targets.TargetConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapters against responses written from the providers' documentation (src/test/resources/provider-fixtures),
 * served over real HTTP by a JDK server with the documented status and headers — independent of provider-sim, so a
 * shape the simulator shares with the adapters by mistake is caught here.
 */
class ProviderFixturesTest {
    private static final Vertx VERTX = Vertx.vertx();
    private static HttpServer server;
    /** What the server answers next: fixture file, status, headers. */
    private static final AtomicReference<Object[]> NEXT = new AtomicReference<>();
    private static final AtomicReference<String> LAST_PATH = new AtomicReference<>();
    private static final String KEY = "sk-proj-fixture-key-0123456789abcdefZq7A";

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            LAST_PATH.set(ex.getRequestURI().getRawPath());
            ex.getRequestBody().readAllBytes();
            Object[] next = NEXT.get();
            byte[] body;
            try (InputStream in = ProviderFixturesTest.class.getResourceAsStream("/provider-fixtures/" + next[0])) {
                body = in.readAllBytes();
            }
            @SuppressWarnings("unchecked") Map<String, String> headers = (Map<String, String>) next[2];
            headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders((int) next[1], body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        VERTX.close();
    }

    static ProviderAdapter adapter(String provider, String model) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + ("gemini".equals(provider) ? "/v1beta" : "/v1");
        TargetConfig t = new TargetConfig("t", provider, base, model, null, null, null, null, 10.0,
                null, null, null, null, null, null, null, null, null, null, null).withDefaults();
        return ProviderAdapter.of(t, KEY, new HttpTransport(VERTX, 2));
    }

    static ProviderReply answer(String provider, String model, String fixture) {
        NEXT.set(new Object[]{fixture, 200, Map.of()});
        return adapter(provider, model).call(request()).join();
    }

    static ProviderException failure(String provider, String model, String fixture, int status, Map<String, String> headers) {
        NEXT.set(new Object[]{fixture, status, headers});
        CompletionException e = assertThrows(CompletionException.class, () -> adapter(provider, model).call(request()).join());
        assertTrue(e.getCause() instanceof ProviderException, String.valueOf(e.getCause()));
        return (ProviderException) e.getCause();
    }

    static ProviderRequest request() {
        return new ProviderRequest(PromptTemplate.system("a ship's cook"), PromptTemplate.user(Mfq30.get().item(7)), 1.0, 4, 42L, null);
    }

    @Test
    void openAiReasoningModelsAnswerWithReasoningTokensCountedAsOutput() {
        ProviderReply r = answer("openai", "o4-mini", "openai-reasoning-ok.json");
        assertEquals("4", r.text());
        assertEquals(161, r.inputTokens());
        assertEquals(214, r.outputTokens(), "completion_tokens include the 192 reasoning tokens, billed as output");
        ProviderReply empty = answer("openai", "o4-mini", "openai-reasoning-empty.json");
        assertEquals("", empty.text(), "reasoning ate the budget: an empty answer (the scorer re-asks), not a malformed reply");
    }

    @Test
    void openAiRefusalsNameTheParameterAndQuotaIsNotARateLimit() {
        ProviderException p = failure("openai", "o4-mini", "openai-unsupported-max-tokens.json", 400, Map.of());
        assertEquals(ProviderException.Kind.CLIENT_ERROR, p.kind());
        assertTrue(p.getMessage().contains("max_tokens"), p.getMessage());
        ProviderException t = failure("openai", "o4-mini", "openai-unsupported-temperature.json", 400, Map.of());
        assertEquals(ProviderException.Kind.CLIENT_ERROR, t.kind());
        ProviderException q = failure("openai", "gpt-4o", "openai-insufficient-quota.json", 429, Map.of());
        assertEquals(ProviderException.Kind.QUOTA_EXHAUSTED, q.kind(), "insufficient_quota: no retry can succeed");
        ProviderException rl = failure("openai", "gpt-4o", "openai-rate-limited.json", 429, Map.of("x-ratelimit-limit-requests", "5000",
                "x-ratelimit-remaining-requests", "4999", "x-ratelimit-reset-requests", "12ms", "x-ratelimit-limit-tokens", "200000",
                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s"));
        assertEquals(ProviderException.Kind.RATE_LIMITED, rl.kind());
        assertEquals(360_000L, rl.limits().resetTokensMs(), "the compound 6m0s form");
        assertEquals(5000L, rl.limits().limitRequests());
    }

    @Test
    void aProvidersEchoOfTheKeyNeverReachesTheMessage() {
        ProviderException e = failure("openai", "gpt-4o", "openai-invalid-key.json", 401, Map.of());
        assertEquals(ProviderException.Kind.CLIENT_ERROR, e.kind());
        assertFalse(e.getMessage().contains("Zq7A"), "no part of the key: " + e.getMessage());
        assertFalse(e.getMessage().contains("sk-proj"), "no part of the key: " + e.getMessage());
    }

    @Test
    void anthropicAnswersRateLimitsCreditAndOverload() {
        ProviderReply r = answer("anthropic", "claude-sonnet-4-5", "anthropic-ok.json");
        assertEquals("2", r.text());
        assertEquals(163, r.inputTokens());
        assertEquals(1, r.outputTokens());
        ProviderException rl = failure("anthropic", "claude-sonnet-4-5", "anthropic-rate-limited.json", 429, Map.of("retry-after", "12",
                "anthropic-ratelimit-requests-limit", "50", "anthropic-ratelimit-requests-remaining", "0",
                "anthropic-ratelimit-requests-reset", "2026-12-07T10:00:12Z", "anthropic-ratelimit-tokens-limit", "30000",
                "anthropic-ratelimit-tokens-remaining", "29000", "anthropic-ratelimit-tokens-reset", "2026-12-07T10:00:02Z"));
        assertEquals(ProviderException.Kind.RATE_LIMITED, rl.kind());
        assertEquals(12_000L, rl.limits().retryAfterMs());
        assertEquals(50L, rl.limits().limitRequests());
        assertEquals(30000L, rl.limits().limitTokens(), "the tokens-* headers too");
        ProviderException credit = failure("anthropic", "claude-sonnet-4-5", "anthropic-credit-balance.json", 400, Map.of());
        assertEquals(ProviderException.Kind.QUOTA_EXHAUSTED, credit.kind(), "a credit balance too low is quota, not a bad request");
        ProviderException over = failure("anthropic", "claude-sonnet-4-5", "anthropic-overloaded.json", 529, Map.of());
        assertEquals(ProviderException.Kind.SERVER_ERROR, over.kind());
    }

    @Test
    void geminiThinkingEmptyCandidatesBlockedPromptsAndTheTwoQuotas() {
        ProviderReply r = answer("gemini", "gemini-2.5-pro", "gemini-thinking-ok.json");
        assertEquals("3", r.text());
        assertEquals(158, r.inputTokens());
        assertEquals(1 + 128, r.outputTokens(), "thoughtsTokenCount is billed as output");
        assertEquals("/v1beta/models/gemini-2.5-pro:generateContent", LAST_PATH.get());
        ProviderReply noParts = answer("gemini", "gemini-2.5-pro", "gemini-max-tokens-no-parts.json");
        assertEquals("", noParts.text(), "a candidate without parts is an empty answer, not a NullPointerException");
        assertNull(noParts.refusal());
        ProviderReply blocked = answer("gemini", "gemini-2.5-flash", "gemini-prompt-blocked.json");
        assertNotNull(blocked.refusal(), "no candidates with promptFeedback: the provider's refusal");
        assertTrue(blocked.refusal().contains("SAFETY"), blocked.refusal());
        assertEquals(List.of(), blocked.texts());
        ProviderException minute = failure("gemini", "gemini-2.5-pro", "gemini-per-minute-quota.json", 429, Map.of());
        assertEquals(ProviderException.Kind.RATE_LIMITED, minute.kind(), "per-minute RESOURCE_EXHAUSTED with RetryInfo: wait and retry");
        assertEquals(17_000L, minute.limits().retryAfterMs());
        ProviderException day = failure("gemini", "gemini-2.5-pro", "gemini-per-day-quota.json", 429, Map.of());
        assertEquals(ProviderException.Kind.QUOTA_EXHAUSTED, day.kind(), "the daily quota: no retry today");
        answer("gemini", "tunedModels/my-cook-tune", "gemini-thinking-ok.json");
        assertEquals("/v1beta/tunedModels/my-cook-tune:generateContent", LAST_PATH.get());
    }

    /** A call dispatched after its target's client was closed (the target deleted) fails instead of waiting for ever. */
    @Test
    void aCallOnAClosedClientFailsAtOnce() throws Exception {
        HttpTransport t = new HttpTransport(VERTX, 1);
        t.close();
        var f = t.post(java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions"), Map.of(), new byte[0], 2000);
        CompletionException e = assertThrows(CompletionException.class, () -> f.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join());
        assertTrue(e.getCause() instanceof ProviderException pe && pe.kind() == ProviderException.Kind.CONNECT, String.valueOf(e.getCause()));
    }
}
