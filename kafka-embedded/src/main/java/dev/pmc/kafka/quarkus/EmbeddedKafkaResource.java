package dev.pmc.kafka.quarkus;

import dev.pmc.core.Topics;
import dev.pmc.kafka.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a real KRaft broker for a {@code @QuarkusTest}, creates the pipeline topics, and points the
 * service at it. One broker per test resource; {@link #broker()} gives tests access to it.
 */
public class EmbeddedKafkaResource implements QuarkusTestResourceLifecycleManager {
    private static volatile EmbeddedKafka broker;

    @Override
    public Map<String, String> start() {
        if (broker == null) {
            broker = EmbeddedKafka.startTemporary();
            broker.createPipelineTopics(Topics.DEFAULT_PARTITIONS);
        }
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "quarkus.kafka.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public static EmbeddedKafka broker() {
        return broker;
    }
}
