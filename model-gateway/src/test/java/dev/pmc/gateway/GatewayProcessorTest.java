package dev.pmc.gateway;

import dev.pmc.core.Mfq30;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.core.events.SlotId;
import dev.pmc.kafka.TopicReader;
import dev.pmc.kafka.quarkus.EmbeddedKafkaResource;
import dev.pmc.kafka.quarkus.ProviderSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
@QuarkusTestResource(ProviderSimResource.class)
@QuarkusTestResource(QuotaServerResource.class)
class GatewayProcessorTest {

    private static String bootstrap() {
        return EmbeddedKafkaResource.broker().bootstrapServers();
    }

    /** Registers targets the way the prompt-generator does (pmc.targets) and waits until the gateway knows them. */
    static void register(String... names) throws InterruptedException {
        for (String n : names) TopicReader.send(bootstrap(), Topics.TARGETS, n, "{\"name\":\"" + n + "\"}");
        awaitKnown(names);
    }

    static void awaitKnown(String... names) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            String known = io.restassured.RestAssured.given().get("/api/v1/targets").asString();
            if (java.util.Arrays.stream(names).allMatch(n -> known.contains("\"" + n + "\""))) return;
            Thread.sleep(200);
        }
        throw new AssertionError("gateway did not learn the targets " + List.of(names));
    }

    private static void sendPrompt(String runId, String target, String persona, int item, int rep) {
        SlotId slot = new SlotId(runId, target, persona, item, rep);
        PromptEvent p = new PromptEvent(PromptEvent.VERSION, slot, 1, PromptTemplate.system("a lighthouse keeper"),
                PromptTemplate.user(Mfq30.get().item(item)), 0.1, 4, System.currentTimeMillis());
        TopicReader.send(bootstrap(), Topics.PROMPTS, slot.kafkaKey(), EventCodec.encode(p));
    }

    @Test
    void promptsBecomeResponsesFromTheProviderOverHttp() throws Exception {
        register("sim-base");
        for (int item = 1; item <= 30; item++) sendPrompt("gw-run-1", "sim-base", "0", item, 1);
        List<ConsumerRecord<String, String>> recs = TopicReader.readUntil(bootstrap(), Topics.RESPONSES,
                l -> l.stream().filter(r -> r.key().contains("gw-run-1")).count() >= 30, Duration.ofSeconds(60));
        Map<Integer, ResponseEvent> byItem = new HashMap<>();
        for (var r : recs) {
            if (!r.key().contains("gw-run-1")) continue;
            ResponseEvent e = EventCodec.decodeResponse(r.value());
            assertEquals(e.slot().kafkaKey(), r.key(), "key preserved");
            byItem.put(e.slot().itemId(), e);
        }
        assertEquals(30, byItem.size());
        for (ResponseEvent e : byItem.values()) {
            assertNull(e.error(), "no provider error");
            assertEquals("sim-base", e.model());
            assertNotNull(e.reply());
        }
        long digits = byItem.values().stream().filter(e -> e.reply().matches("[0-5]")).count();
        assertTrue(digits >= 28, "sim-base answers with a digit almost always: " + digits);
    }

    @Test
    void providerErrorBecomesAResponseWithTheError() throws Exception {
        register("no-such-model");
        sendPrompt("gw-run-2", "no-such-model", "0", 1, 1);
        var recs = TopicReader.readUntil(bootstrap(), Topics.RESPONSES,
                l -> l.stream().anyMatch(r -> r.key().contains("gw-run-2")), Duration.ofSeconds(60));
        ResponseEvent e = recs.stream().filter(r -> r.key().contains("gw-run-2")).map(r -> EventCodec.decodeResponse(r.value()))
                .findFirst().orElseThrow();
        assertNull(e.reply());
        assertTrue(e.error().startsWith("HTTP 404"), e.error());
    }

    @Test
    void undecodablePromptGoesToTheDeadLetterTopicWithAReasonAndTheConsumerKeepsGoing() throws Exception {
        register("sim-secure");
        TopicReader.send(bootstrap(), Topics.PROMPTS, "bad-key", "{not json");
        var dlq = TopicReader.readUntil(bootstrap(), Topics.PROMPTS_DLQ,
                l -> l.stream().anyMatch(r -> "bad-key".equals(r.key())), Duration.ofSeconds(60));
        var rec = dlq.stream().filter(r -> "bad-key".equals(r.key())).findFirst().orElseThrow();
        assertEquals("{not json", rec.value());
        var reason = rec.headers().lastHeader(EventCodec.DLQ_REASON_HEADER);
        assertNotNull(reason, "dead-letter reason header");
        assertTrue(new String(reason.value(), StandardCharsets.UTF_8).contains("undecodable PromptEvent"));
        // decodable but wrong: an unregistered target, a key that is not the slot's, an out-of-range temperature
        sendPrompt("gw-run-4", "never-registered", "1", 2, 1);
        SlotId slot = new SlotId("gw-run-5", "sim-secure", "1", 2, 1);
        PromptEvent p = new PromptEvent(PromptEvent.VERSION, slot, 1, null, "q", 0.1, 4, 0);
        TopicReader.send(bootstrap(), Topics.PROMPTS, "sim-secure|gw-run-5|2", EventCodec.encode(p));
        TopicReader.send(bootstrap(), Topics.PROMPTS, slot.kafkaKey(), EventCodec.encode(p).replace("\"temperature\":0.1", "\"temperature\":7.5"));
        var reasons = TopicReader.readUntil(bootstrap(), Topics.PROMPTS_DLQ,
                l -> l.stream().filter(r -> r.value().contains("gw-run-4") || r.value().contains("gw-run-5")).count() >= 3, Duration.ofSeconds(60))
                .stream().filter(r -> r.value().contains("gw-run-4") || r.value().contains("gw-run-5"))
                .map(r -> new String(r.headers().lastHeader(EventCodec.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8)).toList();
        assertTrue(reasons.stream().anyMatch(r -> r.contains("'never-registered' is not registered")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("does not match the slot's key")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("temperature must be within 0..2")), reasons.toString());
        sendPrompt("gw-run-3", "sim-secure", "1", 2, 1);
        var after = TopicReader.readUntil(bootstrap(), Topics.RESPONSES,
                l -> l.stream().anyMatch(r -> r.key().contains("gw-run-3")), Duration.ofSeconds(60));
        assertTrue(after.stream().anyMatch(r -> r.key().contains("gw-run-3")), "consumer continues after a bad record");
    }

    private static Map.Entry<String, String> prompt(String runId, String target, String persona, int item, int rep) {
        SlotId slot = new SlotId(runId, target, persona, item, rep);
        PromptEvent p = new PromptEvent(PromptEvent.VERSION, slot, 1, PromptTemplate.system("a lighthouse keeper"),
                PromptTemplate.user(Mfq30.get().item(item)), 1.0, 4, System.currentTimeMillis());
        return Map.entry(slot.kafkaKey(), EventCodec.encode(p));
    }

    private static double counter(String name, String target, String outcome) {
        String text = io.restassured.RestAssured.given().get("/q/metrics").asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("target=\"" + target + "\"") && (outcome == null || line.contains("outcome=\"" + outcome + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Test
    void aCellsRepetitionsShareOneCallWithTheAnswersTheyGetAlone() throws Exception {
        String price = ",\"price\":{\"inputPerMTok\":1.0,\"outputPerMTok\":2.0}";
        TopicReader.send(bootstrap(), Topics.TARGETS, "choices-one", "{\"name\":\"choices-one\",\"model\":\"sim-insecure\"" + price + "}");
        TopicReader.send(bootstrap(), Topics.TARGETS, "choices-ten", "{\"name\":\"choices-ten\",\"model\":\"sim-insecure\",\"choicesPerCall\":10" + price + "}");
        awaitKnown("choices-one", "choices-ten");
        // cell (0, 3) is interrupted by cell (0, 4): its repetitions 1-4 and 5-10 are two calls; cells (1, 7) and
        // (0, 4) one call each. At temperature 1 sim-insecure's answers vary from repetition to repetition.
        java.util.List<Map.Entry<String, String>> ten = new java.util.ArrayList<>(), one = new java.util.ArrayList<>();
        int[][] order = new int[31][];
        int k = 0;
        for (int rep = 1; rep <= 4; rep++) order[k++] = new int[]{0, 3, rep};
        for (int rep = 1; rep <= 10; rep++) order[k++] = new int[]{0, 4, rep};
        for (int rep = 5; rep <= 10; rep++) order[k++] = new int[]{0, 3, rep};
        for (int rep = 1; rep <= 10; rep++) order[k++] = new int[]{1, 7, rep};
        // a second attempt is a re-ask: always alone
        order[k++] = new int[]{1, 8, 1};
        for (int i = 0; i < k; i++) {
            int[] o = order[i];
            ten.add(prompt("gw-choices", "choices-ten", Integer.toString(o[0]), o[1], o[2]));
            one.add(prompt("gw-choices", "choices-one", Integer.toString(o[0]), o[1], o[2]));
        }
        Map.Entry<String, String> reask = ten.remove(ten.size() - 1);
        ten.add(Map.entry(reask.getKey(), reask.getValue().replace("\"attempt\":1", "\"attempt\":2")));
        reask = one.remove(one.size() - 1);
        one.add(Map.entry(reask.getKey(), reask.getValue().replace("\"attempt\":1", "\"attempt\":2")));
        TopicReader.sendAll(bootstrap(), Topics.PROMPTS, ten);
        TopicReader.sendAll(bootstrap(), Topics.PROMPTS, one);
        final long expected = 2L * k;
        var recs = TopicReader.readUntil(bootstrap(), Topics.RESPONSES,
                l -> l.stream().filter(r -> r.key().contains("gw-choices")).count() >= expected, Duration.ofSeconds(60));
        Map<String, ResponseEvent> tenBySlot = new HashMap<>(), oneBySlot = new HashMap<>();
        for (var r : recs) {
            if (!r.key().contains("gw-choices")) continue;
            ResponseEvent e = EventCodec.decodeResponse(r.value());
            assertNull(e.error(), "no error: " + e.error());
            String cell = e.slot().personaId() + "/" + e.slot().itemId() + "/" + e.slot().repetition() + "/" + e.attempt();
            assertNull((e.slot().target().equals("choices-ten") ? tenBySlot : oneBySlot).put(cell, e), "one response per slot: " + cell);
        }
        assertEquals(k, tenBySlot.size());
        assertEquals(k, oneBySlot.size());
        java.util.Set<String> answers = new java.util.HashSet<>();
        double costTen = 0, costOne = 0;
        for (String cell : oneBySlot.keySet()) {
            // same run, persona, item, repetition and attempt: the same sampling seed, so the same answer
            assertEquals(oneBySlot.get(cell).reply(), tenBySlot.get(cell).reply(), cell);
            answers.add(tenBySlot.get(cell).reply());
            costTen += tenBySlot.get(cell).costUsd();
            costOne += oneBySlot.get(cell).costUsd();
        }
        assertTrue(answers.size() > 1, "the repetitions' answers differ: " + answers);
        // 31 prompts: 4 calls for the four groups and 1 for the re-ask, against 31 calls one by one
        assertEquals(5.0, counter("pmc_gateway_requests_total", "choices-ten", "ok"));
        assertEquals(31.0, counter("pmc_gateway_requests_total", "choices-one", "ok"));
        assertEquals(31.0, counter("pmc_gateway_responses_total", "choices-ten", null));
        // the persona prompt (~140 tokens) is paid once per call instead of once per answer
        assertTrue(costTen < 0.25 * costOne, "cost " + costTen + " with 10 answers per call, " + costOne + " one by one");
    }

    /** bin/pmc probe: one call as configured, the request and answer reported, and the field to change when refused. */
    @Test
    void aProbeReportsTheRequestTheAnswerAndTheFieldToChange() throws Exception {
        TopicReader.send(bootstrap(), Topics.TARGETS, "probe-reasoning", "{\"name\":\"probe-reasoning\",\"model\":\"ft:o4-mini:pmc:sim-base\"}");
        // the same model declared as a chat model: the adapter sends max_tokens, which a reasoning model refuses
        TopicReader.send(bootstrap(), Topics.TARGETS, "probe-wrong", "{\"name\":\"probe-wrong\",\"model\":\"ft:o4-mini:pmc:sim-base\","
                + "\"capabilities\":{\"family\":\"openai-chat\"}}");
        awaitKnown("probe-reasoning", "probe-wrong");
        var ok = io.restassured.RestAssured.given().post("/api/v1/targets/probe-reasoning/probe").then().statusCode(200).extract().jsonPath();
        assertEquals(true, ok.getBoolean("ok"), ok.prettify());
        assertEquals(200, ok.getInt("status"));
        assertEquals("valid", ok.getString("outcome"));
        assertEquals("openai-reasoning-o", ok.getString("family"));
        assertTrue(ok.getInt("request.body.max_completion_tokens") > 1000, ok.prettify());
        assertNull(ok.get("request.body.temperature"), "no temperature for a reasoning model");
        assertTrue(ok.getInt("outputTokens") > 100, "reasoning tokens reported: " + ok.prettify());
        var bad = io.restassured.RestAssured.given().post("/api/v1/targets/probe-wrong/probe").then().statusCode(200).extract().jsonPath();
        assertEquals(false, bad.getBoolean("ok"));
        assertEquals(400, bad.getInt("status"));
        assertTrue(bad.getString("change").startsWith("capabilities.family"), bad.prettify());
        io.restassured.RestAssured.given().post("/api/v1/targets/no-such-target/probe").then().statusCode(404);
        io.restassured.RestAssured.given().post("/api/v1/targets/no-such-target/resume").then().statusCode(404);
        io.restassured.RestAssured.given().post("/api/v1/targets/" + "x".repeat(300) + "/probe").then().statusCode(404);
        io.restassured.RestAssured.given().post("/api/v1/targets/probe-reasoning/resume").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("\"resumed\":\"false\""));
    }

    @Test
    void theFieldToChangeIsReadFromTheProvidersRefusal() {
        assertTrue(TargetProbe.fieldToChange(400, "HTTP 400: Unsupported value: 'temperature' does not support 0.1 with this model.").startsWith("temperature"));
        assertTrue(TargetProbe.fieldToChange(400, "HTTP 400: Unsupported parameter: 'logprobs' is not supported with this model.").startsWith("mode"));
        assertTrue(TargetProbe.fieldToChange(400, "HTTP 400: candidateCount must be 1..8, was 9").startsWith("choicesPerCall"));
        assertTrue(TargetProbe.fieldToChange(401, "HTTP 401: Incorrect API key provided").startsWith("apiKey"));
        assertTrue(TargetProbe.fieldToChange(404, "HTTP 404").startsWith("model"));
        assertNull(TargetProbe.fieldToChange(500, "HTTP 500"));
        assertNull(TargetProbe.fieldToChange(400, "HTTP 400: something else"));
    }

    /**
     * Quota exhausted (OpenAI 429 insufficient_quota): no retries; the account's calls wait instead of failing (the run
     * pauses), shown on the gateway's API and gauge; an operator's resume, or a check call once the quota is back, sends
     * them all and every slot is answered.
     */
    @Test
    void anExhaustedQuotaPausesTheTargetsCallsUntilItIsBack() throws Exception {
        QuotaServerResource.EXHAUSTED.set(true);
        TopicReader.send(bootstrap(), Topics.TARGETS, "quota-t", "{\"name\":\"quota-t\",\"baseUrl\":\"" + QuotaServerResource.url + "\"}");
        awaitKnown("quota-t");
        int before = QuotaServerResource.CALLS.get();
        for (int item = 1; item <= 20; item++) sendPrompt("quota-run-1", "quota-t", "0", item, 1);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!io.restassured.RestAssured.given().get("/api/v1/targets").asString().contains("quota exhausted") && System.currentTimeMillis() < deadline) Thread.sleep(100);
        Thread.sleep(1000);
        int held = QuotaServerResource.CALLS.get() - before;
        assertTrue(held >= 1 && held <= 6, "calls while exhausted: the first ones and at most a check call, no retries (" + held + ")");
        assertTrue(io.restassured.RestAssured.given().get("/api/v1/targets").asString().contains("\"paused\":\"quota exhausted"));
        assertTrue(io.restassured.RestAssured.given().get("/q/metrics").asString().contains("pmc_gateway_quota_exhausted{target=\"quota-t\"} 1.0"));
        assertTrue(TopicReader.readAll(bootstrap(), Topics.RESPONSES).stream().noneMatch(r -> r.key().contains("quota-run-1")), "nothing answered, nothing failed");
        // the operator says the quota is back
        QuotaServerResource.EXHAUSTED.set(false);
        io.restassured.RestAssured.given().post("/api/v1/targets/quota-t/resume").then().statusCode(200);
        var recs = TopicReader.readUntil(bootstrap(), Topics.RESPONSES,
                l -> l.stream().filter(r -> r.key().contains("quota-run-1")).count() >= 20, Duration.ofSeconds(30));
        assertTrue(recs.stream().filter(r -> r.key().contains("quota-run-1")).map(r -> EventCodec.decodeResponse(r.value()))
                .allMatch(e -> e.error() == null && "3".equals(e.reply())), "every slot answered once the quota is back");
        // again, and this time nobody resumes: a check call (every 2 s in this test) finds the quota back
        QuotaServerResource.EXHAUSTED.set(true);
        for (int item = 1; item <= 5; item++) sendPrompt("quota-run-2", "quota-t", "0", item, 1);
        Thread.sleep(1500);
        QuotaServerResource.EXHAUSTED.set(false);
        TopicReader.readUntil(bootstrap(), Topics.RESPONSES, l -> l.stream().filter(r -> r.key().contains("quota-run-2")).count() >= 5, Duration.ofSeconds(30));
        assertTrue(io.restassured.RestAssured.given().get("/q/metrics").asString().contains("pmc_gateway_quota_exhausted{target=\"quota-t\"} 0.0"));
    }
}
