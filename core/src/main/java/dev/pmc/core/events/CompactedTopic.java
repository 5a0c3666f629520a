package dev.pmc.core.events;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * Reading a compacted state topic (pmc.targets, pmc.runs) whole, without a consumer group: every record from the
 * beginning to the end offsets of the moment, key and value (null = tombstone) handed to {@code onRecord}.
 */
public final class CompactedTopic {
    private CompactedTopic() {
    }

    /** Reads to the current end; returns false (having read nothing) when the topic does not exist. */
    public static boolean readToEnd(String bootstrap, String topic, Duration timeout, BiConsumer<String, String> onRecord) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props(bootstrap))) {
            var info = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (info == null || info.isEmpty()) return false;
            List<TopicPartition> parts = info.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(500))) onRecord.accept(r.key(), r.value());
            }
            return true;
        }
    }

    /** Plain string consumer settings without a group (assign, never commit). */
    public static Properties props(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
