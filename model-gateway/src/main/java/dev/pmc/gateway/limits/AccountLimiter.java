package dev.pmc.gateway.limits;

import dev.pmc.gateway.provider.RateLimitInfo;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The request and token limits of one provider account, shared by the targets on it. The rate in force is,
 * in order: the configured rpm/tpm, else the limit the provider announced in rate-limit headers, else an
 * {@link AdaptiveRate} driven by 429s. Known limits are used at {@code utilisation} (default 98 %: the headroom
 * keeps the provider's own bucket topped up, so a stall followed by a burst of sends is absorbed) and multiplied
 * by this replica's share of the prompt
 * partitions, so replicas in one consumer group together stay within one account limit. Calls are paced FIFO
 * by a single reservation at a time ({@link #acquire}), so a Retry-After pause applies to every call not yet
 * sent, and a provider saying "0 remaining" pauses until its reset.
 */
public final class AccountLimiter {
    /** Bucket depth in seconds of the rate: small, so bursts stay far below a provider's one-second allowance. */
    static final double BURST_SECONDS = 0.5;

    private record Waiter(int tokens, CompletableFuture<Void> ready, java.util.function.BooleanSupplier cancelled) {
    }

    private final String account;
    private final ScheduledExecutorService timer;
    private final TokenBucket requests;
    private TokenBucket tokens;
    private final AdaptiveRate adaptive;
    private Integer configuredRpm, configuredTpm;
    private Long learnedRpm, learnedTpm;
    private double share = 1;
    /** Share of a known limit actually used: the headroom refills the provider's bucket, absorbing send jitter. */
    private final double utilisation;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private boolean draining;
    /** Why the account's quota is exhausted (insufficient_quota, a spend limit, a daily quota); null while it is not. */
    private String quotaReason;
    /** While exhausted: when the next check call may go, and whether one is out. Nothing else is sent. */
    private long quotaCheckAt;
    private boolean quotaCheckOut;
    private long quotaRecheckNanos = TimeUnit.MINUTES.toNanos(10);
    private volatile java.util.function.Consumer<String> quotaListener = r -> { };

    public AccountLimiter(String account, Integer rpm, Integer tpm, AdaptiveRate adaptive, ScheduledExecutorService timer) {
        this(account, rpm, tpm, adaptive, timer, 1.0);
    }

    public AccountLimiter(String account, Integer rpm, Integer tpm, AdaptiveRate adaptive, ScheduledExecutorService timer, double utilisation) {
        this.account = account;
        this.utilisation = utilisation;
        this.timer = timer;
        this.adaptive = adaptive;
        long now = System.nanoTime();
        this.requests = new TokenBucket(1, 1, now);
        configure(rpm, tpm);
    }

    public String account() {
        return account;
    }

    public synchronized void configure(Integer rpm, Integer tpm) {
        this.configuredRpm = rpm;
        this.configuredTpm = tpm;
        apply(System.nanoTime());
    }

    public synchronized void setShare(double share) {
        this.share = Math.max(1e-3, Math.min(1, share));
        apply(System.nanoTime());
    }

    /** Requests per second in force. */
    public synchronized double requestRate() {
        return requests.rate();
    }

    /** "configured", "learned" or "adaptive". */
    public synchronized String mode() {
        return configuredRpm != null ? "configured" : learnedRpm != null ? "learned" : "adaptive";
    }

    private void apply(long now) {
        Long rpm = configuredRpm != null ? Long.valueOf(configuredRpm) : learnedRpm;
        double rate = rpm != null ? rpm / 60.0 * share * utilisation : adaptive.rate();
        requests.setRate(rate, Math.max(1, rate * BURST_SECONDS), now);
        Long tpm = configuredTpm != null ? Long.valueOf(configuredTpm) : learnedTpm;
        if (tpm == null) {
            tokens = null;
        } else {
            double tr = tpm / 60.0 * share * utilisation;
            if (tokens == null) tokens = new TokenBucket(tr, Math.max(1, tr * BURST_SECONDS), now);
            else tokens.setRate(tr, Math.max(1, tr * BURST_SECONDS), now);
        }
    }

    /** Completes when a call estimated at {@code estTokens} tokens may be sent. */
    public CompletableFuture<Void> acquire(int estTokens) {
        return acquire(estTokens, () -> false);
    }

    /**
     * Completes when a call estimated at {@code estTokens} tokens may be sent, or at once (spending nothing) when
     * {@code cancelled} holds by the time it reaches the head of the queue (its target was deleted).
     */
    public CompletableFuture<Void> acquire(int estTokens, java.util.function.BooleanSupplier cancelled) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        boolean start;
        synchronized (this) {
            queue.add(new Waiter(estTokens, f, cancelled));
            start = !draining;
            draining = true;
        }
        if (start) timer.execute(this::drain);
        return f;
    }

    private void drain() {
        while (true) {
            Waiter w;
            long wait;
            synchronized (this) {
                if (quotaReason != null && !queue.isEmpty()) {
                    long now = System.nanoTime();
                    if (quotaCheckOut || now < quotaCheckAt) {
                        // hold every unsent call; a check call's outcome, resume() or the next check time drains again
                        draining = false;
                        if (!quotaCheckOut) timer.schedule(this::kick, quotaCheckAt - now, TimeUnit.NANOSECONDS);
                        return;
                    }
                    quotaCheckOut = true; // this waiter is the check call: does the account answer again?
                }
                w = queue.poll();
                if (w == null) {
                    draining = false;
                    return;
                }
                if (w.cancelled().getAsBoolean()) {
                    w.ready().complete(null);
                    continue;
                }
                long now = System.nanoTime();
                wait = requests.reserve(1, now);
                if (tokens != null) {
                    // a single call larger than the bucket could never fit: charge at most the bucket
                    double t = Math.min(w.tokens(), Math.max(1, tokens.rate() * BURST_SECONDS));
                    wait = Math.max(wait, tokens.reserve(t, now));
                }
            }
            if (wait <= 0) {
                w.ready().complete(null);
            } else {
                timer.schedule(() -> {
                    w.ready().complete(null);
                    drain();
                }, wait, TimeUnit.NANOSECONDS);
                return;
            }
        }
    }

    /** Starts a drain unless one runs (after a hold ends). */
    private void kick() {
        synchronized (this) {
            if (draining) return;
            draining = true;
        }
        drain();
    }

    /**
     * The provider said the account's quota is exhausted: no retry can succeed, so nothing more is sent until a check
     * call (one every {@code quotaRecheck}) succeeds or an operator resumes; unsent calls wait, none fails.
     */
    public void onQuotaExhausted(String reason) {
        boolean changed;
        String now;
        synchronized (this) {
            changed = quotaReason == null;
            quotaReason = reason == null ? "quota exhausted" : reason;
            now = quotaReason;
            quotaCheckOut = false;
            quotaCheckAt = System.nanoTime() + quotaRecheckNanos;
        }
        if (changed) quotaListener.accept(now);
        kick();
    }

    /** Told of every quota transition: the reason when the account pauses, null when it goes again. */
    public void setQuotaListener(java.util.function.Consumer<String> listener) {
        this.quotaListener = listener == null ? r -> { } : listener;
    }

    /** The quota is back (an operator says so, or a check call was answered): send again. */
    public void resume() {
        boolean changed;
        synchronized (this) {
            changed = quotaReason != null;
            quotaReason = null;
            quotaCheckOut = false;
        }
        if (changed) quotaListener.accept(null);
        kick();
    }

    /** A call failed otherwise: if it was the check call, the next check waits its turn. */
    public void onOtherFailure() {
        boolean held;
        synchronized (this) {
            held = quotaReason != null && quotaCheckOut;
            if (held) {
                quotaCheckOut = false;
                quotaCheckAt = System.nanoTime() + quotaRecheckNanos;
            }
        }
        if (held) kick();
    }

    /** Why the account's quota is exhausted, or null. */
    public synchronized String quotaExhausted() {
        return quotaReason;
    }

    /** How often a held account sends one check call (default 10 minutes). */
    public synchronized void setQuotaRecheck(java.time.Duration every) {
        this.quotaRecheckNanos = every.toNanos();
    }

    /** A call was answered: learn announced limits, correct the token estimate, let the adaptive rate grow. */
    public void onReply(RateLimitInfo info, int actualTokens, int estTokens) {
        boolean resumed;
        synchronized (this) {
            resumed = quotaReason != null;
            quotaReason = null;
            quotaCheckOut = false;
            learn(info, actualTokens, estTokens);
        }
        if (resumed) {
            quotaListener.accept(null);
            kick();
        }
    }

    private void learn(RateLimitInfo info, int actualTokens, int estTokens) {
        long now = System.nanoTime();
        boolean changed = false;
        if (info.limitRequests() != null && !info.limitRequests().equals(learnedRpm)) {
            learnedRpm = info.limitRequests();
            changed = true;
        }
        if (info.limitTokens() != null && !info.limitTokens().equals(learnedTpm)) {
            learnedTpm = info.limitTokens();
            changed = true;
        }
        if (configuredRpm == null && learnedRpm == null) {
            double before = adaptive.rate();
            // grow only while calls are waiting for the limiter (the rate, not demand, is what limits)
            if (adaptive.onSuccess(now, !queue.isEmpty()) != before) changed = true;
        }
        if (changed) apply(now);
        if (tokens != null && actualTokens > 0) tokens.adjust(actualTokens - estTokens, now);
        if (info.remainingRequests() != null && info.remainingRequests() < 1 && info.resetRequestsMs() != null) {
            requests.pauseUntil(now + TimeUnit.MILLISECONDS.toNanos(info.resetRequestsMs()), now);
        }
    }

    /** The provider answered 429: pause every unsent call for its Retry-After (1 s if none), slow down if adaptive. */
    public synchronized void onRateLimited(RateLimitInfo info) {
        long now = System.nanoTime();
        long ms = info.retryAfterMs() != null ? info.retryAfterMs() : 1000;
        requests.pauseUntil(now + TimeUnit.MILLISECONDS.toNanos(ms), now);
        if (configuredRpm == null && learnedRpm == null) {
            adaptive.onRateLimited(now);
            apply(now);
        }
    }
}
