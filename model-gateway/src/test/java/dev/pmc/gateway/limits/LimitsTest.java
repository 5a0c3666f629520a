package dev.pmc.gateway.limits;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitsTest {
    static final long S = 1_000_000_000L;

    @Test
    void tokenBucketSpacesReservationsAtItsRateAfterTheBurst() {
        TokenBucket b = new TokenBucket(10, 2, 0);
        assertEquals(0, b.reserve(1, 0));
        assertEquals(0, b.reserve(1, 0));
        assertEquals(S / 10, b.reserve(1, 0), 1);
        assertEquals(2 * S / 10, b.reserve(1, 0), 1);
        // 100 reservations at one instant are served over exactly 100/10 s minus the burst
        TokenBucket c = new TokenBucket(10, 2, 0);
        long last = 0;
        for (int i = 0; i < 100; i++) last = c.reserve(1, 0);
        assertEquals(98 * S / 10, last, 2);
    }

    @Test
    void pauseHoldsReservationsAndDropsTheRefill() {
        TokenBucket b = new TokenBucket(10, 5, 0);
        b.pauseUntil(2 * S, 0);
        assertEquals(2 * S, b.reserve(1, 0) + 0, S / 10 + 1);
        assertTrue(b.reserve(1, 3 * S) == 0, "after the pause the bucket refills");
    }

    @Test
    void adjustCorrectsAnEstimate() {
        TokenBucket b = new TokenBucket(100, 100, 0);
        b.reserve(100, 0);
        b.adjust(-50, 0); // the call used 50 fewer tokens than reserved
        assertEquals(0, b.reserve(50, 0));
        assertTrue(b.reserve(1, 0) > 0);
    }

    @Test
    void circuitOpensAfterConsecutiveFailuresAndProbesOnceHalfOpen() {
        CircuitBreaker c = new CircuitBreaker(3, 5 * S);
        c.onFailure(0);
        c.onFailure(0);
        c.onSuccess();
        c.onFailure(0);
        c.onFailure(0);
        assertEquals(CircuitBreaker.State.CLOSED, c.state());
        c.onFailure(S);
        assertEquals(CircuitBreaker.State.OPEN, c.state());
        assertEquals(5 * S, c.tryAcquire(S));
        assertEquals(0, c.tryAcquire(6 * S), "half-open: one probe goes");
        assertEquals(CircuitBreaker.State.HALF_OPEN, c.state());
        assertTrue(c.tryAcquire(6 * S) > 0, "a second call waits for the probe");
        c.onFailure(6 * S);
        assertEquals(CircuitBreaker.State.OPEN, c.state());
        assertEquals(0, c.tryAcquire(12 * S));
        c.onSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, c.state());
        assertEquals(0, c.tryAcquire(12 * S));
    }

    @Test
    void retryBudgetAllowsARatioOfFirstAttempts() {
        RetryBudget b = new RetryBudget(0.25, 0, 100);
        for (int i = 0; i < 100; i++) b.onFirstAttempt();
        int retries = 0;
        while (b.tryRetry()) retries++;
        assertEquals(25, retries);
        assertFalse(b.tryRetry());
    }

    @Test
    void adaptiveRateSlowStartsThenCutsToTheMeasuredAllowanceAndGrowsAdditively() {
        AdaptiveRate r = new AdaptiveRate(10, 1, 1000, 0.05, 0.5, S, 0);
        r.onSuccess(S / 2, true);
        assertEquals(20, r.rate(), 1e-9, "slow start doubles every 500 ms while calls wait");
        r.onSuccess(S / 2 + S / 4, false);
        assertEquals(20, r.rate(), 1e-9, "no growth without demand");
        // 30 successes in the second [S, 2S]: the provider allows 30/s
        for (int i = 0; i <= 30; i++) r.onSuccess(S + i * S / 30, true);
        double before = r.rate();
        assertTrue(before >= 80, "still in slow start: " + before);
        r.onRateLimited(2 * S + 1);
        assertEquals(0.9 * 30, r.rate(), 1e-6, "cut to 90 % of the measured success rate");
        double cut = r.rate();
        r.onRateLimited(2 * S + S / 10);
        assertEquals(cut, r.rate(), 1e-9, "one decrease per cool-down");
        r.onSuccess(3 * S, true);
        assertEquals(cut * (1 + 0.05 * 0.9), r.rate(), 1e-9, "additive phase: +5 % of the rate per second");
    }

    @Test
    void anExhaustedQuotaHoldsEveryCallButOneCheckPerIntervalUntilAReplyOrResume() throws Exception {
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            AccountLimiter l = new AccountLimiter("a", 6000, null, new AdaptiveRate(10, 0.5, 100, 0.02, 0.85, S, System.nanoTime()), timer);
            l.setQuotaRecheck(java.time.Duration.ofMillis(300));
            l.onQuotaExhausted("insufficient_quota");
            var first = l.acquire(1);
            var second = l.acquire(1);
            Thread.sleep(150);
            assertTrue(!first.isDone() && !second.isDone(), "held while exhausted");
            first.get(2, java.util.concurrent.TimeUnit.SECONDS); // the check call, after the interval
            Thread.sleep(150);
            assertTrue(!second.isDone(), "one check call at a time");
            l.onQuotaExhausted("insufficient_quota"); // the check found it still exhausted
            Thread.sleep(150);
            assertTrue(!second.isDone());
            l.onReply(dev.pmc.gateway.provider.RateLimitInfo.NONE, 1, 1); // the next check was answered: quota back
            second.get(2, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(null, l.quotaExhausted());
            l.onQuotaExhausted("spend limit");
            var third = l.acquire(1);
            Thread.sleep(100);
            assertTrue(!third.isDone());
            l.resume(); // the operator
            third.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            timer.shutdownNow();
        }
    }
}
