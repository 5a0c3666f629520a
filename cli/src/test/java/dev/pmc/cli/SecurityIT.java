package dev.pmc.cli;

import dev.pmc.stack.LocalSecurity;

import dev.pmc.stack.ServiceProcess;
import io.smallrye.jwt.build.Jwt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacks of issue #13 (and more) against a stack of its own, as bin/pmc up runs it: every state-changing or
 * money-spending endpoint without a token, with a read-only token, a forged, expired or foreign token; SSRF through a
 * target's base URL; secrets by path or variable; persona files by path; numbers as names, null and oversized bodies,
 * header injection, unknown baselines, runs beyond the caps; the services' listening address; and a REST fuzz of more
 * than 10,000 generated requests with no 5xx and no service dying.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {
    private static Stack stack;
    private static String admin, reader;
    // HTTP/1.1 like curl and browsers over http:// (over h2c an oversized body ends in GOAWAY instead of 413)
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        var config = Stack.Config.defaults(ServiceProcess.projectRoot()).withFreePorts(Files.createTempDirectory("pmc-security-")).withSimLatency(0);
        stack = Stack.start(config, System.out);
        admin = stack.security().admin();
        reader = stack.security().reader();
    }

    @AfterAll
    static void stop() {
        if (stack != null) stack.close();
    }

    record Answer(int status, String body, java.net.http.HttpHeaders headers) {
    }

    static Answer call(String method, String url, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r.headers());
    }

    /** Every endpoint that changes state or spends money, with a body it would accept from an admin. */
    static List<String[]> writes() {
        String gen = stack.url("prompt-generator"), agg = stack.url("metrics-aggregator"), sim = stack.url("provider-sim");
        return List.of(
                new String[]{"POST", gen + "/api/v1/runs", "{\"target\":\"sim-base\",\"personas\":\"toxic\",\"n\":1}"},
                new String[]{"POST", gen + "/api/v1/targets", "{\"name\":\"sec-new\",\"model\":\"sim-base\"}"},
                new String[]{"PUT", gen + "/api/v1/targets/sec-put", "{\"model\":\"sim-base\"}"},
                new String[]{"DELETE", gen + "/api/v1/targets/sim-flaky", null},
                new String[]{"DELETE", gen + "/api/v1/runs/20261125T000000000Z-none", null},
                new String[]{"PUT", agg + "/api/v1/targets/sim-secure/baseline", "{\"baseline\":\"sim-base\"}"},
                new String[]{"DELETE", agg + "/api/v1/targets/sim-secure/baseline", null},
                new String[]{"PUT", sim + "/admin/behaviour", "{\"errorRate\":0}"},
                new String[]{"GET", sim + "/admin/behaviour", null},
                new String[]{"DELETE", sim + "/admin/stats", null});
    }

    @Test
    @Order(1)
    void stateChangingEndpointsRefuseMissingForgedExpiredAndReadOnlyTokens() throws Exception {
        String forged = foreignToken(Set.of("admin", "reader"), Duration.ofHours(1));
        java.time.Instant now = java.time.Instant.now();
        String expired = Jwt.issuer(LocalSecurity.ISSUER).subject("late").groups(Set.of("admin", "reader")).issuedAt(now.minusSeconds(7200))
                .expiresAt(now.minusSeconds(3600)).sign(privateKeyOf(stack));
        String wrongIssuer = Jwt.issuer("someone-else").subject("x").groups(Set.of("admin")).expiresIn(Duration.ofHours(1))
                .sign(privateKeyOf(stack));
        for (String[] w : writes()) {
            String what = w[0] + " " + w[1];
            assertEquals(401, call(w[0], w[1], w[2], null).status(), what + " without a token");
            assertEquals(401, call(w[0], w[1], w[2], forged).status(), what + " with a token signed by another key");
            assertEquals(401, call(w[0], w[1], w[2], expired).status(), what + " with an expired token");
            assertEquals(401, call(w[0], w[1], w[2], wrongIssuer).status(), what + " with a token of another issuer");
            assertEquals(401, call(w[0], w[1], w[2], "not-a-jwt").status(), what + " with garbage as token");
            assertEquals(403, call(w[0], w[1], w[2], reader).status(), what + " with the read-only token");
        }
        // reads need a token too; health and metrics stay open for probes and Prometheus
        for (String svc : List.of("prompt-generator", "model-gateway", "metrics-aggregator")) {
            assertEquals(401, call("GET", stack.url(svc) + "/api/v1/targets", null, null).status(), svc + " reads need a token");
            assertEquals(200, call("GET", stack.url(svc) + "/api/v1/targets", null, reader).status(), svc + " reads with the read-only token");
        }
        for (String svc : Stack.SERVICES) {
            assertEquals(200, call("GET", stack.url(svc) + "/q/health/ready", null, null).status(), svc + " health is open");
            assertEquals(200, call("GET", stack.url(svc) + "/q/metrics", null, null).status(), svc + " metrics are open");
            int other = call("GET", stack.url(svc) + "/q/dev-ui", null, null).status();
            assertTrue(other == 401 || other == 403 || other == 404, svc + ": an unlisted path is not served anonymously (" + other + ")");
        }
        // the credentials on disk are the owner's alone, and so is the whole data directory (logs, broker data, secrets)
        var sec = stack.security();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.config().dataDir())));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.config().dataDir().resolve("logs"))));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sec.privateKey().getParent())));
        for (var f : List.of(sec.privateKey(), sec.adminToken(), sec.readToken())) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
        // and the admin token works
        assertEquals(200, call("PUT", stack.url("prompt-generator") + "/api/v1/targets/sec-put", "{\"model\":\"sim-base\"}", admin).status());
    }

    @Test
    @Order(2)
    void targetsCannotPointTheGatewayAtInternalAddressesOrReadItsFilesAndVariables() throws Exception {
        String url = stack.url("prompt-generator") + "/api/v1/targets/ssrf";
        for (String base : List.of(stack.url("metrics-aggregator") + "/v1", "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/v1",
                "http://192.168.1.1/v1", "http://172.16.0.1/v1", "http://[::1]:8084/v1", "http://localhost:8081/v1", "http://127.1/v1",
                "http://metadata.google.internal/computeMetadata/v1", "http://0.0.0.0:8081/v1", "http://[fd00:ec2::254]/v1",
                "http://user:pass@api.example.com/v1", "file:///etc/passwd", "gopher://x/")) {
            Answer a = call("PUT", url, "{\"model\":\"sim-base\",\"baseUrl\":\"" + base + "\"}", admin);
            assertEquals(400, a.status(), base + " refused: " + a.body());
        }
        // the local simulator is the operator's allowed exception
        assertEquals(200, call("PUT", url, "{\"model\":\"sim-base\",\"baseUrl\":\"" + stack.url("provider-sim") + "/v1\"}", admin).status());
        // secrets only by name from the operator's set: no path, no variable, not the key
        for (String body : List.of("{\"model\":\"sim-base\",\"apiKeyFile\":\"/etc/hostname\"}", "{\"model\":\"sim-base\",\"apiKeyEnv\":\"HOME\"}",
                "{\"model\":\"sim-base\",\"apiKey\":\"../../etc/passwd\"}", "{\"model\":\"sim-base\",\"apiKey\":\"/etc/hostname\"}",
                "{\"model\":\"sim-base\",\"apiKey\":\"$HOME\"}")) {
            Answer a = call("PUT", stack.url("prompt-generator") + "/api/v1/targets/sec-key", body, admin);
            assertEquals(400, a.status(), body + ": " + a.body());
        }
        // persona files only by name from the operator's directory (none here), and no file content echoed
        for (String file : List.of("/etc/passwd", "../../etc/passwd", "personas.json")) {
            Answer a = call("POST", stack.url("prompt-generator") + "/api/v1/runs", "{\"target\":\"sim-base\",\"personas\":\"file\",\"personaFile\":\"" + file + "\"}", admin);
            assertEquals(400, a.status(), file);
            assertFalse(a.body().contains("root:"), "no file content in " + a.body());
        }
        // provider-sim does not hand out its key
        assertEquals(200, call("PUT", stack.url("provider-sim") + "/admin/behaviour", "{\"apiKey\":\"sk-sim-very-secret-1234\"}", admin).status());
        Answer b = call("GET", stack.url("provider-sim") + "/admin/behaviour", null, admin);
        assertFalse(b.body().contains("very-secret"), b.body());
        call("PUT", stack.url("provider-sim") + "/admin/behaviour", "{\"apiKey\":null}", admin);
    }

    @Test
    @Order(3)
    void malformedAndOversizedInputGets4xxNever500() throws Exception {
        String gen = stack.url("prompt-generator");
        Map<String, String> runs = Map.of(
                "{\"target\":123}", "a number is not a name",
                "null", "null body",
                "[]", "an array",
                "{\"target\":\"sim-base\",\"n\":\"10\"}", "a string is not a number",
                "{\"target\":\"sim-base\",\"n\":64,\"personas\":\"file\",\"personaTexts\":" + texts(1000) + "}", "beyond the slot cap",
                "{\"target\":\"sim-base\",\"personas\":\"file\",\"personaTexts\":" + texts(1001) + "}", "too many personas",
                "{\"target\":\"sim-base\"} trailing", "trailing garbage",
                "{\"target\":\"Sim Base\"}", "not a target name");
        for (var e : runs.entrySet()) {
            Answer a = call("POST", gen + "/api/v1/runs", e.getKey(), admin);
            assertEquals(400, a.status(), e.getValue() + ": " + a.body());
        }
        assertEquals(400, call("POST", gen + "/api/v1/targets", "null", admin).status(), "null target");
        assertEquals(400, call("POST", gen + "/api/v1/targets", "{\"name\":123}", admin).status(), "number as target name");
        assertEquals(400, call("PUT", gen + "/api/v1/targets/sec-b", "{\"model\":\"sim-base\",\"baseline\":\"no-such\"}", admin).status(), "unknown baseline");
        assertEquals(400, call("PUT", stack.url("metrics-aggregator") + "/api/v1/targets/sim-secure/baseline", "{\"baseline\":\"no-such\"}", admin).status());
        Answer big = call("POST", gen + "/api/v1/runs", "{\"target\":\"sim-base\",\"pad\":\"" + "x".repeat(2 << 20) + "\"}", admin);
        assertEquals(413, big.status(), "a 2 MiB body");
        // header injection through a path parameter: refused, nothing injected
        Answer inj = call("PUT", gen + "/api/v1/targets/a%0d%0aX-Injected:%20yes", "{\"model\":\"sim-base\"}", admin);
        assertTrue(inj.status() == 400 || inj.status() == 404, "CRLF in a name: " + inj.status());
        assertTrue(inj.headers().firstValue("X-Injected").isEmpty(), "no injected header");
        Answer post = call("POST", gen + "/api/v1/targets", "{\"name\":\"a\\r\\nX-Injected: yes\",\"model\":\"sim-base\"}", admin);
        assertEquals(400, post.status());
        assertTrue(post.headers().firstValue("X-Injected").isEmpty(), "no injected header");
    }

    /** The services listen on 127.0.0.1 only: another address of this machine is refused. */
    @Test
    @Order(4)
    void servicesListenOnLoopbackOnly() throws Exception {
        java.net.InetAddress external = null;
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) continue;
            for (var a : java.util.Collections.list(nic.getInetAddresses())) if (a instanceof java.net.Inet4Address) external = a;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "this machine has no non-loopback address");
        for (String svc : Stack.SERVICES) {
            int port = stack.processes().get(svc).port();
            try (var s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(external, port), 1000);
                throw new AssertionError(svc + " answers on " + external.getHostAddress() + ":" + port);
            } catch (java.net.ConnectException expected) {
                // refused: only loopback
            }
        }
    }

    /**
     * 10,000+ generated requests (methods × paths with mutated segments × bodies from valid ones broken in many ways ×
     * tokens from none to admin) against every service: no 5xx, and every service alive, ready, never restarted.
     */
    @Test
    @Order(5)
    void restFuzzNeverGets500AndKillsNothing() throws Exception {
        SplittableRandom rnd = new SplittableRandom(1313);
        List<String> bases = new ArrayList<>();
        for (String svc : Stack.SERVICES) bases.add(stack.url(svc));
        String[] paths = {"/api/v1/runs", "/api/v1/runs/%s", "/api/v1/targets", "/api/v1/targets/%s", "/api/v1/targets/%s/metrics",
                "/api/v1/targets/%s/baseline", "/api/v1/targets/%s/ratings.csv", "/api/v1/targets/%s/personas", "/api/v1/targets/%s/failures",
                "/api/v1/baselines", "/api/v1/schedules", "/api/v1/topology", "/admin/behaviour", "/admin/stats", "/v1/chat/completions",
                "/v1/messages", "/v1beta/models/%s:generateContent", "/v1/models", "/q/health", "/ui/", "/api/v1/runs?limit=%s", "/api/v1/runs?before=%s"};
        String[] segments = {"sim-base", "nope", "", "..", "%2e%2e%2f", "a%0d%0ab", "%00", "x".repeat(300), "1e9", "-1", "sim-base/../../x",
                "%ff%fe", "<script>", "' or 1=1 --", "20261125T000000000Z-x", "0", "999999999999"};
        String[] methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
        String[] valid = {"{\"target\":\"sim-base\",\"personas\":\"self\",\"n\":1}", "{\"name\":\"fz\",\"model\":\"sim-base\"}",
                "{\"model\":\"sim-base\",\"limits\":{\"rpm\":100}}", "{\"baseline\":\"sim-base\"}", "{\"errorRate\":0}",
                "{\"model\":\"sim-base\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}"};
        String forged = foreignToken(Set.of("admin"), Duration.ofHours(1));
        String[] tokens = {null, null, reader, forged, "garbage", admin};
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 10_500; i++) {
            String path = paths[rnd.nextInt(paths.length)];
            if (path.contains("%s")) path = String.format(path, segments[rnd.nextInt(segments.length)]);
            String method = methods[rnd.nextInt(methods.length)];
            String token = tokens[rnd.nextInt(tokens.length)];
            String body = null;
            if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) body = fuzzBody(valid[rnd.nextInt(valid.length)], rnd);
            // admin writes stay small: no runs larger than a self run with n = 1
            if (token == admin && method.equals("POST") && path.startsWith("/api/v1/runs") && body != null && !body.contains("\"self\"")) token = reader;
            if (token == admin && method.equals("DELETE") && path.startsWith("/api/v1/targets/sim-")) token = null;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(bases.get(rnd.nextInt(bases.size())) + path)).timeout(Duration.ofSeconds(30))
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
                if (body != null) b.header("Content-Type", rnd.nextInt(5) == 0 ? "application/yaml" : "application/json");
                if (token != null) b.header("Authorization", "Bearer " + token);
                requests.add(b.build());
            } catch (IllegalArgumentException notAUri) {
                i--; // a segment the client itself refuses to send
            }
        }
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Thread t = new Thread(() -> {
                int k;
                while ((k = next.getAndIncrement()) < requests.size()) {
                    HttpRequest r = requests.get(k);
                    try {
                        HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
                        statuses.merge(resp.statusCode(), 1, Integer::sum);
                        if (resp.statusCode() >= 500) serverErrors.add(r.method() + " " + r.uri() + " -> " + resp.statusCode() + " " + resp.body());
                    } catch (Exception e) {
                        serverErrors.add(r.method() + " " + r.uri() + " -> " + e);
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) t.join();
        System.out.println("REST fuzz: " + requests.size() + " requests, statuses " + new java.util.TreeMap<>(statuses));
        assertTrue(requests.size() >= 10_000);
        assertEquals(List.of(), serverErrors.size() > 20 ? serverErrors.subList(0, 20) : serverErrors, serverErrors.size() + " requests got 5xx or no answer");
        for (ServiceProcess p : stack.processes().values()) {
            assertTrue(p.alive(), p.name() + " alive");
            assertEquals(0, p.restarts(), p.name() + " never restarted");
        }
        for (String svc : Stack.SERVICES) assertEquals(200, call("GET", stack.url(svc) + "/q/health/ready", null, null).status(), svc + " ready");
    }

    private static String fuzzBody(String valid, SplittableRandom rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> valid;
            case 1 -> valid.substring(0, rnd.nextInt(valid.length()));
            case 2 -> "null";
            case 3 -> "[" + valid + "]";
            case 4 -> valid.replaceFirst(":\"[^\"]*\"", ":" + rnd.nextInt());
            case 5 -> valid.replaceFirst(":(\\d+)", ":\"$1\"");
            case 6 -> valid.replace("}", ",\"unknown\":true}");
            case 7 -> "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
            case 8 -> valid.replaceFirst(":\"[^\"]*\"", ":\"" + "y".repeat(5000) + "\"");
            case 9 -> "\u0000\u00ff garbage";
            case 10 -> valid.replaceFirst(":(\\d+)", ":1e400");
            default -> valid.replaceFirst(":\"[^\"]*\"", ":\"../../etc/passwd\"");
        };
    }

    private static String texts(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ",").append("\"persona ").append(i).append('"');
        return sb.append(']').toString();
    }

    /** A token with the right issuer signed by a key the stack does not trust. */
    private static String foreignToken(Set<String> roles, Duration lifetime) throws Exception {
        var g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return Jwt.issuer(LocalSecurity.ISSUER).subject("mallory").groups(roles).expiresIn(lifetime).sign(g.generateKeyPair().getPrivate());
    }

    private static java.security.PrivateKey privateKeyOf(Stack s) throws Exception {
        String pem = Files.readString(s.security().privateKey()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return java.security.KeyFactory.getInstance("RSA").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
    }
}
