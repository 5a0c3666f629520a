package dev.pmc.kafka;

import dev.pmc.core.events.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Test helpers: read a topic from the beginning until enough records arrived; send raw records. */
public final class TopicReader {
    private TopicReader() {
    }

    /** Reads records (from the earliest offset) until {@code done} holds for the list or the timeout passes. */
    /** Every record of a topic up to its end at the time of the call (committed records only). */
    public static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (var c = new KafkaConsumer<String, String>(KafkaClients.config(bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            var parts = c.partitionsFor(topic).stream().map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (var r : c.poll(Duration.ofMillis(200))) out.add(r);
            }
        }
        return out;
    }

    public static List<ConsumerRecord<String, String>> readUntil(String bootstrap, String topic,
                                                                 Predicate<List<ConsumerRecord<String, String>>> done,
                                                                 Duration timeout) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (var c = new KafkaConsumer<String, String>(KafkaClients.config(bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (!done.test(out) && System.currentTimeMillis() < deadline) {
                for (var r : c.poll(Duration.ofMillis(200))) out.add(r);
            }
        }
        return out;
    }

    public static void send(String bootstrap, String topic, String key, String value) {
        try (var p = new KafkaProducer<String, String>(KafkaClients.config(bootstrap),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    /** Sends the records in order with one producer (they reach a consumer together, as a producer's burst does). */
    public static void sendAll(String bootstrap, String topic, List<Map.Entry<String, String>> records) {
        try (var p = new KafkaProducer<String, String>(KafkaClients.config(bootstrap),
                new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (var r : records) sent.add(p.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())));
            for (var f : sent) f.get();
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }
}
