package dev.pmc.core.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compacted-topic reader outlives its consumer: after a failure a new consumer reads on from where each partition
 * had got to (no record skipped, none repeated), and a topic the service may not read ends only its own view. Run on
 * Kafka's MockConsumer over an in-memory log, so the failures are exact and no broker is needed.
 */
class CompactedTopicsRecoveryTest {
    /** One partition per topic: the records written so far. */
    private final Map<String, List<ConsumerRecord<String, String>>> log = new ConcurrentHashMap<>();
    private final AtomicReference<LogConsumer> current = new AtomicReference<>();
    private final AtomicInteger consumersMade = new AtomicInteger();

    private void write(String topic, String key, String value) {
        var records = log.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
        records.add(new ConsumerRecord<>(topic, 0, records.size(), key, value));
    }

    /** A MockConsumer that sees the log: every partition exists, its end is the log's, new records arrive on poll. */
    private final class LogConsumer extends MockConsumer<String, String> {
        private final Map<TopicPartition, Integer> fed = new ConcurrentHashMap<>();

        LogConsumer() {
            super("earliest");
            for (String t : log.keySet()) {
                updatePartitions(t, List.of(new PartitionInfo(t, 0, Node.noNode(), new Node[0], new Node[0])));
                updateBeginningOffsets(Map.of(new TopicPartition(t, 0), 0L));
            }
        }

        @Override
        public synchronized Map<TopicPartition, Long> endOffsets(java.util.Collection<TopicPartition> parts) {
            for (TopicPartition tp : parts) updateEndOffsets(Map.of(tp, (long) log.get(tp.topic()).size()));
            return super.endOffsets(parts);
        }

        @Override
        public synchronized ConsumerRecords<String, String> poll(Duration timeout) {
            boolean any = false;
            for (TopicPartition tp : assignment()) {
                List<ConsumerRecord<String, String>> records = log.get(tp.topic());
                int from = Math.max(fed.getOrDefault(tp, 0), (int) position(tp));
                for (int i = from; i < records.size(); i++) {
                    addRecord(records.get(i));
                    any = true;
                }
                fed.put(tp, records.size());
            }
            if (!any) {
                try {
                    wait(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.poll(timeout);
        }
    }

    @Test
    void aFailedConsumerIsReplacedAndAForbiddenTopicEndsOnlyItsView() throws Exception {
        write("pmc.targets", "a", "1");
        write("pmc.targets", "b", "1");
        write("pmc.runs", "r1", "x");
        List<String> targets = new CopyOnWriteArrayList<>(), runs = new CopyOnWriteArrayList<>();
        try (var reader = new CompactedTopics("unused:9092", "test-reader", props -> {
            consumersMade.incrementAndGet();
            LogConsumer c = new LogConsumer();
            current.set(c);
            return c;
        })) {
            var t = reader.follow("targets", List.of("pmc.targets"), (topic, key, value) -> targets.add(key + "=" + value));
            var r = reader.follow("runs", List.of("pmc.runs"), (topic, key, value) -> runs.add(key + "=" + value));
            assertTrue(t.awaitCaughtUp(Duration.ofSeconds(10)) && r.awaitCaughtUp(Duration.ofSeconds(10)));
            assertEquals(List.of("a=1", "b=1"), targets);
            assertEquals(List.of("r1=x"), runs);

            // the consumer fails (a broker gone past a timeout): a new one reads on where the old one was
            current.get().setPollException(new KafkaException("broker unreachable"));
            write("pmc.targets", "c", "1");
            write("pmc.runs", "r2", "y");
            assertTrue(t.sync().get(15, TimeUnit.SECONDS) && r.sync().get(15, TimeUnit.SECONDS));
            assertEquals(2, consumersMade.get(), "one new consumer");
            assertEquals(List.of("a=1", "b=1", "c=1"), targets, "nothing skipped, nothing read twice");
            assertEquals(List.of("r1=x", "r2=y"), runs);

            // the service may not read pmc.runs (an ACL): that view ends, the targets view reads on
            current.get().setPollException(new TopicAuthorizationException(Set.of("pmc.runs")));
            write("pmc.targets", "d", "2");
            assertTrue(t.sync().get(15, TimeUnit.SECONDS));
            assertEquals(List.of("a=1", "b=1", "c=1", "d=2"), targets);
            assertFalse(r.sync().get(5, TimeUnit.SECONDS), "the ended view answers false, at once");
            write("pmc.targets", "e", "3");
            assertTrue(t.sync().get(15, TimeUnit.SECONDS));
            assertEquals("e=3", targets.get(targets.size() - 1));
            assertEquals(List.of("r1=x", "r2=y"), runs);
        }
    }
}
