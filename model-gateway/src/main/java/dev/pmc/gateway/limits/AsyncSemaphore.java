package dev.pmc.gateway.limits;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/** A non-blocking semaphore: {@link #acquire} completes when a permit is free; waiters are served in order. */
public final class AsyncSemaphore {
    private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
    private int permits;
    private int inUse;

    public AsyncSemaphore(int permits) {
        this.permits = permits;
    }

    public CompletableFuture<Void> acquire() {
        synchronized (this) {
            if (inUse < permits) {
                inUse++;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiters.add(f);
            return f;
        }
    }

    public void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = inUse <= permits ? waiters.poll() : null;
            if (next == null) inUse--;
        }
        if (next != null) next.complete(null);
    }
}
