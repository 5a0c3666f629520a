package dev.pmc.aggregator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the per-target reduction has read pmc.persona-stats to its end as well (quarkus-kafka-streams' own checks
 * cover the streams' state and topics, liveness included).
 */
@Readiness
@ApplicationScoped
public class StreamsReadiness implements HealthCheck {
    @Inject
    AggregatorService aggregator;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("persona-stats-read").status(aggregator.running()).withData("state", aggregator.state()).build();
    }
}
