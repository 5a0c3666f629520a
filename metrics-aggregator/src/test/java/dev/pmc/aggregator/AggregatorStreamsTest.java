package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.kafka.EmbeddedKafka;
import dev.pmc.kafka.TopicReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator on a real broker: the streamed metrics of a published file equal the published numbers,
 * each slot counts once, and the state survives a restart on a fresh state directory.
 */
@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
class AggregatorStreamsTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.startTemporary();
        kafka.createPipelineTopics(4);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static Path reference(String name) {
        String prop = System.getProperty("pmc.reference.dir");
        Path dir = prop != null ? Path.of(prop) : Path.of("../../shared/reference-data");
        return dir.resolve(name);
    }

    /** Publishes every row of a reference file as the rating event the scorer would have produced. */
    static void publish(List<ReferenceCsv.Row> rows, String target, String runId, int ratingShift) {
        try (var p = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new StringSerializer())) {
            for (ReferenceCsv.Row r : rows) {
                SlotId slot = new SlotId(runId, target, Integer.toString(r.personaId()), r.questionId(), r.runIndex());
                RatingEvent e = r.valid()
                        ? new RatingEvent(RatingEvent.VERSION, slot, 1, RatingOutcome.VALID, Math.min(5, r.rating() + ratingShift), "test", 0)
                        : new RatingEvent(RatingEvent.VERSION, slot, 1, RatingOutcome.NO_RATING, null, "test", 0);
                p.send(new ProducerRecord<>(Topics.RATINGS, slot.kafkaKey(), EventCodec.encode(e)));
            }
            p.flush();
        }
    }

    /** What the aggregator reads back: pmc.persona-stats (committed records) into a {@link PersonaIndex}. */
    static TargetMetrics await(PersonaIndex index, String target, Predicate<TargetMetrics> done) {
        long deadline = System.currentTimeMillis() + 90_000;
        TargetMetrics last = null;
        while (System.currentTimeMillis() < deadline) {
            last = TargetMetricsView.compute(index.all()).get(target);
            if (last != null && done.test(last)) return last;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("aggregator did not reach the expected state; last: " + last);
    }

    @Test
    void streamedMetricsEqualThePublishedOnesAndSurviveARestart() throws Exception {
        List<ReferenceCsv.Row> rows = ReferenceCsv.read(reference("gemini-2.5-flash-lite_temp01.csv"));
        long valid = rows.stream().filter(ReferenceCsv.Row::valid).count();
        // expected_metrics.csv: gemini-2.5-flash-lite, 97 personas
        double expS = 0.8092012907159629, expR = 27.730647418524374, expU = 0.0360611847573378;
        String target = "ref-gemini";
        TargetMetrics first;
        try (var s = new AggregatorStreams(kafka.bootstrapServers(), "agg-test", Files.createTempDirectory("agg1").toString(), 100, 1);
             var topics = new CompactedTopics(kafka.bootstrapServers(), "test-reader")) {
            var index = new PersonaIndex();
            s.start();
            s.awaitRunning(Duration.ofSeconds(60));
            index.start(topics);
            publish(rows, target, "run-1", 0);
            first = await(index, target, t -> t.ratingsCounted() == valid && t.ratingsTotal().getOrDefault("no_rating", 0L) == rows.size() - valid);
            assertEquals(97, first.personas());
            assertEquals(expS, first.susceptibility(), 1e-9);
            assertEquals(expR, first.robustness(), 1e-9);
            assertEquals(expU, first.withinSd(), 1e-9);

            // the same slots again with other ratings: first valid rating wins, nothing changes but the duplicate count
            publish(rows.subList(0, 3000), target, "run-1", 1);
            TargetMetrics dup = await(index, target, t -> t.runs().get(0).duplicates() == rows.subList(0, 3000).stream().filter(ReferenceCsv.Row::valid).count());
            assertEquals(first.susceptibility(), dup.susceptibility(), 0.0);
            assertEquals(first.ratingsCounted(), dup.ratingsCounted());
        }
        // restart with an empty local state directory: state comes back from the changelog and compacted topic
        try (var s = new AggregatorStreams(kafka.bootstrapServers(), "agg-test", Files.createTempDirectory("agg2").toString(), 100, 1);
             var topics = new CompactedTopics(kafka.bootstrapServers(), "test-reader")) {
            var index = new PersonaIndex();
            s.start();
            s.awaitRunning(Duration.ofSeconds(60));
            index.start(topics);
            TargetMetrics restored = await(index, target, t -> t.ratingsCounted() == valid);
            assertEquals(first.susceptibility(), restored.susceptibility(), 0.0);
            assertEquals(first.robustness(), restored.robustness(), 0.0);
            publish(rows.subList(0, 600), target, "run-1", 1);
            long dupsBefore = restored.runs().get(0).duplicates();
            long more = rows.subList(0, 600).stream().filter(ReferenceCsv.Row::valid).count();
            TargetMetrics after = await(index, target, t -> t.runs().get(0).duplicates() == dupsBefore + more);
            assertEquals(first.susceptibility(), after.susceptibility(), 0.0, "restored dedup state still ignores duplicates");
        }
    }

    @Test
    void undecodableRatingsGoToTheDeadLetterTopic() throws Exception {
        try (var s = new AggregatorStreams(kafka.bootstrapServers(), "agg-dlq", Files.createTempDirectory("agg3").toString(), 100, 1);
             var topics = new CompactedTopics(kafka.bootstrapServers(), "test-reader")) {
            var index = new PersonaIndex();
            s.start();
            s.awaitRunning(Duration.ofSeconds(60));
            index.start(topics);
            TopicReader.send(kafka.bootstrapServers(), Topics.RATINGS, "junk-key", "definitely not json");
            var recs = TopicReader.readUntil(kafka.bootstrapServers(), Topics.RATINGS_DLQ,
                    l -> l.stream().anyMatch(r -> "junk-key".equals(r.key())), Duration.ofSeconds(60));
            var rec = recs.stream().filter(r -> "junk-key".equals(r.key())).findFirst().orElseThrow();
            assertEquals("definitely not json", rec.value());
            var reason = rec.headers().lastHeader(EventCodec.DLQ_REASON_HEADER);
            assertNotNull(reason);
            assertTrue(new String(reason.value(), StandardCharsets.UTF_8).contains("undecodable RatingEvent"));
            // and it keeps going
            SlotId slot = new SlotId("r", "after-junk", "0", 1, 1);
            TopicReader.send(kafka.bootstrapServers(), Topics.RATINGS, slot.kafkaKey(),
                    EventCodec.encode(new RatingEvent(1, slot, 1, RatingOutcome.VALID, 3, "t", 0)));
            TargetMetrics t = await(index, "after-junk", m -> m.runs().get(0).validRatings() == 1);
            assertEquals(1, t.runs().get(0).personasSeen());
        }
    }

    /**
     * Events that decode but are wrong (the shapes that used to kill the stream thread) go to pmc.ratings.dlq with
     * their reason; a good rating sent after them is counted; an expire control record removes a persona.
     */
    @Test
    void wrongButDecodableRatingsAreDeadLetteredAndExpiryTombstones() throws Exception {
        try (var s = new AggregatorStreams(kafka.bootstrapServers(), "agg-bad", Files.createTempDirectory("agg4").toString(), 100, 1);
             var topics = new CompactedTopics(kafka.bootstrapServers(), "test-reader")) {
            var index = new PersonaIndex();
            s.start();
            s.awaitRunning(Duration.ofSeconds(60));
            index.start(topics);
            SlotId slot = new SlotId("run-bad", "bad-target", "3", 4, 1);
            String good = EventCodec.encode(new RatingEvent(1, slot, 1, RatingOutcome.VALID, 3, "t", 0));
            Map<String, String> bad = new java.util.LinkedHashMap<>();
            bad.put("short-distribution", good.replace("\"distribution\":null", "\"distribution\":[1,2]"));
            bad.put("zero-distribution", good.replace("\"distribution\":null", "\"distribution\":[0,0,0,0,0,0]"));
            bad.put("repetition-65", good.replace("\"repetition\":1", "\"repetition\":65"));
            bad.put("huge-repetition", good.replace("\"repetition\":1", "\"repetition\":2000000000"));
            bad.put("item-31", good.replace("\"itemId\":4", "\"itemId\":31"));
            bad.put("rating-9", good.replace("\"rating\":3", "\"rating\":9"));
            bad.put("separator-in-target", good.replace("bad-target", "bad|target"));
            for (var e : bad.entrySet()) {
                assertTrue(!e.getValue().equals(good), e.getKey() + " is a mutation");
                TopicReader.send(kafka.bootstrapServers(), Topics.RATINGS, slot.kafkaKey(), e.getValue());
            }
            TopicReader.send(kafka.bootstrapServers(), Topics.RATINGS, "some|other|key", good);   // key does not match the slot
            TopicReader.send(kafka.bootstrapServers(), Topics.RATINGS, slot.kafkaKey(), good);
            TargetMetrics t = await(index, "bad-target", m -> m.runs().get(0).validRatings() == 1);
            assertEquals(1, t.runs().get(0).settledSlots(), "only the good rating counted");
            var dlq = TopicReader.readUntil(kafka.bootstrapServers(), Topics.RATINGS_DLQ,
                    l -> l.stream().filter(r -> r.value().contains("run-bad")).count() >= bad.size() + 1, Duration.ofSeconds(60));
            List<String> reasons = dlq.stream().filter(r -> r.value().contains("run-bad"))
                    .map(r -> new String(r.headers().lastHeader(EventCodec.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8)).toList();
            assertEquals(bad.size() + 1, reasons.size(), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.contains("distribution must hold 6")), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.contains("repetition must be 1..64")), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.contains("does not match the slot's key")), reasons.toString());
            // retention: an expire control record tombstones the persona in pmc.persona-stats
            var expire = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.RATINGS, slot.kafkaKey(), "");
            expire.headers().add(AggregatorTopology.CONTROL_HEADER, AggregatorTopology.EXPIRE.getBytes(StandardCharsets.UTF_8));
            try (var p = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                p.send(expire).get();
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (TargetMetricsView.compute(index.all()).containsKey("bad-target") && System.currentTimeMillis() < deadline) Thread.sleep(200);
            assertTrue(!TargetMetricsView.compute(index.all()).containsKey("bad-target"), "the expired persona is gone");
        }
    }
}
