package dev.pmc.sim;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's settings ({@code pmc.sim.*}; application.properties says what each does). One typed mapping: a
 * misspelt {@code pmc.sim.} key stops the start naming it instead of being ignored.
 */
@ConfigMapping(prefix = "pmc.sim")
public interface SimConfig {
    long seed();

    /** More simulated models (JSON, the form of sim-models.json). */
    Optional<String> modelsFile();

    /** Latency of every model, in ms; negative: each model's own. */
    @WithName("latency-ms")
    long latencyMs();

    /** Directories of rating files served as replayed models, by file name. */
    Optional<List<String>> replayDirs();

    /** model name → rating file, served as a replayed model. */
    Map<String, String> replay();

    /** Requests per minute and tokens per minute per API key (0: unlimited). */
    int rpm();

    int tpm();

    double errorRate();

    double timeoutRate();

    /** The key callers must present; none: any. */
    Optional<String> apiKey();

    /** Most distinct requests remembered (about 16 MiB at the default). */
    @WithDefault("200000")
    int maxTrackedRequests();
}
