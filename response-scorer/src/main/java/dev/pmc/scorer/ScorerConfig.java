package dev.pmc.scorer;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * The scorer's settings ({@code pmc.scorer.*}; application.properties says what each does). One typed mapping: a
 * misspelt {@code pmc.scorer.} key stops the start naming it instead of being ignored.
 */
@ConfigMapping(prefix = "pmc.scorer")
public interface ScorerConfig {
    /** Attempts per slot in all (first ask and re-asks) before an invalid slot is recorded as failed. */
    int maxAttempts();

    /** A logprob reply is valid when its digit tokens carry at least this probability mass. */
    double logprobMinMass();

    /** Unset: the run's sampling temperature (the reading then matches a sampled one); set: this temperature. */
    Optional<Double> logprobTemperature();
}
