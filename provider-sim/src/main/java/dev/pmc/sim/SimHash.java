package dev.pmc.sim;

import java.nio.charset.StandardCharsets;

/** Deterministic 64-bit hashing and the uniform/normal draws derived from it (SplitMix64 finalizer). */
final class SimHash {
    private SimHash() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long of(long seed, String s) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) h = mix(h ^ (x & 0xff)) + 0x9E3779B97F4A7C15L;
        return mix(h ^ b.length);
    }

    static long of(long seed, long v) {
        return mix(mix(seed ^ 0x9E3779B97F4A7C15L) ^ v);
    }

    /** Uniform in [0, 1). */
    static double uniform(long h) {
        return (mix(h) >>> 11) * 0x1.0p-53;
    }

    /** Standard normal via Box-Muller from two derived uniforms. */
    static double normal(long h) {
        double u1 = uniform(h);
        double u2 = uniform(h ^ 0x5DEECE66DL);
        if (u1 < 1e-300) u1 = 1e-300;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
