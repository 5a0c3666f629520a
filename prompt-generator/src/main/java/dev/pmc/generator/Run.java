package dev.pmc.generator;

import dev.pmc.core.events.RunDecision;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.metrics.SequentialDesign;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A run and its progress. state: queued (accepted, waiting for the leader to publish), running (prompts being
 * published or answered), completed (every slot settled: a valid rating, or failed at its last attempt), failed (its
 * prompts could not be published, or it timed out), cancelled (by DELETE, or its target was deleted). trigger: manual
 * or schedule. published counts prompt events Kafka acknowledged (a contiguous prefix of the run's slots, so a new
 * leader resumes there); settled counts slots settled so far, as the aggregator counted them (pmc.persona-stats).
 * The plan fields (maxTokens, topLogprobs, personaTexts for persona files) let any replica publish the run.
 *
 * <p>A sequential run (mode sequential) is published stage by stage ({@link SequentialDesign}):
 * {@code limit} is how many of its slots are released (its stage's), {@code stage} the stage released, and
 * {@code sequential} the aggregator's latest decision (calls spent, current estimate and intervals). A decision to
 * continue releases the next stage; a decision to stop shrinks {@code slots} to the stage's, so the run completes when
 * they have settled. Other runs have no limit (all slots released). {@code instrument} is what the run asks (absent in
 * runs recorded before instruments: mfq30); {@code items} is its item count.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Run(String runId, String target, String personaSet, int personas, int items, int n, long slots,
                  double temperature, long createdAtMs, long published, String state, String error, String mode,
                  String trigger, long settled, Long completedAtMs, Integer maxTokens, Integer topLogprobs,
                  List<String> personaTexts, Long limit, Integer stage, RunDecision sequential, String instrument) {
    public static final String QUEUED = "queued", RUNNING = "running", COMPLETED = "completed", FAILED = "failed",
            CANCELLED = "cancelled";

    private Run with(long slots, long published, String state, String error, long settled, Long completedAtMs, Long limit,
                     Integer stage, RunDecision sequential) {
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, published, state, error, mode,
                trigger, settled, completedAtMs, maxTokens, topLogprobs, personaTexts, limit, stage, sequential, instrument);
    }

    /** The instrument's name (mfq30 for runs recorded before instruments). */
    String instrumentName() {
        return Instruments.nameOf(instrument);
    }

    boolean isSequential() {
        return "sequential".equals(mode);
    }

    /** Slots released for publication (all of them unless the run is sequential). */
    long released() {
        return limit == null ? slots : Math.min(limit, slots);
    }

    Run withPublished(long published) {
        return with(slots, Math.max(this.published, published), QUEUED.equals(state) ? RUNNING : state, error, settled, completedAtMs,
                limit, stage, sequential);
    }

    Run withFailure(String error) {
        return active() ? withState(FAILED, error) : this;
    }

    Run withCancel(String why) {
        return active() ? withState(CANCELLED, why) : this;
    }

    private Run withState(String newState, String why) {
        return with(slots, published, newState, why, settled, completedAtMs, limit, stage, sequential);
    }

    Run withSettled(long settled, long nowMs) {
        long s = Math.max(this.settled, settled);
        return with(slots, published, state, error, s, completedAtMs, limit, stage, sequential).completedIfSettled(nowMs);
    }

    private Run completedIfSettled(long nowMs) {
        if (settled < slots || !active()) return this;
        return with(slots, published, COMPLETED, error, settled, completedAtMs == null ? Long.valueOf(nowMs) : completedAtMs, limit, stage, sequential);
    }

    /**
     * The aggregator's decision on the released stage: continue releases the next stage, stop ends the run at this
     * one (its slots become the stage's). Decisions about another stage, or on a run that is not sequential or no
     * longer active, change nothing.
     */
    Run withDecision(RunDecision d, SequentialDesign design, long nowMs) {
        if (!isSequential() || !active() || stage == null || d.stage() != stage || d.stages() != design.stages()) return this;
        if (d.stop()) {
            long stageSlots = design.calls(stage);
            return with(Math.min(slots, stageSlots), published, state, error, settled, completedAtMs, stageSlots, stage, d).completedIfSettled(nowMs);
        }
        if (stage + 1 >= design.stages()) return with(slots, published, state, error, settled, completedAtMs, limit, stage, d);
        return with(slots, published, state, error, settled, completedAtMs, design.calls(stage + 1), stage + 1, d);
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
     * the more final state, the larger counts, the later stage (and its decision), the smaller slot count (a stop only
     * shrinks it). Writes can arrive out of order, so the merge is what makes them safe.
     */
    Run merge(Run other) {
        if (other == null) return this;
        Run finalState = rank(other.state) > rank(state) ? other : this;
        long pub = Math.max(published, other.published), set = Math.max(settled, other.settled);
        Long done = completedAtMs != null ? completedAtMs : other.completedAtMs;
        long s = Math.min(slots, other.slots);
        Run later = Objects.compare(other.stage, stage, Comparator.nullsFirst(Comparator.naturalOrder())) > 0
                || (Objects.equals(other.stage, stage) && other.sequential != null && (sequential == null || other.sequential.stop())) ? other : this;
        Long lim = limit == null && other.limit == null ? null
                : Math.min(s, Math.max(limit == null ? 0 : limit, other.limit == null ? 0 : other.limit));
        return with(s, pub, finalState.state, finalState.error, set, done, lim, later.stage, later.sequential);
    }
}
