package dev.pmc.aggregator;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The aggregator's settings as one typed mapping: application.properties fills it; a misspelt key is refused by name. */
class AggregatorConfigTest {
    private static SmallRyeConfig config(Map<String, String> extra) throws Exception {
        Properties app = new Properties();
        try (InputStream in = AggregatorConfigTest.class.getResourceAsStream("/application.properties")) {
            app.load(in);
        }
        Map<String, String> m = new HashMap<>();
        app.stringPropertyNames().stream().filter(k -> k.startsWith("pmc.aggregator.")).forEach(k -> m.put(k, app.getProperty(k)));
        m.put("java.io.tmpdir", System.getProperty("java.io.tmpdir"));
        m.putAll(extra);
        // Quarkus reads "1s" and "50ms" as durations; plain SmallRye Config needs its converter for that
        return new SmallRyeConfigBuilder().withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(AggregatorConfig.class).withSources(new PropertiesConfigSource(m, "test", 500)).build();
    }

    @Test
    void applicationPropertiesFillTheMapping() throws Exception {
        AggregatorConfig c = config(Map.of()).getConfigMapping(AggregatorConfig.class);
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
