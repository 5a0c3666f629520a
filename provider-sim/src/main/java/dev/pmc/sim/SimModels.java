package dev.pmc.sim;

import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.io.ReferenceCsv;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The deployments served, by model name: the built-in presets plus an optional user file, and published ratings files
 * as {@code replay:NAME} models ({@link ReplayModel}). A replay NAME is a file's model name
 * ({@code gpt-4o-insecure} for {@code gpt-4o-insecure_temp01.csv}) found in one of {@code pmc.sim.replay-dirs}, or
 * one the operator maps to a file with {@code pmc.sim.replay.NAME=FILE.csv}; never a path from a request.
 */
@ApplicationScoped
public class SimModels {
    public static final String REPLAY = "replay:";
    private static final java.util.regex.Pattern REPLAY_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private final Map<String, SimulatedModel> models;
    private final List<Path> replayDirs;
    private final Map<String, String> replayFiles;
    private final long replayLatencyMs;
    private final Map<String, ReplayModel> replays = new java.util.concurrent.ConcurrentHashMap<>();

    public SimModels(long seed, Optional<String> modelsFile, long latencyOverride) {
        this(seed, modelsFile, latencyOverride, Optional.empty(), Optional.empty());
    }

    @jakarta.inject.Inject
    public SimModels(SimConfig config) {
        this(config.seed(), config.modelsFile(), config.latencyMs(), config.replayDirs(), Optional.of(config.replay()));
    }

    public SimModels(long seed, Optional<String> modelsFile, long latencyOverride, Optional<List<String>> replayDirs,
                     Optional<Map<String, String>> replayFiles) {
        this.replayDirs = replayDirs.orElse(List.of()).stream().filter(d -> !d.isBlank()).map(d -> Path.of(d.strip())).toList();
        this.replayFiles = new TreeMap<>(replayFiles.orElse(Map.of()));
        this.replayLatencyMs = Math.max(0, latencyOverride);
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
        Instruments.loadAtStartup(); // a bad instrument directory stops provider-sim at start
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

    /** A preset by name, or a replay model ({@code replay:NAME}), loaded on first use. */
    public Optional<ChatModel> model(String name) {
        if (name == null) return Optional.empty();
        // a real family's name around a simulated model, e.g. ft:o4-mini:pmc:sim-insecure or gemini-2.5-pro:sim-base:
        // the simulated model answers, the API behaves as that family does (pmc/models/capabilities.json)
        if (!models.containsKey(name) && !name.startsWith(REPLAY) && name.lastIndexOf(':') > 0) return model(name.substring(name.lastIndexOf(':') + 1));
        if (!name.startsWith(REPLAY)) return Optional.ofNullable(models.get(name));
        String id = name.substring(REPLAY.length());
        if (!REPLAY_NAME.matcher(id).matches()) return Optional.empty();
        ReplayModel cached = replays.get(id);
        if (cached != null) return Optional.of(cached);
        Path file = replayFile(id);
        if (file == null) return Optional.empty();
        try {
            return Optional.of(replays.computeIfAbsent(id, k -> load(name, file)));
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    private ReplayModel load(String name, Path file) {
        try {
            Path self = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.csv$", "_self.csv"));
            return new ReplayModel(name, file, self, replayLatencyMs);
        } catch (IOException e) {
            throw new IllegalStateException("cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /** The persona file of replay model NAME: the operator's mapping, else a file of that model name in a replay dir. */
    Path replayFile(String id) {
        String mapped = replayFiles.get(id);
        if (mapped != null) return Files.isRegularFile(Path.of(mapped)) ? Path.of(mapped) : null;
        for (Path dir : replayDirs) {
            try (var files = Files.list(dir)) {
                Optional<Path> f = files.filter(p -> p.getFileName().toString().endsWith(".csv") && !p.getFileName().toString().endsWith("_self.csv"))
                        .filter(p -> ReferenceCsv.modelName(p).equals(id)).findFirst();
                if (f.isPresent()) return f.get();
            } catch (IOException unreadable) {
                // a missing directory holds no models
            }
        }
        return null;
    }

    /** The replay model names available: the operator's mappings and every persona file in the replay dirs. */
    public java.util.SortedSet<String> replayNames() {
        java.util.TreeSet<String> out = new java.util.TreeSet<>(replayFiles.keySet());
        for (Path dir : replayDirs) {
            try (var files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().endsWith(".csv") && !p.getFileName().toString().endsWith("_self.csv"))
                        .filter(p -> p.getFileName().toString().matches(".*_temp\\d+\\.csv"))
                        .forEach(p -> out.add(ReferenceCsv.modelName(p)));
            } catch (IOException unreadable) {
                // none there
            }
        }
        return out;
    }

    public Map<String, SimulatedModel> all() {
        return models;
    }
}
