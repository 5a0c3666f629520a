package dev.pmc.kafka.quarkus;

import dev.pmc.core.Topics;
import dev.pmc.kafka.EmbeddedKafka;
import dev.pmc.kafka.TestBroker;
import dev.pmc.kafka.ContainerBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.Optional;

/**
 * Starts a real broker for a {@code @QuarkusTest}, creates the pipeline topics, and points the service at it: a Kafka
 * container (Testcontainers, the official image or bin/pmc images' stand-in) when a Docker engine answers and has the
 * image, else a KRaft broker in this JVM. {@code PMC_TEST_BROKER=embedded} or {@code =container} forces one (container
 * fails without an engine). The test log says which. One broker per test resource; {@link #broker()} gives tests
 * access to it.
 */
public class EmbeddedKafkaResource implements QuarkusTestResourceLifecycleManager {
    private static volatile TestBroker broker;

    @Override
    public Map<String, String> start() {
        if (broker == null) {
            broker = startBroker();
            EmbeddedKafka.createTopics(broker.bootstrapServers(), Topics.all(Topics.DEFAULT_PARTITIONS));
            System.out.println("test broker: " + broker.describe() + " at " + broker.bootstrapServers());
        }
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "quarkus.kafka.devservices.enabled", "false");
    }

    static TestBroker startBroker() {
        String choice = System.getenv().getOrDefault("PMC_TEST_BROKER", "auto");
        if (!choice.equals("embedded") && containersOnClassPath()) {
            Optional<String> image = ContainerBroker.available();
            if (image.isPresent()) return ContainerBroker.start(image.get());
            if (choice.equals("container")) throw new IllegalStateException("PMC_TEST_BROKER=container, but no Docker engine with a Kafka image answers");
        }
        return EmbeddedKafka.startTemporary();
    }

    /** Testcontainers is optional for kafka-embedded: services bring it at test scope, bin/pmc never does. */
    private static boolean containersOnClassPath() {
        try {
            Class.forName("org.testcontainers.kafka.KafkaContainer", false, EmbeddedKafkaResource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public static TestBroker broker() {
        return broker;
    }
}
