package dev.pmc.aggregator;

import dev.pmc.kafka.quarkus.ConfigMappings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The aggregator's settings as one typed mapping: application.properties fills it; a misspelt key is refused by name. */
class AggregatorConfigTest {
    private static AggregatorConfig config(Map<String, String> extra) {
        return ConfigMappings.read(AggregatorConfig.class, "pmc.aggregator.", extra);
    }

    @Test
    void applicationPropertiesFillTheMapping() {
        AggregatorConfig c = config(Map.of());
        assertEquals(200, c.commitIntervalMs());
        assertEquals(Duration.ofSeconds(1), c.refreshInterval());
        assertEquals(Duration.ofMillis(50), c.milestoneCheckInterval());
        assertEquals(0.66, c.bandLow());
        assertTrue(c.instanceId().isEmpty());
    }

    @Test
    void aMisspeltKeyIsRefusedByName() {
        var e = assertThrows(RuntimeException.class, () -> config(Map.of("pmc.aggregator.refresh-intervall", "5s")));
        assertTrue(String.valueOf(e.getMessage()).contains("pmc.aggregator.refresh-intervall"), e.getMessage());
        var wrongType = assertThrows(RuntimeException.class, () -> config(Map.of("pmc.aggregator.partitions", "six")));
        assertTrue(String.valueOf(wrongType.getMessage()).contains("pmc.aggregator.partitions"), wrongType.getMessage());
    }
}
