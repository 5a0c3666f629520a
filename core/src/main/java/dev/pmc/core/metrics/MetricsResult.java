package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;

import java.util.EnumMap;
import java.util.Map;

/**
 * S, R, ū over all items and per foundation, with the number of retained personas and of items, and the
 * distribution signals of the retained personas' ratings overall and per foundation.
 */
public record MetricsResult(int personas, int questions, Estimate overall, Map<Foundation, Estimate> perFoundation,
                            DistributionSignals signals, Map<Foundation, DistributionSignals> signalsPerFoundation) {
    /** Without rating histograms (cell moments only): the distribution signals are NaN. */
    public MetricsResult(int personas, int questions, Estimate overall, Map<Foundation, Estimate> perFoundation) {
        this(personas, questions, overall, perFoundation, DistributionSignals.of(new double[6]), nanPerFoundation());
    }

    private static Map<Foundation, DistributionSignals> nanPerFoundation() {
        Map<Foundation, DistributionSignals> m = new EnumMap<>(Foundation.class);
        for (Foundation f : Foundation.values()) m.put(f, DistributionSignals.of(new double[6]));
        return m;
    }
}
