package dev.pmc.sim;

/**
 * Parameters of one simulated deployment.
 * @param personaShift   SD of the latent shift a persona causes on an item's mean answer (drives S)
 * @param foundationShare share of that shift common to a foundation (the rest is item-specific)
 * @param noise          SD of the per-sample latent noise at temperature 0.1 (drives ū, hence R)
 * @param selfCeiling    without persona, fraction of the way from the item baseline to the ceiling
 * @param refusalRate    probability a reply is a refusal without a number
 * @param garbageRate    probability a reply is unusable text
 * @param latencyMs      mean simulated latency per request
 */
public record SimParams(double personaShift, double foundationShare, double noise, double selfCeiling,
                        double refusalRate, double garbageRate, long latencyMs) {
}
