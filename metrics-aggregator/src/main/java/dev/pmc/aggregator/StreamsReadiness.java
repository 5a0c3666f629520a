package dev.pmc.aggregator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the Kafka Streams instance is RUNNING (state restored, partitions assigned). */
@Readiness
@ApplicationScoped
public class StreamsReadiness implements HealthCheck {
    @Inject
    AggregatorService aggregator;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kafka-streams").status(aggregator.running()).withData("state", aggregator.state()).build();
    }
}
