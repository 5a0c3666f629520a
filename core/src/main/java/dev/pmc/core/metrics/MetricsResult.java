package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;

import java.util.Map;

/** S, R, ū over all items and per foundation, with the number of retained personas and of items. */
public record MetricsResult(int personas, int questions, Estimate overall, Map<Foundation, Estimate> perFoundation) {
}
