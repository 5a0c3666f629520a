package dev.pmc.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-shaped endpoint whose account can run out of quota on demand: while {@link #EXHAUSTED} holds, every call
 * is answered 429 insufficient_quota (OpenAI's documented shape), otherwise "3". Counts the calls it gets.
 */
public class QuotaServerResource implements QuarkusTestResourceLifecycleManager {
    static final AtomicBoolean EXHAUSTED = new AtomicBoolean();
    static final AtomicInteger CALLS = new AtomicInteger();
    static volatile String url;
    private com.sun.net.httpserver.HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/chat/completions", ex -> {
                ex.getRequestBody().readAllBytes();
                CALLS.incrementAndGet();
                boolean out = EXHAUSTED.get();
                byte[] b = (out
                        ? "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}"
                        : "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"3\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":1,\"total_tokens\":51}}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(out ? 429 : 200, b.length);
                try (var o = ex.getResponseBody()) {
                    o.write(b);
                }
            });
            server.start();
            url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            return Map.of("pmc.security.allowed-base-urls", url + "/", "pmc.gateway.quota-recheck", "2s");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) server.stop(0);
    }
}
