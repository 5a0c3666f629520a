package dev.pmc.gateway.limits;

/**
 * Additive-increase/multiplicative-decrease control of the request rate when the provider's limit is not
 * known. Slow start: double every 500 ms of calls waiting on the rate until the first 429. Then add
 * {@code increase} of the current rate per second of success, and on a 429 cut to the smaller of
 * {@code decrease}·rate and 90 % of the success rate measured over the last second (the provider's actual
 * allowance, so an overshoot is corrected in one step), at most once per {@code coolDownNanos}.
 */
public final class AdaptiveRate {
    private static final long WINDOW = 1_000_000_000L;
    private final double min, max, increase, decrease;
    private final long coolDownNanos;
    private double rate;
    private boolean slowStart = true;
    private long lastChange;
    private long lastDecrease = Long.MIN_VALUE / 2;
    private long windowStart;
    private long windowCount;
    private double measured = Double.NaN;

    public AdaptiveRate(double initial, double min, double max, double increase, double decrease, long coolDownNanos, long now) {
        this.rate = initial;
        this.min = min;
        this.max = max;
        this.increase = increase;
        this.decrease = decrease;
        this.coolDownNanos = coolDownNanos;
        this.lastChange = now;
        this.windowStart = now;
    }

    /** A call succeeded; {@code limited} = calls were waiting for the rate. Returns the new rate. */
    public synchronized double onSuccess(long now, boolean limited) {
        windowCount++;
        if (now - windowStart >= WINDOW) {
            measured = windowCount * 1e9 / (now - windowStart);
            windowStart = now;
            windowCount = 0;
        }
        double secs = (now - lastChange) / 1e9;
        if (secs <= 0 || !limited) {
            if (!limited) lastChange = now;
            return rate;
        }
        if (slowStart) {
            if (secs >= 0.5) {
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
            double cut = rate * decrease;
            if (!Double.isNaN(measured) && measured > 0) cut = Math.min(cut, 0.9 * measured);
            rate = Math.max(min, cut);
            lastDecrease = now;
        }
        lastChange = now;
        return rate;
    }

    public synchronized double rate() {
        return rate;
    }
}
