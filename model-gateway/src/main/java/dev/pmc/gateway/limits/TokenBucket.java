package dev.pmc.gateway.limits;

/**
 * A token bucket in reservation form: {@link #reserve} takes tokens now (the level may go negative, a debt) and
 * returns how long the caller must wait until its reservation is covered, so callers are spaced exactly at
 * the refill rate with at most {@code capacity} tokens at once. Rate and capacity can change at run time
 * (learned limits, partition share); {@link #pauseUntil} honours a provider's Retry-After.
 * Times are nanoseconds from the caller's clock; thread-safe.
 */
public final class TokenBucket {
    private double ratePerSec;
    private double capacity;
    private double level;
    private long last;
    private long pausedUntil = Long.MIN_VALUE;

    public TokenBucket(double ratePerSec, double capacity, long now) {
        this.ratePerSec = ratePerSec;
        this.capacity = capacity;
        this.level = capacity;
        this.last = now;
    }

    private void refill(long now) {
        if (now > last) {
            level = Math.min(capacity, level + (now - last) / 1e9 * ratePerSec);
            last = now;
        }
    }

    /** Takes {@code tokens}; returns the wait in nanoseconds before they may be used (0 = now). */
    public synchronized long reserve(double tokens, long now) {
        refill(now);
        level -= tokens;
        long wait = level >= 0 ? 0 : (long) Math.ceil(-level / ratePerSec * 1e9);
        if (pausedUntil > now) wait = Math.max(wait, pausedUntil - now);
        return wait;
    }

    /** Gives back or takes more tokens after the fact (e.g. the provider's reported usage differs from the estimate). */
    public synchronized void adjust(double tokens, long now) {
        refill(now);
        level = Math.min(capacity, level - tokens);
    }

    /** No reservation is served before {@code until}; the level refilled meanwhile is dropped (the provider said wait). */
    public synchronized void pauseUntil(long until, long now) {
        refill(now);
        if (until > pausedUntil) pausedUntil = until;
        level = Math.min(level, 0);
    }

    public synchronized void setRate(double ratePerSec, double capacity, long now) {
        refill(now);
        this.ratePerSec = ratePerSec;
        this.capacity = capacity;
        this.level = Math.min(level, capacity);
    }

    public synchronized double rate() {
        return ratePerSec;
    }

    public synchronized double level(long now) {
        refill(now);
        return level;
    }
}
