package dev.pmc.gateway.limits;

/**
 * Additive-increase/multiplicative-decrease control of the request rate when the provider's limit is not
 * known: start low and double every 250 ms of calls waiting on the rate without a 429 (slow start), then add {@code increase} of the
 * current rate per second of success, and multiply by {@code decrease} on a 429, at most once per
 * {@code coolDownNanos} (one congestion signal per round of in-flight calls).
 */
public final class AdaptiveRate {
    private final double min, max, increase, decrease;
    private final long coolDownNanos;
    private double rate;
    private boolean slowStart = true;
    private long lastChange;
    private long lastDecrease = Long.MIN_VALUE / 2;

    public AdaptiveRate(double initial, double min, double max, double increase, double decrease, long coolDownNanos, long now) {
        this.rate = initial;
        this.min = min;
        this.max = max;
        this.increase = increase;
        this.decrease = decrease;
        this.coolDownNanos = coolDownNanos;
        this.lastChange = now;
    }

    /** A call succeeded; returns the new rate. */
    public synchronized double onSuccess(long now) {
        double secs = (now - lastChange) / 1e9;
        if (secs <= 0) return rate;
        if (slowStart) {
            if (secs >= 0.25) {
                rate = Math.min(max, rate * 2);
                lastChange = now;
            }
        } else {
            rate = Math.min(max, rate * (1 + increase * secs));
            lastChange = now;
        }
        return rate;
    }

    /** The provider answered 429; returns the new rate. */
    public synchronized double onRateLimited(long now) {
        slowStart = false;
        if (now - lastDecrease >= coolDownNanos) {
            rate = Math.max(min, rate * decrease);
            lastDecrease = now;
        }
        lastChange = now;
        return rate;
    }

    public synchronized double rate() {
        return rate;
    }
}
