package dev.pmc.core.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The aggregator's decision on a sequential run after one of its stages settled, published on the compacted topic
 * pmc.run-decisions (key: run id; the latest stage's decision replaces the previous one). {@code action} is
 * {@code continue} (the generator releases the next stage) or {@code stop} (the run ends at this stage with
 * {@code verdict}: consistent, drifting, collapsed, or insufficient when the budget ends it undecided). The rest is the
 * run's progress as the look saw it: calls and USD spent, S and R (carried to the full design) with SEs, the
 * confidence-sequence intervals of the dispersion and saturation scores, and the baseline run it was judged against
 * (null: none read in this design, so the run goes on to the full design). Non-finite numbers are null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunDecision(String runId, String target, int stage, int stages, String design, String action, String verdict,
                          String kind, String reason, long calls, Double costUsd, Double susceptibility, Double susceptibilitySe,
                          Double robustness, Double robustnessSe, Double dispersionLow, Double dispersionHigh,
                          Double saturationLow, Double saturationHigh, String baselineRunId, long decidedAtMs) {
    public static final String CONTINUE = "continue", STOP = "stop";

    public boolean stop() {
        return STOP.equals(action);
    }

    /** A finite number, or null (JSON has no NaN). */
    public static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Decodes a decision, or null when the record is not one (a stage must never stop on one record). */
    public static RunDecision decode(String json) {
        if (json == null || json.length() > 16_384) return null;
        try {
            RunDecision d = EventCodec.mapper().readValue(json, RunDecision.class);
            if (d.runId() == null || d.stage() < 0 || d.stage() > 64 || d.stages() < 1 || d.stage() >= d.stages()
                    || !(CONTINUE.equals(d.action()) || STOP.equals(d.action())) || d.calls() < 0) return null;
            return d;
        } catch (Exception e) {
            return null;
        }
    }
}
