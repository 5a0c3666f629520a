package dev.pmc.core.events;

/**
 * Topic pmc.responses: the provider's reply to a prompt attempt, or the error that prevented one
 * ({@code reply} null, {@code error} set). Schema version {@link #VERSION}.
 */
public record ResponseEvent(int v, SlotId slot, int attempt, String model, String reply, String error,
                            long latencyMs, long createdAtMs) {
    public static final int VERSION = 1;
}
