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

@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
@QuarkusTestResource(ProviderSimResource.class)
class GatewayProcessorTest {

    private static String bootstrap() {
        return EmbeddedKafkaResource.broker().bootstrapServers();
    }

    /** Registers targets the way the prompt-generator does (pmc.targets) and waits until the gateway knows them. */
    static void register(String... names) throws InterruptedException {
        for (String n : names) TopicReader.send(bootstrap(), Topics.TARGETS, n, "{\"name\":\"" + n + "\"}");
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
}
