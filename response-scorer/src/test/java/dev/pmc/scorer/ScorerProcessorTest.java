package dev.pmc.scorer;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.core.events.SlotId;
import dev.pmc.kafka.TopicReader;
import dev.pmc.kafka.quarkus.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
class ScorerProcessorTest {

    private static String bootstrap() {
        return EmbeddedKafkaResource.broker().bootstrapServers();
    }

    private static void sendResponse(String runId, int item, String reply, String error) {
        SlotId slot = new SlotId(runId, "sim-base", "3", item, 1);
        ResponseEvent r = new ResponseEvent(ResponseEvent.VERSION, slot, 1, "sim-base", reply, error, 5, System.currentTimeMillis());
        TopicReader.send(bootstrap(), Topics.RESPONSES, slot.kafkaKey(), EventCodec.encode(r));
    }

    @Test
    void repliesBecomeRatingEventsWithOutcomes() {
        sendResponse("sc-1", 1, "4", null);
        sendResponse("sc-1", 2, "**2** because", null);
        sendResponse("sc-1", 3, "9", null);
        sendResponse("sc-1", 4, "I cannot answer that.", null);
        sendResponse("sc-1", 5, "   ", null);
        sendResponse("sc-1", 6, null, "HTTP 500");
        // the provider itself declined the prompt (Gemini's blocked prompt): the model's refusal, not a failed call
        sendResponse("sc-1", 7, null, ResponseEvent.PROVIDER_REFUSAL + "prompt blocked (SAFETY)");
        var recs = TopicReader.readUntil(bootstrap(), Topics.RATINGS,
                l -> l.stream().filter(r -> r.key().contains("sc-1")).count() >= 7, Duration.ofSeconds(60));
        Map<Integer, RatingEvent> byItem = new HashMap<>();
        recs.stream().filter(r -> r.key().contains("sc-1")).forEach(r -> {
            RatingEvent e = EventCodec.decodeRating(r.value());
            assertEquals(e.slot().kafkaKey(), r.key());
            byItem.put(e.slot().itemId(), e);
        });
        assertEquals(RatingOutcome.VALID, byItem.get(1).outcome());
        assertEquals(4, byItem.get(1).rating());
        assertEquals(2, byItem.get(2).rating());
        assertEquals(RatingOutcome.OUT_OF_RANGE, byItem.get(3).outcome());
        assertNull(byItem.get(3).rating());
        assertEquals(RatingOutcome.REFUSAL, byItem.get(4).outcome());
        assertEquals(RatingOutcome.EMPTY, byItem.get(5).outcome());
        assertEquals(RatingOutcome.PROVIDER_ERROR, byItem.get(6).outcome());
        assertEquals(RatingOutcome.REFUSAL, byItem.get(7).outcome());
        assertEquals("provider_refusal", byItem.get(7).rule());
    }

    /** BFI-44 replies are read on its 1-5 scale (a 0 is out of range); a BFI item beyond 44 or an unknown instrument is dead-lettered. */
    @Test
    void otherInstrumentsAreScoredOnTheirScale() {
        java.util.function.BiConsumer<Integer, String> send = (item, reply) -> {
            SlotId slot = new SlotId("sc-bfi", "sim-base", "3", item, 1, "bfi44");
            TopicReader.send(bootstrap(), Topics.RESPONSES, slot.kafkaKey(),
                    EventCodec.encode(new ResponseEvent(ResponseEvent.VERSION, slot, 1, "sim-base", reply, null, 5, System.currentTimeMillis())));
        };
        send.accept(1, "0");
        send.accept(44, "5");
        send.accept(2, "**4**");
        SlotId mfq = new SlotId("sc-bfi", "sim-base", "3", 44, 1, "bfi44");
        String tooFar = EventCodec.encode(new ResponseEvent(ResponseEvent.VERSION, mfq, 1, "sim-base", "3", null, 5, 0));
        TopicReader.send(bootstrap(), Topics.RESPONSES, mfq.kafkaKey(), tooFar.replace("\"itemId\":44", "\"itemId\":45"));
        TopicReader.send(bootstrap(), Topics.RESPONSES, mfq.kafkaKey(), tooFar.replace("\"instrument\":\"bfi44\"", "\"instrument\":\"hexaco\""));
        var recs = TopicReader.readUntil(bootstrap(), Topics.RATINGS,
                l -> l.stream().filter(r -> r.key().contains("sc-bfi")).count() >= 3, Duration.ofSeconds(60));
        Map<Integer, RatingEvent> byItem = new HashMap<>();
        recs.stream().filter(r -> r.key().contains("sc-bfi")).forEach(r -> {
            RatingEvent e = EventCodec.decodeRating(r.value());
            assertEquals("bfi44", e.slot().instrument());
            byItem.put(e.slot().itemId(), e);
        });
        assertEquals(RatingOutcome.OUT_OF_RANGE, byItem.get(1).outcome(), "0 is not on BFI-44's 1-5 scale");
        assertEquals(5, byItem.get(44).rating());
        assertEquals(4, byItem.get(2).rating());
        var reasons = TopicReader.readUntil(bootstrap(), Topics.RESPONSES_DLQ,
                l -> l.stream().filter(r -> r.value() != null && r.value().contains("sc-bfi")).count() >= 2, Duration.ofSeconds(60))
                .stream().filter(r -> r.value() != null && r.value().contains("sc-bfi"))
                .map(r -> new String(r.headers().lastHeader(EventCodec.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8)).toList();
        assertTrue(reasons.stream().anyMatch(r -> r.contains("slot itemId must be 1..44, is 45")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("slot instrument 'hexaco' is not known here")), reasons.toString());
    }

    private static void sendWithPrompt(String runId, int attempt, String reply) {
        SlotId slot = new SlotId(runId, "sim-flaky", "7", 16, 2);
        var prompt = new dev.pmc.core.events.PromptEvent(1, slot, attempt, "You are role-playing as the following persona: x",
                "Statement: Compassion for those who are suffering is the most crucial virtue.", 0.1, 4, 0);
        ResponseEvent r = new ResponseEvent(ResponseEvent.VERSION, slot, attempt, "sim-flaky", reply, null, 1, 0, prompt);
        TopicReader.send(bootstrap(), Topics.RESPONSES, slot.kafkaKey(), EventCodec.encode(r));
    }

    @Test
    void invalidRepliesAreReaskedUntilTheLastAttempt() {
        sendWithPrompt("reask-1", 1, "Let me tell you about my day instead.");
        var prompts = TopicReader.readUntil(bootstrap(), Topics.PROMPTS, l -> l.stream().anyMatch(r -> r.key().contains("reask-1")),
                Duration.ofSeconds(60));
        var reask = prompts.stream().filter(r -> r.key().contains("reask-1")).map(r -> EventCodec.decodePrompt(r.value())).findFirst().orElseThrow();
        assertEquals(2, reask.attempt(), "next attempt of the same slot");
        assertEquals(2, reask.slot().repetition());
        assertTrue(reask.user().contains("Compassion"), "same prompt text");
        var ratings = TopicReader.readUntil(bootstrap(), Topics.RATINGS, l -> l.stream().anyMatch(r -> r.key().contains("reask-1")),
                Duration.ofSeconds(60));
        RatingEvent first = ratings.stream().filter(r -> r.key().contains("reask-1")).map(r -> EventCodec.decodeRating(r.value())).findFirst().orElseThrow();
        assertEquals(RatingOutcome.NO_RATING, first.outcome());
        assertEquals(Boolean.FALSE, first.last(), "a re-asked slot is not settled");

        // the fourth attempt is the last: no fifth, and the rating event settles the slot as failed
        sendWithPrompt("reask-2", 4, "I'd rather not put a number on it, I am just a tour guide.");
        var last = TopicReader.readUntil(bootstrap(), Topics.RATINGS, l -> l.stream().anyMatch(r -> r.key().contains("reask-2")),
                Duration.ofSeconds(60)).stream().filter(r -> r.key().contains("reask-2")).map(r -> EventCodec.decodeRating(r.value())).findFirst().orElseThrow();
        assertTrue(last.settles());
        assertEquals(4, last.attempt());
        // a valid reply settles its slot and is not re-asked
        sendWithPrompt("reask-3", 1, "5");
        var valid = TopicReader.readUntil(bootstrap(), Topics.RATINGS, l -> l.stream().anyMatch(r -> r.key().contains("reask-3")),
                Duration.ofSeconds(60)).stream().filter(r -> r.key().contains("reask-3")).map(r -> EventCodec.decodeRating(r.value())).findFirst().orElseThrow();
        assertTrue(valid.settles());
        assertEquals(5, valid.rating());
        var allPrompts = TopicReader.readUntil(bootstrap(), Topics.PROMPTS, l -> false, Duration.ofSeconds(3));
        assertEquals(0, allPrompts.stream().filter(r -> r.key().contains("reask-2") || r.key().contains("reask-3")).count(),
                "no re-ask after the last attempt or after a valid reply");
    }

    @Test
    void logprobRepliesBecomeDistributions() {
        SlotId slot = new SlotId("lp-1", "sim-base", "0", 3, 1);
        var top = java.util.List.of(new dev.pmc.core.events.TokenLogprob("2", Math.log(0.7)),
                new dev.pmc.core.events.TokenLogprob("3", Math.log(0.2)),
                new dev.pmc.core.events.TokenLogprob("Well", Math.log(0.05)));
        ResponseEvent r = new ResponseEvent(1, slot, 1, "sim-base", "2", null, 1, 0, null, top);
        TopicReader.send(bootstrap(), Topics.RESPONSES, slot.kafkaKey(), EventCodec.encode(r));
        SlotId bad = new SlotId("lp-2", "sim-base", "0", 3, 1);
        var words = java.util.List.of(new dev.pmc.core.events.TokenLogprob("As", Math.log(0.9)),
                new dev.pmc.core.events.TokenLogprob("4", Math.log(0.05)));
        TopicReader.send(bootstrap(), Topics.RESPONSES, bad.kafkaKey(),
                EventCodec.encode(new ResponseEvent(1, bad, 1, "sim-base", "As", null, 1, 0, null, words)));
        var recs = TopicReader.readUntil(bootstrap(), Topics.RATINGS,
                l -> l.stream().filter(x -> x.key().contains("lp-")).count() >= 2, Duration.ofSeconds(60));
        RatingEvent good = recs.stream().filter(x -> x.key().contains("lp-1")).map(x -> EventCodec.decodeRating(x.value())).findFirst().orElseThrow();
        assertEquals(RatingOutcome.VALID, good.outcome());
        assertEquals(2, good.rating());
        assertEquals("logprobs", good.rule());
        double z = 0.7 + 0.2 + 4 * 0.05;
        assertEquals(0.7 / z, good.distribution()[2], 1e-9);
        RatingEvent none = recs.stream().filter(x -> x.key().contains("lp-2")).map(x -> EventCodec.decodeRating(x.value())).findFirst().orElseThrow();
        assertEquals(RatingOutcome.NO_RATING, none.outcome());
        assertNull(none.distribution());
    }

    @Test
    void undecodableResponseIsDeadLetteredWithReason() {
        TopicReader.send(bootstrap(), Topics.RESPONSES, "bad", "{\"v\":1,\"slot\":{\"runId\":\"x\"}}");
        var dlq = TopicReader.readUntil(bootstrap(), Topics.RESPONSES_DLQ, l -> l.stream().anyMatch(r -> "bad".equals(r.key())),
                Duration.ofSeconds(60));
        var rec = dlq.stream().filter(r -> "bad".equals(r.key())).findFirst().orElseThrow();
        var reason = rec.headers().lastHeader(EventCodec.DLQ_REASON_HEADER);
        assertNotNull(reason);
        assertTrue(new String(reason.value(), StandardCharsets.UTF_8).contains("ResponseEvent"), new String(reason.value(), StandardCharsets.UTF_8));
        // decodable but wrong: the embedded prompt has no slot (used to kill the scorer on the re-ask path), is for
        // another slot or attempt, a reply of 100,000 characters, a key that is not the slot's
        SlotId slot = new SlotId("sc-bad", "sim-flaky", "7", 16, 2);
        var prompt = new dev.pmc.core.events.PromptEvent(1, slot, 1, null, "Statement: x", 0.1, 4, 0);
        String base = EventCodec.encode(new ResponseEvent(ResponseEvent.VERSION, slot, 1, "sim-flaky", "no idea", null, 1, 0, prompt));
        String promptJson = EventCodec.encode(prompt);
        java.util.List<String> bad = java.util.List.of(
                base.replace(promptJson, promptJson.replaceFirst("\"slot\":\\{[^}]*\\},", "")),
                base.replace(promptJson, promptJson.replace("\"itemId\":16", "\"itemId\":17")),
                base.replace(promptJson, promptJson.replace("\"attempt\":1", "\"attempt\":2")),
                base.replace("\"no idea\"", "\"" + "9".repeat(100_000) + "\""));
        for (String b : bad) {
            assertTrue(!b.equals(base), "a mutation");
            TopicReader.send(bootstrap(), Topics.RESPONSES, slot.kafkaKey(), b);
        }
        TopicReader.send(bootstrap(), Topics.RESPONSES, "sim-flaky|sc-bad|8", base);
        var reasons = TopicReader.readUntil(bootstrap(), Topics.RESPONSES_DLQ,
                l -> l.stream().filter(r -> r.value() != null && r.value().contains("sc-bad")).count() >= 5, Duration.ofSeconds(60))
                .stream().filter(r -> r.value() != null && r.value().contains("sc-bad"))
                .map(r -> new String(r.headers().lastHeader(EventCodec.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8)).toList();
        assertEquals(5, reasons.size(), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("embedded prompt: event without slot")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("embedded prompt is for slot")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("embedded prompt is attempt 2")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("reply of 100000 chars exceeds")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("does not match the slot's key")), reasons.toString());
        sendResponse("sc-2", 7, "3", null);
        var after = TopicReader.readUntil(bootstrap(), Topics.RATINGS, l -> l.stream().anyMatch(r -> r.key().contains("sc-2")), Duration.ofSeconds(60));
        assertTrue(after.stream().anyMatch(r -> r.key().contains("sc-2")));
    }

    /**
     * Responses come a poll at a time: a tombstone, a record without a key and a bad record in the middle of good ones
     * are dead-lettered one by one (with SmallRye's DLQ headers), and every good record of the same batches is scored.
     */
    @Test
    void badRecordsAmongGoodOnesAreDeadLetteredOneByOne() {
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(java.util.Map.of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, 50),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int item = 1; item <= 30; item++) {
                SlotId slot = new SlotId("sc-mix", "sim-base", "5", item, 1);
                String good = EventCodec.encode(new ResponseEvent(ResponseEvent.VERSION, slot, 1, "sim-base", "3", null, 5, 0));
                p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.RESPONSES, slot.kafkaKey(), good));
                if (item == 10) p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.RESPONSES, slot.kafkaKey(), null));
                if (item == 20) p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.RESPONSES, null, good.replace("\"itemId\":20", "\"itemId\":21")));
                if (item == 25) p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.RESPONSES, slot.kafkaKey(), good.replace("\"v\":1", "\"v\":99")));
            }
            p.flush();
        }
        var rated = TopicReader.readUntil(bootstrap(), Topics.RATINGS,
                l -> l.stream().filter(r -> r.key().contains("sc-mix")).map(r -> EventCodec.decodeRating(r.value()).slot().itemId()).distinct().count() >= 30,
                Duration.ofSeconds(60)).stream().filter(r -> r.key().contains("sc-mix")).toList();
        assertEquals(30, rated.stream().map(r -> EventCodec.decodeRating(r.value()).slot().itemId()).distinct().count(), "every good response rated");
        var dead = TopicReader.readUntil(bootstrap(), Topics.RESPONSES_DLQ, l -> l.stream().filter(ScorerProcessorTest::mixed).count() >= 3,
                Duration.ofSeconds(60)).stream().filter(ScorerProcessorTest::mixed).toList();
        assertEquals(3, dead.size(), dead.toString());
        for (var r : dead) {
            assertNotNull(r.headers().lastHeader(EventCodec.DLQ_REASON_HEADER), "reason header");
            assertEquals(Topics.RESPONSES, new String(r.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8));
            assertNotNull(r.headers().lastHeader("dead-letter-offset"));
        }
        assertTrue(dead.stream().anyMatch(r -> r.value() == null && r.key().contains("sc-mix")), "the tombstone, as it was");
        assertTrue(dead.stream().anyMatch(r -> r.key() == null), "the record without a key");
        assertTrue(dead.stream().anyMatch(r -> r.value() != null && r.value().contains("\"v\":99")), "the record of an unknown version");
    }

    private static boolean mixed(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> r) {
        return (r.key() != null && r.key().contains("sc-mix")) || (r.value() != null && r.value().contains("sc-mix"));
    }
}
