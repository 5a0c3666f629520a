package dev.pmc.core;

/**
 * The sampling seed sent with a provider request (OpenAI's {@code seed}), derived from the slot so that a
 * repeated attempt of the same slot is reproducible while repetitions and runs differ.
 * <p>
 * The seed is additive in the repetition: {@code of(run, r + i, a) == choice(of(run, r, a), i)}. When the gateway
 * asks k consecutive repetitions of a cell in one call ({@code n = k} choices), provider-sim draws choice i with
 * {@link #choice}, so a slot's answer is the same whether it was asked alone or with its neighbours.
 */
public final class SamplingSeed {
    /** Step between consecutive repetitions' seeds (odd, so 2^63 steps pass through every seed). */
    static final long STEP = 0x9E3779B97F4A7C15L;

    private SamplingSeed() {
    }

    public static long of(String runId, int repetition, int attempt) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < runId.length(); i++) h = mix(h ^ runId.charAt(i));
        return (mix(h ^ attempt) + repetition * STEP) & Long.MAX_VALUE;
    }

    /** The seed of choice {@code index} of a call sent with {@code seed}: the seed of the {@code index}-th next repetition. */
    public static long choice(long seed, int index) {
        return (seed + index * STEP) & Long.MAX_VALUE;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
