package dev.pmc.gateway;

import dev.pmc.core.targets.TargetConfig;
import dev.pmc.gateway.limits.AccountLimiter;
import dev.pmc.gateway.limits.AsyncSemaphore;
import dev.pmc.gateway.limits.CircuitBreaker;
import dev.pmc.gateway.limits.RetryBudget;
import dev.pmc.gateway.provider.ProviderAdapter;

/**
 * Everything the gateway keeps per target: its configuration, adapter, account limiter (shared with the other
 * targets of the account), circuit breaker, retry budget and in-flight cap. keyProblem is set when the target cannot
 * be called (a key that cannot be read, a configuration the adapter refuses): its calls fail at once with that message,
 * which names the variable, file or field, never a key. retired is set when the target is deleted or redefined: its
 * waiting calls are dropped. fewerChoicesWarned: the provider returned fewer choices than asked for, and it was logged. meters: its
 * call meters, registered once.
 */
record TargetRuntime(TargetConfig config, ProviderAdapter adapter, AccountLimiter limiter, CircuitBreaker breaker,
                     RetryBudget budget, AsyncSemaphore inFlight, String keyProblem, java.util.concurrent.atomic.AtomicBoolean retired,
                     java.util.concurrent.atomic.AtomicBoolean fewerChoicesWarned, TargetMeters meters) {
    String name() {
        return config.name();
    }

    boolean isRetired() {
        return retired.get();
    }
}
