package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.events.EventCodec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Small JSON-over-HTTP helper for talking to the services. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return EventCodec.mapper().readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }

    /** The bearer token sent with every request (the local stack's admin token), or null. */
    private static volatile String token = System.getenv("PMC_TOKEN");

    private Http() {
    }

    static void useToken(String t) {
        token = t;
    }

    static String token() {
        return token;
    }

    static Reply get(String url) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    static Reply postJson(String url, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static Reply putJson(String url, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static Reply delete(String url) throws IOException {
        return send("DELETE", url);
    }

    static Reply send(String method, String url) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static Reply send(HttpRequest r) throws IOException {
        String t = token;
        if (t != null && !t.isBlank()) r = HttpRequest.newBuilder(r, (name, value) -> true).header("Authorization", "Bearer " + t).build();
        return call(r);
    }

    private static Reply call(HttpRequest r) throws IOException {
        try {
            HttpResponse<String> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
            return new Reply(resp.statusCode(), resp.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
