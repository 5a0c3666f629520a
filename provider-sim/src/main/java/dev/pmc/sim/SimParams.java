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
 * @param difficultPersonaShare share of personas (chosen by hash of the persona text) that often break the
 *                       instructions: they ramble in character without giving a rating
 * @param difficultPersonaRate  probability that such a persona's reply has no rating
 * @param outage         the deployment is down: every call is answered 503 (a provider outage for one model)
 */
public record SimParams(double personaShift, double foundationShare, double noise, double selfCeiling,
                        double refusalRate, double garbageRate, long latencyMs,
                        double difficultPersonaShare, double difficultPersonaRate, boolean outage) {
    public SimParams(double personaShift, double foundationShare, double noise, double selfCeiling,
                     double refusalRate, double garbageRate, long latencyMs) {
        this(personaShift, foundationShare, noise, selfCeiling, refusalRate, garbageRate, latencyMs, 0, 0, false);
    }

    public SimParams(double personaShift, double foundationShare, double noise, double selfCeiling,
                     double refusalRate, double garbageRate, long latencyMs, double difficultPersonaShare, double difficultPersonaRate) {
        this(personaShift, foundationShare, noise, selfCeiling, refusalRate, garbageRate, latencyMs, difficultPersonaShare, difficultPersonaRate, false);
    }

    public SimParams withLatency(long ms) {
        return new SimParams(personaShift, foundationShare, noise, selfCeiling, refusalRate, garbageRate, ms,
                difficultPersonaShare, difficultPersonaRate, outage);
    }
}
