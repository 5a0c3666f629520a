package dev.pmc.sim;

/**
 * The simulated provider's rate limit for one model: token buckets for requests and tokens refilled
 * continuously at rpm/60 and tpm/60 per second, each holding at most burstSeconds of its limit.
 */
final class SimLimiter {
    /** Admission result; retryAfterMs is how long until the call would be admitted when refused. */
    record Decision(boolean admitted, long retryAfterMs, double remainingRequests, double remainingTokens,
                    long resetRequestsMs, long resetTokensMs) {
    }

    private final int rpm, tpm;
    private final double reqCap, tokCap, reqRate, tokRate;
    private double reqLevel, tokLevel;
    private long last;

    SimLimiter(int rpm, int tpm, double burstSeconds) {
        this.rpm = rpm;
        this.tpm = tpm;
        this.reqRate = rpm / 60_000.0;
        this.tokRate = tpm / 60_000.0;
        this.reqCap = Math.max(1, rpm * burstSeconds / 60.0);
        this.tokCap = Math.max(1, tpm * burstSeconds / 60.0);
        this.reqLevel = reqCap;
        this.tokLevel = tokCap;
        this.last = System.nanoTime();
    }

    int rpm() {
        return rpm;
    }

    int tpm() {
        return tpm;
    }

    synchronized Decision tryAcquire(int tokens) {
        long now = System.nanoTime();
        double ms = (now - last) / 1e6;
        last = now;
        if (rpm > 0) reqLevel = Math.min(reqCap, reqLevel + ms * reqRate);
        if (tpm > 0) tokLevel = Math.min(tokCap, tokLevel + ms * tokRate);
        boolean reqOk = rpm == 0 || reqLevel >= 1;
        boolean tokOk = tpm == 0 || tokLevel >= Math.min(tokens, tokCap);
        if (reqOk && tokOk) {
            if (rpm > 0) reqLevel -= 1;
            if (tpm > 0) tokLevel -= Math.min(tokens, tokCap);
            return new Decision(true, 0, reqLevel, tokLevel, resetMs(reqCap - reqLevel, reqRate), resetMs(tokCap - tokLevel, tokRate));
        }
        long wait = 0;
        if (!reqOk) wait = Math.max(wait, (long) Math.ceil((1 - reqLevel) / reqRate));
        if (!tokOk) wait = Math.max(wait, (long) Math.ceil((Math.min(tokens, tokCap) - tokLevel) / tokRate));
        return new Decision(false, Math.max(1, wait), reqLevel, tokLevel, resetMs(reqCap - reqLevel, reqRate), resetMs(tokCap - tokLevel, tokRate));
    }

    private static long resetMs(double missing, double ratePerMs) {
        return ratePerMs <= 0 ? 0 : (long) Math.ceil(missing / ratePerMs);
    }
}
