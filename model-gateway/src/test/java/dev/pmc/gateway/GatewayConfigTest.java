package dev.pmc.gateway;

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

/** The gateway's settings as one typed mapping: application.properties fills it; a misspelt key is refused by name. */
class GatewayConfigTest {
    private static SmallRyeConfig config(Map<String, String> extra) throws Exception {
        Properties app = new Properties();
        try (InputStream in = GatewayConfigTest.class.getResourceAsStream("/application.properties")) {
            app.load(in);
        }
        Map<String, String> m = new HashMap<>();
        app.stringPropertyNames().stream().filter(k -> k.startsWith("pmc.gateway.")).forEach(k -> m.put(k, app.getProperty(k)));
        m.putAll(extra);
        // Quarkus reads "5s" as a duration; plain SmallRye Config needs its converter for that
        return new SmallRyeConfigBuilder().withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(GatewayConfig.class).withSources(new PropertiesConfigSource(m, "test", 500)).build();
    }

    @Test
    void applicationPropertiesFillTheMapping() throws Exception {
        GatewayConfig c = config(Map.of()).getConfigMapping(GatewayConfig.class);
        assertEquals("http://localhost:8090/v1", c.defaultBaseUrl());
        assertTrue(c.targetsFile().isEmpty(), "empty value: no file");
        assertEquals(16384, c.maxPending());
        assertEquals(50, c.coalesceWaitMs());
        assertEquals(4, c.retry().maxRetries());
        assertEquals(Duration.ofSeconds(5), c.circuit().openDuration());
        assertEquals(Duration.ofMinutes(10), c.quotaRecheck(), "the default");
        assertTrue(c.registry().enabled());
        assertEquals(Map.of(), c.secretEnv(), "no secret variables mapped");
        GatewayConfig mapped = config(Map.of("pmc.gateway.secret-env.openai", "OPENAI_API_KEY")).getConfigMapping(GatewayConfig.class);
        assertEquals(Map.of("openai", "OPENAI_API_KEY"), mapped.secretEnv());
    }

    @Test
    void aMisspeltKeyIsRefusedByName() {
        var e = assertThrows(RuntimeException.class, () -> config(Map.of("pmc.gateway.retry.max-retry", "9")));
        assertTrue(String.valueOf(e.getMessage()).contains("pmc.gateway.retry.max-retry"), e.getMessage());
        var wrongType = assertThrows(RuntimeException.class, () -> config(Map.of("pmc.gateway.max-pending", "lots")));
        assertTrue(String.valueOf(wrongType.getMessage()).contains("pmc.gateway.max-pending"), wrongType.getMessage());
    }
}
