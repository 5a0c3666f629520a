package dev.pmc.gateway;

import dev.pmc.core.targets.TargetConfig;
import dev.pmc.gateway.limits.AccountLimiter;
import dev.pmc.gateway.limits.AsyncSemaphore;
import dev.pmc.gateway.limits.CircuitBreaker;
import dev.pmc.gateway.limits.RetryBudget;
import dev.pmc.gateway.provider.ProviderAdapter;

/**
 * Everything the gateway keeps per target: its configuration, adapter, account limiter (shared with the other
 * targets of the account), circuit breaker, retry budget and in-flight cap. keyProblem is set when the
 * configured key cannot be read (the message names the variable or file, never a key).
 */
record TargetRuntime(TargetConfig config, ProviderAdapter adapter, AccountLimiter limiter, CircuitBreaker breaker,
                     RetryBudget budget, AsyncSemaphore inFlight, String keyProblem) {
    String name() {
        return config.name();
    }
}
