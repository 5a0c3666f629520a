package dev.pmc.gateway.limits;

/**
 * Caps retries at a share of first attempts so a failing provider is not hammered (retry storms): every first
 * attempt deposits {@code ratio} of a retry, a retry spends one, the balance is capped at {@code maxBalance}
 * and starts at {@code initial}.
 */
public final class RetryBudget {
    private final double ratio, maxBalance;
    private double balance;

    public RetryBudget(double ratio, double initial, double maxBalance) {
        this.ratio = ratio;
        this.balance = initial;
        this.maxBalance = maxBalance;
    }

    public synchronized void onFirstAttempt() {
        balance = Math.min(maxBalance, balance + ratio);
    }

    /** True (and spends one) when a retry is allowed. */
    public synchronized boolean tryRetry() {
        if (balance < 1) return false;
        balance -= 1;
        return true;
    }
}
