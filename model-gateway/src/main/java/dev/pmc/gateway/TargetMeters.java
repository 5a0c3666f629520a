package dev.pmc.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A target's call meters, registered once when its runtime is built and reused by every call (issue #29: building
 * and registering a meter on each call cost a registry lookup, an id and a tag sort per call on the hot path). A
 * deleted target's meters leave the registry with its runtime; a target registered again builds new ones.
 */
final class TargetMeters {
    final Timer duration;
    final Counter tokensIn, tokensOut, costUsd, rateLimited, responses;
    private final Map<String, Counter> byOutcome = new ConcurrentHashMap<>(), byRetryReason = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final String target;

    TargetMeters(MeterRegistry registry, String target) {
        this.registry = registry;
        this.target = target;
        duration = Timer.builder("pmc_gateway_request_duration_seconds").description("Provider call duration (every HTTP call, retries included)")
                .tag("target", target).publishPercentileHistogram().register(registry);
        tokensIn = Counter.builder("pmc_gateway_tokens_total").description("Tokens reported by providers").tags("target", target, "direction", "input")
                .register(registry);
        tokensOut = Counter.builder("pmc_gateway_tokens_total").description("Tokens reported by providers").tags("target", target, "direction", "output")
                .register(registry);
        costUsd = Counter.builder("pmc_gateway_cost_usd_total").description("Provider cost from the target's price table (USD)").tag("target", target)
                .register(registry);
        rateLimited = Counter.builder("pmc_gateway_rate_limited_total").description("Calls the provider answered 429").tag("target", target).register(registry);
        responses = Counter.builder("pmc_gateway_responses_total").description("Response events written (one per prompt; a call for k answers writes k)")
                .tag("target", target).register(registry);
    }

    /** Calls by outcome (ok and the failure kinds: a fixed set). */
    Counter outcome(String outcome) {
        return byOutcome.computeIfAbsent(outcome, o -> Counter.builder("pmc_gateway_requests_total")
                .description("Provider calls by outcome (ok, rate_limited, server_error, timeout, malformed, connect_error, client_error)")
                .tags("target", target, "outcome", o).register(registry));
    }

    /** Retries by reason (the failure kinds). */
    Counter retry(String reason) {
        return byRetryReason.computeIfAbsent(reason, r -> Counter.builder("pmc_gateway_retries_total").description("Provider calls retried, by reason")
                .tags("target", target, "reason", r).register(registry));
    }
}
