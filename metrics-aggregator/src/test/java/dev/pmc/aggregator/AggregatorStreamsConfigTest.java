package dev.pmc.aggregator;

import dev.pmc.core.events.KafkaClients;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service runs Kafka Streams through quarkus-kafka-streams with the {@code kafka-streams.*} keys of its
 * application.properties; the restart and exactly-once tests run the same topology through {@link AggregatorStreams}.
 * This holds the two configurations equal, so the tests test what the service runs.
 */
class AggregatorStreamsConfigTest {
    @Test
    void theTestHelperRunsTheStreamsAsTheServiceIsConfigured() throws Exception {
        Properties app = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            assertNotNull(in);
            app.load(in);
        }
        Properties helper = new AggregatorStreams("localhost:1", "config-test", "/tmp/pmc-config-test", 200, 1).properties();
        int literal = 0;
        for (String key : app.stringPropertyNames()) {
            if (!key.startsWith("kafka-streams.")) continue;
            String streamsKey = key.substring("kafka-streams.".length());
            String value = app.getProperty(key);
            if (value.startsWith("${kafka.")) continue; // credentials: present only where the cluster needs them
            if (value.startsWith("${pmc.aggregator.instance-id")) continue; // set per process (bin/pmc up)
            assertTrue(helper.containsKey(streamsKey), streamsKey + " is set for the service but not in the tests' helper");
            if (!value.startsWith("${")) {
                assertEquals(value, String.valueOf(helper.get(streamsKey)), streamsKey);
                literal++;
            }
        }
        assertTrue(literal >= 8, "the literal keys were compared: " + literal);
        assertEquals("${pmc.aggregator.application-id}", app.getProperty("quarkus.kafka-streams.application-id"));
        // the cluster's credentials reach the streams as they reach every other PMC client (KafkaClients.SECURITY_KEYS)
        for (String key : KafkaClients.SECURITY_KEYS) {
            assertEquals("${kafka." + key + ":}", app.getProperty("kafka-streams." + key), "kafka-streams." + key + " passes kafka." + key + " on");
        }
    }
}
