package dev.pmc.gateway;

import dev.pmc.kafka.quarkus.ConfigMappings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's settings as one typed mapping: application.properties fills it; a misspelt key is refused by name. */
class GatewayConfigTest {
    private static GatewayConfig config(Map<String, String> extra) {
        return ConfigMappings.read(GatewayConfig.class, "pmc.gateway.", extra);
    }

    @Test
    void applicationPropertiesFillTheMapping() {
        GatewayConfig c = config(Map.of());
        assertEquals("http://localhost:8090/v1", c.defaultBaseUrl());
        assertTrue(c.targetsFile().isEmpty(), "empty value: no file");
        assertEquals(16384, c.maxPending());
        assertEquals(50, c.coalesceWaitMs());
        assertEquals(4, c.retry().maxRetries());
        assertEquals(Duration.ofSeconds(5), c.circuit().openDuration());
        assertEquals(Duration.ofMinutes(10), c.quotaRecheck(), "the default");
        assertTrue(c.registry().enabled());
        assertEquals(Map.of(), c.secretEnv(), "no secret variables mapped");
        GatewayConfig mapped = config(Map.of("pmc.gateway.secret-env.openai", "OPENAI_API_KEY"));
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
