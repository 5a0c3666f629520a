package dev.pmc.sim;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's settings as one mapping: a replayed model's name may hold dots (target names do, and bin/pmc up
 * passes {@code pmc.sim.replay.NAME}), the tracked-request bound has its default, a misspelt key is refused by name.
 */
class SimConfigTest {
    private static SimConfig config(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("pmc.sim.seed", "1234", "pmc.sim.models-file", "", "pmc.sim.latency-ms", "-1",
                "pmc.sim.rpm", "0", "pmc.sim.tpm", "0", "pmc.sim.error-rate", "0", "pmc.sim.timeout-rate", "0", "pmc.sim.api-key", ""));
        m.putAll(extra);
        return new SmallRyeConfigBuilder().withMapping(SimConfig.class).withSources(new PropertiesConfigSource(m, "test", 500)).build()
                .getConfigMapping(SimConfig.class);
    }

    @Test
    void replayNamesKeepTheirDotsAndDefaultsHold() {
        SimConfig c = config(Map.of("pmc.sim.replay.gpt-4o.v2", "/data/a.csv", "pmc.sim.replay.base", "/data/b.csv"));
        assertEquals(Map.of("gpt-4o.v2", "/data/a.csv", "base", "/data/b.csv"), c.replay());
        assertEquals(200_000, c.maxTrackedRequests());
        assertTrue(c.modelsFile().isEmpty() && c.apiKey().isEmpty(), "empty values: none");
        assertEquals(Map.of(), config(Map.of()).replay());
    }

    @Test
    void aMisspeltKeyIsRefusedByName() {
        var e = assertThrows(RuntimeException.class, () -> config(Map.of("pmc.sim.error-rat", "0.5")));
        assertTrue(String.valueOf(e.getMessage()).contains("pmc.sim.error-rat"), e.getMessage());
    }
}
