package dev.pmc.core.observability;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * CDI producer of {@link MetricsHygiene#filter()}: every Quarkus service discovers it (core ships a beans.xml),
 * and Quarkus Micrometer applies MeterFilter beans to its registry.
 */
@Singleton
public class MetricsSetup {
    @Produces
    @Singleton
    MeterFilter hygiene() {
        return MetricsHygiene.filter();
    }
}
