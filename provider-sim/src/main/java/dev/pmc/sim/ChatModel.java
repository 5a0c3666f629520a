package dev.pmc.sim;

import java.util.List;

/** A model provider-sim serves: a parametric {@link SimulatedModel} or a published ratings file ({@link ReplayModel}). */
public interface ChatModel {
    String name();

    /** The reply text for a prompt; system may be null (no persona). Deterministic per sampling seed. */
    String reply(String system, String user, double temperature, long samplingSeed);

    /**
     * The model's first-token distribution at temperature 1 (what a provider's top_logprobs report, whatever the
     * request's temperature), most likely first.
     */
    List<SimulatedModel.TokenProb> firstTokenLogprobs(String system, String user, int top);

    /** Mean latency per request in ms. */
    long latencyMs();

    /** Whether the model answers every call with 503 (the sim-down preset). */
    default boolean outage() {
        return false;
    }
}
