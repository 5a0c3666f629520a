package dev.pmc.aggregator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Dead once Kafka Streams has shut down on an error (ERROR, PENDING_ERROR, NOT_RUNNING): restart the pod. */
@Liveness
@ApplicationScoped
public class StreamsLiveness implements HealthCheck {
    @Inject
    AggregatorService aggregator;

    @Override
    public HealthCheckResponse call() {
        String state = aggregator.state();
        boolean dead = state.equals("ERROR") || state.equals("PENDING_ERROR") || state.equals("NOT_RUNNING");
        return HealthCheckResponse.named("kafka-streams-alive").status(!dead).withData("state", state).build();
    }
}
