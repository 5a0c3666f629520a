package dev.pmc.generator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.events.EventCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Registration's {@code ?probe=true}: asks a gateway (POST /api/v1/targets/{t}/probe) for one call to the target and
 * returns its report. The caller's own Authorization header is passed on, so the probe is allowed exactly when the
 * caller could ask the gateway itself (it spends one call: admin). Failures are a report too, never a failed
 * registration: the target is stored either way.
 */
final class GatewayProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    /** Largest report read (a probe report is a few KiB). */
    private static final int MAX_REPORT = 64 * 1024;

    private GatewayProbe() {
    }

    static Object call(String gatewayUrl, String target, String authorization) {
        String base = gatewayUrl.endsWith("/") ? gatewayUrl.substring(0, gatewayUrl.length() - 1) : gatewayUrl;
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/api/v1/targets/" + target + "/probe"))
                .timeout(Duration.ofSeconds(90)).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) req.header("Authorization", authorization);
        try {
            HttpResponse<byte[]> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = r.body();
            if (body.length > MAX_REPORT) return Map.of("error", "the gateway's probe report is larger than " + MAX_REPORT + " bytes");
            if (r.statusCode() != 200) {
                JsonNode j = parse(body);
                String why = j != null && j.hasNonNull("error") ? j.path("error").asText() : "HTTP " + r.statusCode();
                return Map.of("error", "the gateway did not probe: " + why, "status", r.statusCode());
            }
            JsonNode j = parse(body);
            return j == null ? Map.of("error", "the gateway's probe report is not JSON") : j;
        } catch (java.io.IOException e) {
            return Map.of("error", "cannot reach the gateway at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("error", "interrupted");
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return EventCodec.mapper().readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
