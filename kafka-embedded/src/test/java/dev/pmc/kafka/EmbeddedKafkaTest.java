package dev.pmc.kafka;

import dev.pmc.core.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
class EmbeddedKafkaTest {

    @Test
    void topicsAndRecordsSurviveARestartOnTheSameDataDirectory() throws Exception {
        Path dir = Files.createTempDirectory("pmc-kafka-test");
        int port;
        try (EmbeddedKafka k = EmbeddedKafka.start(dir, 0, 0)) {
            port = k.port();
            k.createPipelineTopics(3);
            try (Admin admin = new Admin(k)) {
                Set<String> names = admin.names();
                for (Topics.Spec s : Topics.all(3)) assertTrue(names.contains(s.name()), s.name());
            }
            try (var p = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers(), ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                    new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>(Topics.RATINGS, "k", "hello")).get();
            }
        }
        try (EmbeddedKafka k = EmbeddedKafka.start(dir, port, 0)) {
            try (var c = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "t", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of(Topics.RATINGS));
                String got = null;
                long deadline = System.currentTimeMillis() + 20_000;
                while (got == null && System.currentTimeMillis() < deadline) {
                    ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(500));
                    for (var r : recs) got = r.value();
                }
                assertEquals("hello", got);
            }
        }
    }

    private record Admin(EmbeddedKafka k, org.apache.kafka.clients.admin.Admin a) implements AutoCloseable {
        Admin(EmbeddedKafka k) {
            this(k, k.admin());
        }

        Set<String> names() throws Exception {
            return a.listTopics().names().get();
        }

        @Override
        public void close() {
            a.close();
        }
    }
}
