package dev.pmc.kafka;

import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service's one reader of compacted topics: views added at different times each read their topics from the
 * beginning, a view whose topic does not exist yet waits without holding the others up, the read barrier the gateway
 * and the aggregator use before calling a target unregistered sees every record written before it was asked, a
 * handler that throws skips only its record, and a closed reader answers barriers false instead of hanging.
 */
@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
class CompactedTopicsTest {

    @Test
    void viewsShareOneReaderAndEachSeesEveryRecordWrittenBeforeItsBarrier() throws Exception {
        try (EmbeddedKafka k = EmbeddedKafka.start(Files.createTempDirectory("pmc-compacted-test"), 0, 0);
             var p = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers()),
                     new StringSerializer(), new StringSerializer());
             var reader = new CompactedTopics(k.bootstrapServers(), "test-reader")) {
            Map<String, String> targets = new ConcurrentHashMap<>();
            // asked to follow (and to sync) before the topic exists: the request waits, the reader does not die
            var targetView = reader.follow("targets", List.of(Topics.TARGETS), (topic, key, value) -> targets.put(key, String.valueOf(value)));
            CompletableFuture<Boolean> early = targetView.sync();
            Thread.sleep(300);
            assertFalse(early.isDone(), "no topic yet, nothing read");
            k.createPipelineTopics(3);
            assertTrue(early.get(30, TimeUnit.SECONDS));
            assertTrue(targetView.awaitCaughtUp(Duration.ofSeconds(10)));
            assertThrows(IllegalStateException.class, () -> reader.follow("again", List.of(Topics.TARGETS), (t, key, v) -> { }),
                    "one view per topic and reader");

            // history written before a second view exists is read by it from the beginning; a bad record is skipped
            for (int i = 0; i < 5; i++) p.send(new ProducerRecord<>(Topics.RUNS, "run-" + i, i == 2 ? "boom" : "r" + i)).get();
            Map<String, String> runs = new ConcurrentHashMap<>();
            var runView = reader.follow("runs", List.of(Topics.RUNS), (topic, key, value) -> {
                if ("boom".equals(value)) throw new IllegalArgumentException("a bad record");
                runs.put(key, value);
            });
            // a third view on a topic nobody created: it waits, the other two keep reading
            Map<String, String> later = new ConcurrentHashMap<>();
            var waiting = reader.follow("later", List.of("pmc.not-yet"), (topic, key, value) -> later.put(key, value));
            assertTrue(runView.awaitCaughtUp(Duration.ofSeconds(30)));
            assertEquals(4, runs.size(), runs.toString());
            assertNull(runs.get("run-2"), "the record whose handler threw is skipped, the rest read");
            for (int round = 0; round < 30; round++) {
                String key = "t-" + round;
                p.send(new ProducerRecord<>(Topics.TARGETS, key, "v" + round)).get();
                p.send(new ProducerRecord<>(Topics.RUNS, key, "r" + round)).get();
                // many waiters at once share a lookup; each sees the record written before it asked
                List<CompletableFuture<Boolean>> syncs = List.of(targetView.sync(), targetView.sync(), runView.sync());
                for (var s : syncs) assertTrue(s.get(10, TimeUnit.SECONDS));
                assertEquals("v" + round, targets.get(key), "round " + round);
                assertEquals("r" + round, runs.get(key), "round " + round);
            }
            assertFalse(waiting.caughtUp());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("pmc.not-yet", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            p.send(new ProducerRecord<>("pmc.not-yet", "a", "1")).get();
            assertTrue(waiting.sync().get(30, TimeUnit.SECONDS));
            assertEquals("1", later.get("a"));

            reader.close();
            assertFalse(targetView.sync().get(10, TimeUnit.SECONDS), "a closed reader answers false, never hangs");
            assertThrows(IllegalStateException.class, () -> reader.follow("after", List.of("x"), (t, key, v) -> { }));
        }
    }
}
