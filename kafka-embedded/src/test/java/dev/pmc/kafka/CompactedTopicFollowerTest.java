package dev.pmc.kafka;

import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopic;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read barrier the gateway and the aggregator use before calling a target unregistered: after {@code sync()}
 * completes, every record written before it was asked has been handled — even when the follower is busy or was
 * asked before the topic existed.
 */
@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
class CompactedTopicFollowerTest {

    @Test
    void syncSeesEveryRecordWrittenBeforeIt() throws Exception {
        try (EmbeddedKafka k = EmbeddedKafka.start(Files.createTempDirectory("pmc-follower-test"), 0, 0);
             var p = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers()),
                     new StringSerializer(), new StringSerializer())) {
            Map<String, String> seen = new ConcurrentHashMap<>();
            // asked to follow (and to sync) before the topic exists: the request waits, the follower does not die
            var f = CompactedTopic.follow(k.bootstrapServers(), List.of(Topics.TARGETS), "test-follower",
                    (topic, key, value) -> seen.put(key, String.valueOf(value)), e -> { throw e; });
            CompletableFuture<Boolean> early = f.sync();
            Thread.sleep(300);
            assertFalse(early.isDone(), "no topic yet, nothing read");
            k.createPipelineTopics(3);
            assertTrue(early.get(30, TimeUnit.SECONDS));
            assertTrue(f.awaitCaughtUp(Duration.ofSeconds(10)));
            for (int round = 0; round < 50; round++) {
                String key = "t-" + round;
                p.send(new ProducerRecord<>(Topics.TARGETS, key, "v" + round)).get();
                // many waiters at once share a lookup; each sees the record written before it asked
                List<CompletableFuture<Boolean>> syncs = List.of(f.sync(), f.sync(), f.sync());
                for (var s : syncs) assertTrue(s.get(10, TimeUnit.SECONDS));
                assertEquals("v" + round, seen.get(key), "round " + round);
            }
            f.stop();
            assertFalse(f.sync().get(10, TimeUnit.SECONDS), "a stopped follower answers false, never hangs");
        }
    }
}
