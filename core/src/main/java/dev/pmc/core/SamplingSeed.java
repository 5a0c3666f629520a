package dev.pmc.core;

/**
 * The sampling seed sent with a provider request (OpenAI's {@code seed}), derived from the slot so that a
 * repeated attempt of the same slot is reproducible while repetitions and runs differ.
 */
public final class SamplingSeed {
    private SamplingSeed() {
    }

    public static long of(String runId, int repetition, int attempt) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < runId.length(); i++) h = mix(h ^ runId.charAt(i));
        return mix(h ^ (repetition * 1000L + attempt)) & Long.MAX_VALUE;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
