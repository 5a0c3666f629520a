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
        // each token below is wrong in one way only: all carry the audience unless the audience is what is wrong
        String expired = Jwt.issuer(LocalSecurity.ISSUER).audience(LocalSecurity.AUDIENCE).subject("late").groups(Set.of("admin", "reader"))
                .issuedAt(now.minusSeconds(7200)).expiresAt(now.minusSeconds(3600)).sign(privateKeyOf(stack));
        String wrongIssuer = Jwt.issuer("someone-else").audience(LocalSecurity.AUDIENCE).subject("x").groups(Set.of("admin")).expiresIn(Duration.ofHours(1))
                .sign(privateKeyOf(stack));
        // issue #26: a token for another application signed with the stack's key; no audience at all; lifetimes over the maxima
        String otherAudience = Jwt.issuer(LocalSecurity.ISSUER).audience("other-app").subject("x").groups(Set.of("admin", "reader"))
                .issuedAt(now).expiresAt(now.plusSeconds(3600)).sign(privateKeyOf(stack));
        String noAudience = Jwt.issuer(LocalSecurity.ISSUER).subject("x").groups(Set.of("admin", "reader"))
                .issuedAt(now).expiresAt(now.plusSeconds(3600)).sign(privateKeyOf(stack));
        String centuryAdmin = Jwt.issuer(LocalSecurity.ISSUER).audience(LocalSecurity.AUDIENCE).subject("x").groups(Set.of("admin", "reader"))
                .issuedAt(now).expiresAt(now.plus(Duration.ofDays(36500))).sign(privateKeyOf(stack));
        String longAdmin = Jwt.issuer(LocalSecurity.ISSUER).audience(LocalSecurity.AUDIENCE).subject("x").groups(Set.of("admin", "reader"))
                .issuedAt(now).expiresAt(now.plus(Duration.ofDays(31))).sign(privateKeyOf(stack));
        String longReader = Jwt.issuer(LocalSecurity.ISSUER).audience(LocalSecurity.AUDIENCE).subject("x").groups(Set.of("reader"))
                .issuedAt(now).expiresAt(now.plus(Duration.ofDays(91))).sign(privateKeyOf(stack));
        String okAdmin = Jwt.issuer(LocalSecurity.ISSUER).audience(LocalSecurity.AUDIENCE).subject("x").groups(Set.of("admin", "reader"))
                .issuedAt(now).expiresAt(now.plus(Duration.ofDays(29))).sign(privateKeyOf(stack));
        for (String svc : List.of("prompt-generator", "model-gateway", "metrics-aggregator")) {
            String u = stack.url(svc) + "/api/v1/targets";
            assertEquals(401, call("GET", u, null, otherAudience).status(), svc + ": a token for audience other-app");
            assertEquals(401, call("GET", u, null, noAudience).status(), svc + ": a token without audience");
            assertEquals(401, call("GET", u, null, centuryAdmin).status(), svc + ": a 100-year admin token");
            assertEquals(401, call("GET", u, null, longAdmin).status(), svc + ": an admin token of 31 days");
            assertEquals(401, call("GET", u, null, longReader).status(), svc + ": a reader token of 91 days");
            assertEquals(200, call("GET", u, null, okAdmin).status(), svc + ": an admin token of 29 days (the control)");
        }
        // and bin/pmc will not mint one
        var tooLong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> stack.security().mint("x", Set.of("admin", "reader"), Duration.ofDays(36500)));
        assertTrue(tooLong.getMessage().contains("30 days"), tooLong.getMessage());
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
                "http://user:pass@api.example.com/v1", "file:///etc/passwd", "gopher://x/",
                // issue #26's spellings that were accepted, and their relatives
                "http://[::127.0.0.1]:8081/v1", "http://[64:ff9b::a9fe:a9fe]/v1", "http://[64:ff9b::7f00:1]:8081/v1", "http://[2002:7f00:1::]:8081/v1",
                "http://0x7f000001:8081/v1", "http://0177.0.0.1:8081/v1", "http://2130706433:8081/v1", "http://[::ffff:7f00:1]:8081/v1",
                stack.url("provider-sim") + "/v1/%2e%2e/admin", stack.url("provider-sim") + "/v1?x=1", stack.url("provider-sim") + "/v1#frag",
                "https://api.openai.com/v1?key=sk-abc")) {
            Answer a = call("PUT", url, "{\"model\":\"sim-base\",\"baseUrl\":\"" + base + "\"}", admin);
            assertEquals(400, a.status(), base + " refused: " + a.body());
        }
        // a built-in key name goes only to its provider's host, named in the refusal with the URL asked for
        Answer bound = call("PUT", url, "{\"model\":\"sim-base\",\"apiKey\":\"openai\",\"baseUrl\":\"" + stack.url("provider-sim") + "/v1\"}", admin);
        assertEquals(400, bound.status(), bound.body());
        assertTrue(bound.body().contains("https://api.openai.com/") && bound.body().contains(stack.url("provider-sim")), bound.body());
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
     * Issue #26: only the configured host names are answered (a page that re-points its own name at 127.0.0.1 sends
     * that name as Host); a packaged service started with the test profile keeps authorization on; provider-sim's open
     * endpoint keeps a bounded set of requests whatever it is sent; the CLI sends its admin token only to the processes
     * its stack recorded.
     */
    @Test
    @Order(7)
    void foreignHostNamesProfilesUnboundedRequestsAndSquattedPortsGetNothing() throws Exception {
        for (String svc : Stack.SERVICES) {
            int port = stack.processes().get(svc).port();
            assertEquals(421, rawStatus(port, "pmc-rebind.example:" + port, "/q/metrics"), svc + ": a foreign Host on /q/metrics");
            assertEquals(421, rawStatus(port, "evil.example", "/q/health/ready"), svc + ": a foreign Host on /q/health");
            assertEquals(200, rawStatus(port, "127.0.0.1:" + port, "/q/metrics"), svc + ": its own address");
            assertEquals(200, rawStatus(port, "localhost:" + port, "/q/metrics"), svc + ": localhost");
            assertEquals(200, rawStatus(port, null, "/q/health/ready"), svc + ": an HTTP/1.0 probe without Host");
        }
        // a provider-sim started with QUARKUS_PROFILE=test and a small request bound
        Map<String, String> props = new java.util.HashMap<>(stack.security().serviceProperties());
        props.put("quarkus.profile", "test");
        props.put("pmc.sim.max-tracked-requests", "100");
        try (ServiceProcess sim = ServiceProcess.start("sim-profile-test", ServiceProcess.appJar(ServiceProcess.projectRoot(), "provider-sim"),
                ServiceProcess.freePort(), props, stack.config().dataDir().resolve("logs"), "256m").awaitReady(Duration.ofSeconds(90))) {
            assertEquals(401, call("GET", sim.url() + "/admin/stats", null, null).status(), "the test profile alone does not open /admin");
            assertEquals(401, call("PUT", sim.url() + "/admin/behaviour", "{\"errorRate\":1}", null).status());
            for (int i = 0; i < 300; i++) {
                Answer a = call("POST", sim.url() + "/v1/chat/completions", "{\"model\":\"sim-base\",\"seed\":" + i
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"distinct " + i + "\"}],\"max_tokens\":4}", null);
                assertEquals(200, a.status(), a.body());
            }
            var stats = EventCodecHolder.json(call("GET", sim.url() + "/admin/stats", null, admin).body());
            assertEquals(300, stats.path("calls").asLong());
            long kept = stats.path("trackedRequests").asLong();
            assertTrue(kept > 0 && kept <= 100, "300 distinct requests, at most 100 remembered: " + kept);
        }
        // the CLI's check before it sends the admin token: the recorded processes hold their ports; a squatter does not
        var desc = EventCodecHolder.mapper().createObjectNode();
        var urls = desc.putObject("urls");
        var pids = desc.putObject("pids");
        for (String svc : Stack.SERVICES) {
            urls.put(svc, stack.url(svc));
            pids.put(svc, stack.processes().get(svc).pid());
        }
        org.junit.jupiter.api.Assertions.assertNull(RunCommand.notTheStacks(desc), "the stack's own processes");
        try (var squatter = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            urls.put("prompt-generator", "http://127.0.0.1:" + squatter.getLocalPort());
            String why = RunCommand.notTheStacks(desc);
            assertTrue(why != null && why.contains("port " + squatter.getLocalPort()), "a port another process holds: " + why);
        }
    }

    /** The status code of a GET sent over a raw socket with this Host header (null: HTTP/1.0 without one). */
    private static int rawStatus(int port, String host, String path) throws Exception {
        try (var s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            String req = host == null ? "GET " + path + " HTTP/1.0\r\n\r\n" : "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    /** JSON for the test (the services' own mapper). */
    private static final class EventCodecHolder {
        static com.fasterxml.jackson.databind.ObjectMapper mapper() {
            return dev.pmc.core.events.EventCodec.mapper();
        }

        static com.fasterxml.jackson.databind.JsonNode json(String s) throws Exception {
            return mapper().readTree(s);
        }
    }

    /**
     * DNS rebinding (issue #26): a target whose name did not resolve at registration, run once, then pointed at
     * 127.0.0.1 (a JDK hosts file the gateway reads, cache off). A loopback listener on the target's port must see no
     * connection from a gateway with the check; the test's own control — the same sequence with the check switched off
     * — must see one, or this test could not fail.
     */
    @Test
    @Order(6)
    void aNameThatRebindsToLoopbackAfterRegistrationGetsNoConnection() throws Exception {
        try (var listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger connections = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (var c = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String gen = stack.url("prompt-generator");
            int port = listener.getLocalPort();
            assertEquals(200, call("PUT", gen + "/api/v1/targets/rebind", "{\"model\":\"sim-base\",\"baseUrl\":\"http://pmc-rebind.test:" + port + "/v1\","
                    + "\"limits\":{\"maxInFlight\":4}}", admin).status(), "unknown at registration: allowed, checked at connection");
            int seen = 0;
            for (boolean check : List.of(true, false)) {
                java.nio.file.Path hosts = Files.createTempFile("pmc-hosts-", ".txt");
                Files.writeString(hosts, "127.0.0.1 localhost\n"); // pmc-rebind.test does not resolve yet
                ServiceProcess gw = stack.startGatewayReplica("gateway-rebind-" + check, Map.of("jdk.net.hosts.file", hosts.toString(),
                        "sun.net.inetaddr.ttl", "0", "sun.net.inetaddr.negative.ttl", "0", "pmc.security.connect-check", Boolean.toString(check),
                        "vertx.disableDnsResolver", "true", // Vert.x resolves through the JDK too, so the control reads the same file
                        // its own consumer group from the end of pmc.prompts: it calls for the runs below, whoever else does
                        "mp.messaging.incoming.prompts.group.id", "sec-rebind-" + check, "mp.messaging.incoming.prompts.auto.offset.reset", "latest",
                        "mp.messaging.incoming.prompts.group.instance.id", "sec-rebind-" + check,
                        // failures must not open its breaker: every call of the second run has to try the address
                        "pmc.gateway.circuit.failure-threshold", "1000000"));
                try {
                    Thread.sleep(3000); // its consumer joins
                    rebindRun(gw, null, () -> true);
                    Files.writeString(hosts, "127.0.0.1 localhost\n127.0.0.1 pmc-rebind.test\n"); // the name now points inside
                    if (check) {
                        // each call of the second run refused at connection time, and none reached the listener
                        rebindRun(gw, "client_error", () -> true);
                        Thread.sleep(1000);
                        assertEquals(0, connections.get(), "with the connect-time check no connection reaches the loopback listener");
                    } else {
                        rebindRun(gw, null, () -> connections.get() > 0);
                    }
                    seen = connections.get();
                } finally {
                    gw.close();
                    stack.processes().remove(gw.name());
                }
            }
            assertTrue(seen > 0, "the control: without the check the rebound name reaches the listener (" + seen + " connections)");
            System.out.println("rebinding: 0 connections with the connect-time check, " + seen + " in the control without it");
        }
    }

    /**
     * One small run of target rebind; returns once the replica has made 20 calls of it (with {@code outcome} only,
     * when given) and {@code until} holds, within 60 s.
     */
    private static void rebindRun(ServiceProcess gw, String outcome, java.util.function.BooleanSupplier until) throws Exception {
        double before = gatewayCalls(gw, outcome);
        Answer a = call("POST", stack.url("prompt-generator") + "/api/v1/runs", "{\"target\":\"rebind\",\"personas\":\"toxic\",\"n\":1}", admin);
        assertEquals(202, a.status(), a.body());
        long deadline = System.currentTimeMillis() + 60_000;
        while ((gatewayCalls(gw, outcome) - before < 20 || !until.getAsBoolean()) && System.currentTimeMillis() < deadline) Thread.sleep(250);
        assertTrue(gatewayCalls(gw, outcome) - before >= 20, "the replica called the target (" + (outcome == null ? "any outcome" : outcome) + ")");
        assertTrue(until.getAsBoolean(), "within 60 s");
    }

    private static double gatewayCalls(ServiceProcess gw, String outcome) throws Exception {
        String metrics = call("GET", gw.url() + "/q/metrics", null, null).body();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("pmc_gateway_requests_total{") && line.contains("target=\"rebind\"")
                    && (outcome == null || line.contains("outcome=\"" + outcome + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
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
        // bounded state on the open /q/metrics (issue #26): requests refused before routing are recorded with their raw
        // path, so 10,500 hostile paths could grow the series without end; at most 100 distinct uri values are kept
        for (String svc : Stack.SERVICES) {
            java.util.Set<String> uris = new java.util.HashSet<>();
            for (String line : call("GET", stack.url(svc) + "/q/metrics", null, null).body().split("\n")) {
                int i = line.indexOf("uri=\"");
                if (line.startsWith("http_server_requests_seconds_count{") && i >= 0) uris.add(line.substring(i + 5, line.indexOf('"', i + 5)));
            }
            assertTrue(uris.size() <= 100, svc + ": " + uris.size() + " distinct uri values on /q/metrics after the fuzz");
            System.out.println(svc + ": " + uris.size() + " distinct uri values on /q/metrics after 10,500 fuzz requests");
        }
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
