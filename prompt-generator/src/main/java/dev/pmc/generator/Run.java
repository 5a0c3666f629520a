package dev.pmc.generator;

/**
 * A run and its progress. state: queued (accepted, not yet publishing), running (prompts being published or
 * answered), completed (every slot settled: a valid rating, or failed at its last attempt), failed (its
 * prompts could not be published). trigger: manual or schedule. settled counts slots settled so far.
 */
public record Run(String runId, String target, String personaSet, int personas, int items, int n, long slots,
                  double temperature, long createdAtMs, long published, String state, String error, String mode,
                  String trigger, long settled, Long completedAtMs) {
    public static final String QUEUED = "queued", RUNNING = "running", COMPLETED = "completed", FAILED = "failed";

    Run withPublished(long published) {
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, published,
                QUEUED.equals(state) ? RUNNING : state, error, mode, trigger, settled, completedAtMs);
    }

    Run withFailure(String error) {
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, published, FAILED, error,
                mode, trigger, settled, completedAtMs);
    }

    Run withSettled(long settled, long nowMs) {
        boolean done = settled >= slots && !FAILED.equals(state);
        return new Run(runId, target, personaSet, personas, items, n, slots, temperature, createdAtMs, published,
                done ? COMPLETED : state, error, mode, trigger, settled, done && completedAtMs == null ? Long.valueOf(nowMs) : completedAtMs);
    }

    boolean active() {
        return QUEUED.equals(state) || RUNNING.equals(state);
    }
}
