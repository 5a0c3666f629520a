package dev.pmc.gateway.limits;

/**
 * Per-target circuit breaker: CLOSED until {@code threshold} consecutive failures, then OPEN for
 * {@code openNanos} (calls wait instead of going out), then HALF_OPEN: one probe call at a time; a success
 * closes the circuit, a failure opens it again. Rate limiting (429) is not a failure here: it has its own path.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, HALF_OPEN, OPEN }

    private final int threshold;
    private final long openNanos;
    private State state = State.CLOSED;
    private int consecutive;
    private long openedAt;
    private boolean probing;

    public CircuitBreaker(int threshold, long openNanos) {
        this.threshold = threshold;
        this.openNanos = openNanos;
    }

    /** 0 when a call may go out now (a half-open probe is then in flight), else nanoseconds to wait and ask again. */
    public synchronized long tryAcquire(long now) {
        if (state == State.OPEN) {
            long left = openedAt + openNanos - now;
            if (left > 0) return left;
            state = State.HALF_OPEN;
            probing = false;
        }
        if (state == State.HALF_OPEN) {
            if (probing) return Math.max(1_000_000L, openNanos / 20);
            probing = true;
        }
        return 0;
    }

    public synchronized void onSuccess() {
        consecutive = 0;
        state = State.CLOSED;
        probing = false;
    }

    public synchronized void onFailure(long now) {
        consecutive++;
        if (state == State.HALF_OPEN || consecutive >= threshold) {
            state = State.OPEN;
            openedAt = now;
            probing = false;
        }
    }

    /** A call that went out ended without telling anything about the provider's health (e.g. 429). */
    public synchronized void onNeutral() {
        if (state == State.HALF_OPEN) probing = false;
    }

    public synchronized State state() {
        return state;
    }
}
