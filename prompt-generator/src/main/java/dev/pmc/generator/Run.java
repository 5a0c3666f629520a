package dev.pmc.generator;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A run and its progress. state: queued (accepted, waiting for the leader to publish), running (prompts being
 * published or answered), completed (every slot settled: a valid rating, or failed at its last attempt), failed (its
 * prompts could not be published, or it timed out), cancelled (by DELETE, or its target was deleted). trigger: manual
 * or schedule. published counts prompt events Kafka acknowledged (a contiguous prefix of the run's slots, so a new
 * leader resumes there); settled counts slots settled so far, as the aggregator counted them (pmc.persona-stats).
 * The plan fields (maxTokens, topLogprobs, personaTexts for persona files) let any replica publish the run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Run(String runId, String target, String personaSet, int personas, int items, int n, long slots,
                  double temperature, long createdAtMs, long published, String state, String error, String mode,
                  String trigger, long settled, Long completedAtMs, Integer maxTokens, Integer topLogprobs,
                  List<String> personaTexts) {
    public static final String QUEUED = "queued", RUNNING = "running", COMPLETED = "completed", FAILED = "failed",
            CANCELLED = "cancelled";

    Run withPublished(long published) {
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, Math.max(this.published, published),
                QUEUED.equals(state) ? RUNNING : state, error, mode, trigger, settled, completedAtMs, maxTokens, topLogprobs, personaTexts);
    }

    Run withFailure(String error) {
        return active() ? withState(FAILED, error) : this;
    }

    Run withCancel(String why) {
        return active() ? withState(CANCELLED, why) : this;
    }

    private Run withState(String newState, String why) {
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, published, newState, why,
                mode, trigger, settled, completedAtMs, maxTokens, topLogprobs, personaTexts);
    }

    Run withSettled(long settled, long nowMs) {
        long s = Math.max(this.settled, settled);
        boolean done = s >= slots && active();
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, published,
                done ? COMPLETED : state, error, mode, trigger, s, done && completedAtMs == null ? Long.valueOf(nowMs) : completedAtMs,
                maxTokens, topLogprobs, personaTexts);
    }

    boolean active() {
        return QUEUED.equals(state) || RUNNING.equals(state);
    }

    /** How final a state is: queued < running < completed, failed, cancelled. */
    static int rank(String state) {
        return switch (state) {
            case QUEUED -> 0;
            case RUNNING -> 1;
            default -> 2;
        };
    }

    /**
     * Two versions of the same run (this replica's and one read back from pmc.runs) merged without losing progress:
     * the more final state, the larger counts. Writes can arrive out of order, so the merge is what makes them safe.
     */
    Run merge(Run other) {
        if (other == null) return this;
        Run finalState = rank(other.state) > rank(state) ? other : this;
        long pub = Math.max(published, other.published), set = Math.max(settled, other.settled);
        Long done = completedAtMs != null ? completedAtMs : other.completedAtMs;
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, pub, finalState.state,
                finalState.error, mode, trigger, set, done, maxTokens, topLogprobs, personaTexts);
    }
}
