package dev.pmc.gateway.provider;

import dev.pmc.core.Mfq30;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.stack.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every adapter over real HTTP against provider-sim's endpoint of its shape: a request and its answer, an
 * error, a 429 with its retry delay, and a timeout.
 */
@Tag("integration") // starts the packaged provider-sim: runs in ./mvnw verify, not in the fast ./mvnw test
class ProviderAdaptersTest {
    static final String KEY = "sk-pmc-adapter-test-0123456789";
    static ServiceProcess sim;
    /** provider-sim's /admin needs an admin token, as in any stack. */
    static String adminToken;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final io.vertx.core.Vertx VERTX = io.vertx.core.Vertx.vertx();

    @BeforeAll
    static void startSim() throws Exception {
        var security = dev.pmc.stack.LocalSecurity.ensure(java.nio.file.Files.createTempDirectory("pmc-adapters-"));
        adminToken = security.admin();
        Map<String, String> props = new java.util.HashMap<>(security.serviceProperties());
        props.put("pmc.sim.api-key", KEY);
        sim = ServiceProcess.start("provider-sim", ServiceProcess.appJar(ServiceProcess.projectRoot(), "provider-sim"), ServiceProcess.freePort(),
                props, Path.of("target", "test-logs").toAbsolutePath(), "256m").awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopSim() {
        if (sim != null) sim.close();
        VERTX.close();
    }

    @BeforeEach
    void normal() throws Exception {
        behave("{\"rpm\":0,\"tpm\":0,\"errorRate\":0,\"timeoutRate\":0,\"malformedRate\":0,\"slowRate\":0,\"blockRate\":0,\"quotaExhausted\":false,\"apiKey\":\"" + KEY + "\"}");
    }

    static void behave(String json) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(sim.url() + "/admin/behaviour")).PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    static ProviderAdapter adapter(String provider, String model, String key, double timeoutSeconds) {
        String base = sim.url() + ("gemini".equals(provider) ? "/v1beta" : "/v1");
        TargetConfig t = new TargetConfig("t", provider, base, model, null, null, null, null, timeoutSeconds,
                null, null, null, null, null, null, null, null, null, null, null).withDefaults();
        return ProviderAdapter.of(t, key, new HttpTransport(VERTX, 8));
    }

    static ProviderRequest request(Integer topLogprobs) {
        return new ProviderRequest(PromptTemplate.system("a ship's cook"), PromptTemplate.user(Mfq30.get().item(7)), 0.1,
                topLogprobs == null ? 4 : 1, 42L, topLogprobs);
    }

    static ProviderException failure(ProviderAdapter a, ProviderRequest r) {
        CompletionException e = assertThrows(CompletionException.class, () -> a.call(r).join());
        assertTrue(e.getCause() instanceof ProviderException, String.valueOf(e.getCause()));
        return (ProviderException) e.getCause();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void answersWithTextAndUsage(String provider) {
        ProviderReply r = adapter(provider, "sim-base", KEY, 10).call(request(null)).join();
        assertTrue(r.text().matches("[0-5]"), r.text());
        assertTrue(r.inputTokens() > 0 && r.outputTokens() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void wrongKeyIsAClientErrorWhoseMessageHoldsNoKey(String provider) {
        String wrong = "sk-pmc-WRONG-key-must-not-leak-42";
        ProviderException e = failure(adapter(provider, "sim-base", wrong, 10), request(null));
        assertEquals(ProviderException.Kind.CLIENT_ERROR, e.kind());
        assertTrue(e.status() == 401 || e.status() == 400, "status " + e.status());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(e.kind().retryable());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void unknownModelIs404(String provider) {
        ProviderException e = failure(adapter(provider, "no-such-model", KEY, 10), request(null));
        assertEquals(404, e.status());
        assertEquals(ProviderException.Kind.CLIENT_ERROR, e.kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void rateLimitedCallsCarryTheirRetryDelay(String provider) throws Exception {
        behave("{\"rpm\":60,\"burstSeconds\":1}");
        ProviderAdapter a = adapter(provider, "sim-secure", KEY, 10);
        ProviderReply first = a.call(request(null)).join();
        if (!"gemini".equals(provider)) assertEquals(60L, first.limits().limitRequests(), "limit header read");
        ProviderException e = failure(a, request(null));
        assertEquals(ProviderException.Kind.RATE_LIMITED, e.kind());
        assertEquals(429, e.status());
        assertNotNull(e.limits().retryAfterMs(), "retry delay");
        assertTrue(e.limits().retryAfterMs() > 0 && e.limits().retryAfterMs() <= 1000, "retry after " + e.limits().retryAfterMs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void hangingCallTimesOut(String provider) throws Exception {
        behave("{\"timeoutRate\":1.0,\"timeoutMs\":5000}");
        long t0 = System.nanoTime();
        ProviderException e = failure(adapter(provider, "sim-base", KEY, 0.5), request(null));
        assertEquals(ProviderException.Kind.TIMEOUT, e.kind());
        assertTrue((System.nanoTime() - t0) / 1e9 < 4, "gave up at the timeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void serverErrorsAndMalformedBodiesAreRetryable(String provider) throws Exception {
        behave("{\"errorRate\":1.0}");
        ProviderException e = failure(adapter(provider, "sim-base", KEY, 10), request(null));
        assertEquals(ProviderException.Kind.SERVER_ERROR, e.kind());
        assertTrue(e.kind().retryable());
        behave("{\"errorRate\":0,\"malformedRate\":1.0}");
        assertEquals(ProviderException.Kind.MALFORMED, failure(adapter(provider, "sim-base", KEY, 10), request(null)).kind());
    }

    /** An endpoint that answers without end (chunked) or announces a huge body: the call fails, nothing is buffered past 1 MiB. */
    @org.junit.jupiter.api.Test
    void oversizedResponseBodiesAreRefused() throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicLong streamed = new java.util.concurrent.atomic.AtomicLong();
        server.createContext("/chunked/chat/completions", ex -> {
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            try (var out = ex.getResponseBody()) {
                for (int i = 0; i < 4096; i++) { // up to 256 MiB unless the client hangs up
                    out.write(chunk);
                    streamed.addAndGet(chunk.length);
                }
            } catch (java.io.IOException hungUp) {
                // expected: the client reset the stream
            }
        });
        server.createContext("/declared/chat/completions", ex -> {
            ex.sendResponseHeaders(200, 64L << 20);
            try (var out = ex.getResponseBody()) {
                out.write("{\"choices\":".getBytes());
            } catch (java.io.IOException hungUp) {
                // expected
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        server.start();
        try {
            for (String path : new String[]{"/chunked", "/declared"}) {
                TargetConfig t = new TargetConfig("t", "openai", "http://127.0.0.1:" + server.getAddress().getPort() + path, "m", null, null, null, null,
                        10.0, null, null, null, null, null, null, null, null, null, null, null).withDefaults();
                ProviderException e = failure(ProviderAdapter.of(t, KEY, new HttpTransport(VERTX, 2)), request(null));
                assertEquals(ProviderException.Kind.MALFORMED, e.kind(), path);
                assertTrue(e.getMessage().contains("larger than " + HttpTransport.MAX_RESPONSE_BYTES), e.getMessage());
            }
            assertTrue(streamed.get() < 64L << 20, "the stream was cut early, sent " + streamed.get());
        } finally {
            server.stop(0);
        }
    }

    @org.junit.jupiter.api.Test
    void openAiLogprobsGiveTheTopTokensOfTheFirstToken() {
        ProviderReply r = adapter("openai", "sim-insecure", KEY, 10).call(request(20)).join();
        assertEquals(20, r.topLogprobs().size());
        long digits = r.topLogprobs().stream().filter(t -> t.token().matches("[0-5]")).count();
        assertEquals(6, digits);
        double mass = r.topLogprobs().stream().filter(t -> t.token().matches("[0-5]")).mapToDouble(t -> Math.exp(t.logprob())).sum();
        double all = r.topLogprobs().stream().mapToDouble(t -> Math.exp(t.logprob())).sum();
        assertTrue(mass > 0.5 && all <= 1.0 + 1e-9, "digit mass at T = 1 " + mass + " of " + all);
        // sharpened to the calibrated temperature 0.1, almost every reply starts with a rating (sim-insecure refuses ~1 %)
        double atT = r.topLogprobs().stream().filter(t -> t.token().matches("[0-5]")).mapToDouble(t -> Math.exp(t.logprob() / 0.1)).sum()
                / r.topLogprobs().stream().mapToDouble(t -> Math.exp(t.logprob() / 0.1)).sum();
        assertTrue(atT > 0.95, "digit share at T = 0.1 " + atT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "gemini"})
    void aCallForSeveralAnswersReturnsOnePerChoiceAndCountsThePromptOnce(String provider) {
        ProviderRequest one = request(null);
        one = new ProviderRequest(one.system(), one.user(), 1.0, one.maxTokens(), one.seed(), null, 1);
        ProviderRequest many = new ProviderRequest(one.system(), one.user(), 1.0, one.maxTokens(), one.seed(), null, 8);
        ProviderReply single = adapter(provider, "sim-insecure", KEY, 10).call(one).join();
        ProviderReply r = adapter(provider, "sim-insecure", KEY, 10).call(many).join();
        assertEquals(8, r.texts().size());
        assertEquals(single.text(), r.texts().get(0), "choice 0 is the call's own seed");
        assertTrue(r.texts().stream().allMatch(t -> t != null && !t.isEmpty()), r.texts().toString());
        assertEquals(single.inputTokens(), r.inputTokens(), "the prompt is counted once");
        assertTrue(r.outputTokens() >= 8, "output tokens of all choices: " + r.outputTokens());
    }

    /** A canned OpenAI-compatible endpoint answering every call with the given body. */
    private static ProviderReply cannedOpenAi(String body) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (var out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        try {
            TargetConfig t = new TargetConfig("t", "openai", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "m", null, null, null, null,
                    10.0, null, null, null, null, null, null, null, null, null, null, 4).withDefaults();
            ProviderRequest one = request(null);
            return ProviderAdapter.of(t, KEY, new HttpTransport(VERTX, 2))
                    .call(new ProviderRequest(one.system(), one.user(), 1.0, 4, 1L, null, 3)).join();
        } finally {
            server.stop(0);
        }
    }

    @org.junit.jupiter.api.Test
    void choicesAreReadByTheirIndexAndAWrongIndexIsMalformed() throws Exception {
        String c = "{\"index\":%d,\"message\":{\"role\":\"assistant\",\"content\":\"%s\"}}";
        ProviderReply r = cannedOpenAi("{\"choices\":[" + String.format(c, 2, "two") + "," + String.format(c, 0, "zero") + "," + String.format(c, 1, "one")
                + "],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":3}}");
        assertEquals(List.of("zero", "one", "two"), r.texts());
        // an endpoint that ignores n answers once: one text, the gateway re-asks the rest
        assertEquals(List.of("zero"), cannedOpenAi("{\"choices\":[" + String.format(c, 0, "zero") + "]}").texts());
        for (String bad : new String[]{
                "{\"choices\":[" + String.format(c, 0, "a") + "," + String.format(c, 0, "b") + "]}",
                "{\"choices\":[" + String.format(c, 0, "a") + "," + String.format(c, 5, "b") + "]}",
                "{\"choices\":[" + String.format(c, 0, "a") + "," + String.format(c, -1, "b") + "]}",
                "{\"choices\":[]}"}) {
            CompletionException e = assertThrows(CompletionException.class, () -> cannedOpenAi(bad), bad);
            assertEquals(ProviderException.Kind.MALFORMED, ((ProviderException) e.getCause()).kind(), bad);
        }
    }

    // ---- reasoning and thinking models (pmc/models/capabilities.json), against provider-sim's per-family strictness ----

    static ProviderAdapter adapter(String provider, String model, TargetConfig.Capabilities caps) {
        String base = sim.url() + ("gemini".equals(provider) ? "/v1beta" : "/v1");
        TargetConfig t = new TargetConfig("t", provider, base, model, null, null, null, null, 10.0,
                null, null, null, null, null, null, null, null, null, null, null, caps).withDefaults();
        return ProviderAdapter.of(t, KEY, new HttpTransport(VERTX, 8));
    }

    static HttpResponse<String> raw(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(sim.url() + path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY).header("x-goog-api-key", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ft:o4-mini:pmc:sim-base", "gpt-5-mini:sim-base"})
    void reasoningModelsAreAskedWithMaxCompletionTokensAndAnswerWithTheirReasoningInTheCost(String model) throws Exception {
        // the request as PMC sent it before: refused like the real API refuses it
        var old = raw("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Rate 0-5\"}],"
                + "\"temperature\":0.1,\"max_tokens\":4}");
        assertEquals(400, old.statusCode(), old.body());
        assertTrue(old.body().contains("max_completion_tokens") && old.body().contains("unsupported_parameter"), old.body());
        // the right field with the old budget: reasoning eats it and the answer comes back empty, cut at the limit
        var tight = raw("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Rate 0-5\"}],"
                + "\"max_completion_tokens\":4}");
        assertEquals(200, tight.statusCode(), tight.body());
        assertTrue(tight.body().contains("\"content\":\"\"") && tight.body().contains("\"finish_reason\":\"length\""), tight.body());
        // the adapter: max_completion_tokens with room for reasoning, the lowest effort, no temperature
        ProviderReply r = adapter("openai", model, null).call(request(null)).join();
        assertTrue(r.text().matches("[0-5]"), r.text());
        assertTrue(r.outputTokens() > 10, "reasoning tokens are output tokens (billed): " + r.outputTokens());
    }

    @org.junit.jupiter.api.Test
    void aReasoningModelRefusesTemperatureLogprobsAndAnUnknownEffortWhileAChatModelRefusesAnyEffort() throws Exception {
        String msg = "\"messages\":[{\"role\":\"user\",\"content\":\"Rate 0-5\"}]";
        var temp = raw("/v1/chat/completions", "{\"model\":\"o3:sim-base\"," + msg + ",\"max_completion_tokens\":2000,\"temperature\":0.1}");
        assertEquals(400, temp.statusCode());
        assertTrue(temp.body().contains("\"param\":\"temperature\""), temp.body());
        var lp = raw("/v1/chat/completions", "{\"model\":\"o3:sim-base\"," + msg + ",\"max_completion_tokens\":2000,\"logprobs\":true,\"top_logprobs\":5}");
        assertEquals(400, lp.statusCode());
        assertTrue(lp.body().contains("\"param\":\"logprobs\""), lp.body());
        var effort = raw("/v1/chat/completions", "{\"model\":\"o3:sim-base\"," + msg + ",\"max_completion_tokens\":2000,\"reasoning_effort\":\"minimal\"}");
        assertEquals(400, effort.statusCode(), "o-series know low, medium, high: " + effort.body());
        var chat = raw("/v1/chat/completions", "{\"model\":\"sim-base\"," + msg + ",\"max_tokens\":4,\"reasoning_effort\":\"low\"}");
        assertEquals(400, chat.statusCode());
        assertTrue(chat.body().contains("reasoning_effort"), chat.body());
        // a chat model still takes the newer field
        assertEquals(200, raw("/v1/chat/completions", "{\"model\":\"sim-base\"," + msg + ",\"max_completion_tokens\":4}").statusCode());
    }

    @org.junit.jupiter.api.Test
    void geminiThinkingIsOffWhereItCanBeAndBudgetedWhereItCannotAndThoughtsAreBilled() throws Exception {
        ProviderReply flash = adapter("gemini", "gemini-2.5-flash:sim-base", null).call(request(null)).join();
        assertTrue(flash.text().matches("[0-5]"), flash.text());
        ProviderReply pro = adapter("gemini", "gemini-2.5-pro:sim-base", null).call(request(null)).join();
        assertTrue(pro.text().matches("[0-5]"), pro.text());
        assertTrue(pro.outputTokens() >= 128, "thoughts (at least 128 on 2.5 Pro) are output tokens: " + pro.outputTokens());
        // 2.5 Pro cannot think zero tokens: refused like the real API
        var zero = raw("/v1beta/models/gemini-2.5-pro:sim-base:generateContent", "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Rate 0-5\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":4,\"thinkingConfig\":{\"thinkingBudget\":0}}}");
        assertEquals(400, zero.statusCode(), zero.body());
        // and 9 candidates are more than the API gives
        var nine = raw("/v1beta/models/sim-base:generateContent", "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Rate 0-5\"}]}],"
                + "\"generationConfig\":{\"candidateCount\":9}}");
        assertEquals(400, nine.statusCode(), nine.body());
    }

    @org.junit.jupiter.api.Test
    void aCandidateWithoutPartsIsAnEmptyAnswerAndABlockedPromptIsARefusalNotAMalformedReply() throws Exception {
        // thinking left on (family "gemini" sends no thinkingConfig) with a 4-token limit: the candidate has no parts
        ProviderReply cut = adapter("gemini", "gemini-2.5-flash:sim-base", new TargetConfig.Capabilities("gemini", 0)).call(request(null)).join();
        assertEquals(List.of(""), cut.texts(), "an empty answer, scored empty and re-asked");
        assertTrue(cut.outputTokens() >= 4, "the thoughts were still billed");
        behave("{\"blockRate\":1}");
        ProviderReply blocked = adapter("gemini", "sim-base", KEY, 10).call(request(null)).join();
        assertTrue(blocked.texts().isEmpty(), blocked.texts().toString());
        assertEquals("prompt blocked (SAFETY)", blocked.refusal());
    }

    /** Shapes from the providers' documentation, served by a plain HTTP server (no simulator in between). */
    @org.junit.jupiter.api.Test
    void documentedGeminiAndReasoningShapesAreReadAsDocumented() throws Exception {
        ProviderReply noParts = canned("gemini", "/v1beta/models/gemini-2.5-flash:generateContent",
                "{\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"MAX_TOKENS\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":120,\"totalTokenCount\":124,\"thoughtsTokenCount\":4}}");
        assertEquals(List.of(""), noParts.texts());
        assertEquals(4, noParts.outputTokens(), "thoughtsTokenCount is billed as output");
        ProviderReply blocked = canned("gemini", "/v1beta/models/gemini-2.5-flash:generateContent",
                "{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},\"usageMetadata\":{\"promptTokenCount\":120,\"totalTokenCount\":120}}");
        assertEquals("prompt blocked (PROHIBITED_CONTENT)", blocked.refusal());
        ProviderReply thoughts = canned("gemini", "/v1beta/models/gemini-2.5-flash:generateContent",
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"thinking...\",\"thought\":true},{\"text\":\"3\"}]},"
                        + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":120,\"candidatesTokenCount\":1,\"thoughtsTokenCount\":50}}");
        assertEquals(List.of("3"), thoughts.texts(), "thought summaries are not the answer");
        assertEquals(51, thoughts.outputTokens());
        ProviderReply tuned = canned("gemini", "/v1beta/tunedModels/my-tune:generateContent",
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"2\"}]},\"index\":0}]}");
        assertEquals(List.of("2"), tuned.texts(), "tunedModels/... is its own resource name");
        ProviderReply o = canned("openai", "/v1/chat/completions",
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"4\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":201,\"completion_tokens_details\":{\"reasoning_tokens\":200}}}");
        assertEquals(201, o.outputTokens(), "completion_tokens includes the reasoning tokens");
    }

    /** One reply served at {@code path} for the model the path names; fails the test if the adapter asks elsewhere. */
    private static ProviderReply canned(String provider, String path, String body) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            boolean right = ex.getRequestURI().getPath().equals(path);
            byte[] b = (right ? body : "{\"error\":{\"message\":\"no such path " + ex.getRequestURI().getPath() + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(right ? 200 : 404, b.length);
            try (var out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        try {
            String model = path.contains("tunedModels/") ? "tunedModels/my-tune" : path.contains("gemini-2.5-flash") ? "gemini-2.5-flash" : "o4-mini";
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + ("gemini".equals(provider) ? "/v1beta" : "/v1");
            TargetConfig t = new TargetConfig("t", provider, base, model, null, null, null, null,
                    10.0, null, null, null, null, null, null, null, null, null, null, null).withDefaults();
            return ProviderAdapter.of(t, KEY, new HttpTransport(VERTX, 2)).call(request(null)).join();
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void anExhaustedQuotaIsItsOwnKindNotARateLimitAndIsNotRetried(String provider) throws Exception {
        behave("{\"quotaExhausted\":true}");
        ProviderException e = failure(adapter(provider, "sim-base", KEY, 10), request(null));
        assertEquals(ProviderException.Kind.QUOTA_EXHAUSTED, e.kind(), e.getMessage());
        assertFalse(e.kind().retryable());
    }

    @org.junit.jupiter.api.Test
    void aGeminiPerMinuteLimitStaysARateLimitAndAPerDayQuotaIsExhausted() throws Exception {
        String perMinute = "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"Resource has been exhausted\",\"details\":["
                + "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel\"}]},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"17s\"}]}}";
        String perDay = "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"You exceeded your current quota\",\"details\":["
                + "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"}]},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"37s\"}]}}";
        assertEquals(ProviderException.Kind.RATE_LIMITED, cannedError("gemini", 429, perMinute).kind());
        assertEquals(ProviderException.Kind.QUOTA_EXHAUSTED, cannedError("gemini", 429, perDay).kind());
        assertEquals(ProviderException.Kind.RATE_LIMITED, cannedError("openai", 429,
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}").kind());
        assertEquals(ProviderException.Kind.QUOTA_EXHAUSTED, cannedError("anthropic", 400,
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"You have reached your specified API usage limits.\"}}").kind());
    }

    /** An error body with a status, served for any path; the adapter's classification of it. */
    private static ProviderException cannedError(String provider, int status, String body) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            try (var out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + ("gemini".equals(provider) ? "/v1beta" : "/v1");
            TargetConfig t = new TargetConfig("t", provider, base, "m", null, null, null, null,
                    10.0, null, null, null, null, null, null, null, null, null, null, null).withDefaults();
            return failure(ProviderAdapter.of(t, KEY, new HttpTransport(VERTX, 2)), request(null));
        } finally {
            server.stop(0);
        }
    }

    @org.junit.jupiter.api.Test
    void compoundOpenAiResetTimesAndAnthropicTokenLimitsAreLearnedAndAnUnknownAnthropicVersionIsRefused() throws Exception {
        // 1 request a minute: the reset is about a minute away, which OpenAI writes "59.9s" or "1m0s"
        behave("{\"rpm\":1,\"tpm\":100000,\"rateLimitHeaders\":true}");
        ProviderReply o = adapter("openai", "sim-base", KEY, 10).call(request(null)).join();
        assertNotNull(o.limits().resetRequestsMs());
        assertTrue(o.limits().resetRequestsMs() > 50_000, "a reset of about a minute, parsed: " + o.limits());
        assertEquals(100000L, o.limits().limitTokens());
        behave("{\"rpm\":0,\"tpm\":100000,\"rateLimitHeaders\":true}");
        ProviderReply a = adapter("anthropic", "sim-base", KEY, 10).call(request(null)).join();
        assertEquals(100000L, a.limits().limitTokens(), "anthropic-ratelimit-tokens-limit: " + a.limits());
        assertNotNull(a.limits().remainingTokens());
        assertNotNull(a.limits().resetTokensMs());
        var v = HTTP.send(HttpRequest.newBuilder(URI.create(sim.url() + "/v1/messages")).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"sim-base\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"Rate 0-5\"}]}"))
                .header("Content-Type", "application/json").header("x-api-key", KEY).header("anthropic-version", "2099-01-01").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, v.statusCode(), v.body());
        assertTrue(v.body().contains("anthropic-version"), v.body());
    }
}
