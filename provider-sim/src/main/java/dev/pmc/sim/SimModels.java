package dev.pmc.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The simulated deployments served, by model name: the built-in presets plus an optional user file. */
@ApplicationScoped
public class SimModels {
    private final Map<String, SimulatedModel> models;

    public SimModels(@ConfigProperty(name = "pmc.sim.seed") long seed,
                     @ConfigProperty(name = "pmc.sim.models-file") Optional<String> modelsFile,
                     @ConfigProperty(name = "pmc.sim.latency-ms") long latencyOverride) {
        ObjectMapper json = new ObjectMapper();
        Map<String, SimulatedModel> m = new TreeMap<>();
        try (InputStream in = SimModels.class.getResourceAsStream("/sim-models.json")) {
            load(json.readTree(in), seed, latencyOverride, m, json);
            if (modelsFile.isPresent() && !modelsFile.get().isBlank()) {
                load(json.readTree(Files.readString(Path.of(modelsFile.get()))), seed, latencyOverride, m, json);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot load simulated models: " + e.getMessage(), e);
        }
        this.models = Collections.unmodifiableMap(m);
    }

    private static void load(JsonNode root, long seed, long latencyOverride, Map<String, SimulatedModel> out, ObjectMapper json)
            throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("_")) continue;
            SimParams p = json.treeToValue(e.getValue(), SimParams.class);
            if (latencyOverride >= 0) p = p.withLatency(latencyOverride);
            out.put(e.getKey(), new SimulatedModel(e.getKey(), p, seed));
        }
    }

    public Optional<SimulatedModel> get(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public Map<String, SimulatedModel> all() {
        return models;
    }
}
