package dev.pmc.gateway.limits;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: a uniform wait in [0, min(cap, base·2^retry)). */
public final class Backoff {
    private Backoff() {
    }

    public static long delayMillis(int retry, long baseMs, long capMs) {
        long ceiling = Math.min(capMs, baseMs << Math.min(retry, 20));
        return ThreadLocalRandom.current().nextLong(Math.max(1, ceiling));
    }
}
