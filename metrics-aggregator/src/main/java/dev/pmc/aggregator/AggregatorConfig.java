package dev.pmc.aggregator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The aggregator's own settings ({@code pmc.aggregator.*}, application.properties says what each does). One typed
 * mapping: a misspelt {@code pmc.aggregator.} key given as a system property or in a properties file stops the start
 * with its name instead of being ignored.
 */
@ConfigMapping(prefix = "pmc.aggregator")
public interface AggregatorConfig {
    /** Kafka Streams application id (consumer group and prefix of the changelog topics). */
    String applicationId();

    String stateDir();

    long commitIntervalMs();

    /** How often S and R are recomputed; read by the {@code @Scheduled} refresh as well. */
    Duration refreshInterval();

    Duration milestoneCheckInterval();

    int streamThreads();

    int partitions();

    long bootstrapSeed();

    double bandLow();

    double bandHigh();

    /** variant:base pairs, comma-separated. */
    @WithDefault("")
    String baselines();

    int windowRuns();

    double windowHours();

    /** Stable consumer-group instance id (bin/pmc up sets one per process); none by default. */
    Optional<String> instanceId();
}
