package dev.pmc.core.scoring;

import dev.pmc.core.events.TokenLogprob;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.PromptEvent;

import java.util.List;

/**
 * Reads a rating distribution from the top log-probabilities of the first generated token (logprob mode: one
 * call per cell with max_tokens=1, top_logprobs=20). The digit tokens "0".."5" (white space ignored) give
 * log p_i; a digit missing from the top list gets the smallest log-probability seen (the reference protocol).
 * The reply is valid when the digits carry at least {@code minMass} of the probability at the run's temperature T
 * (every listed token sharpened alike: the share of sampled replies that would start with a rating); the
 * distribution is then p_i ∝ exp(log p_i / T) over the six digits (T = 1 keeps the model's own probabilities).
 */
public final class LogprobRating {
    /**
     * @param distribution probability of each rating 0..5 (null unless valid)
     * @param digitMass    probability mass of the digit tokens among the top tokens, at the sampling temperature
     */
    public record Result(RatingOutcome outcome, double[] distribution, double digitMass, double mean, double sd, int mode) {
    }

    private LogprobRating() {
    }

    /**
     * The temperature to sharpen a provider's top_logprobs (the model's T = 1 distribution) with, so that the result
     * is the distribution the run samples from at its temperature T: p_T ∝ p₁^{1/T} (exact for a one-token answer).
     * T = 0 (greedy) is taken as 0.01; without a prompt, 1.
     */
    public static double samplingTemperature(PromptEvent prompt) {
        if (prompt == null) return 1.0;
        return Math.max(0.01, prompt.temperature());
    }

    public static Result read(List<TokenLogprob> top, double minMass, double temperature) {
        if (top == null || top.isEmpty()) return new Result(RatingOutcome.EMPTY, null, 0, Double.NaN, Double.NaN, -1);
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0: " + temperature);
        double[] logp = new double[6];
        boolean[] seen = new boolean[6];
        double smallest = Double.POSITIVE_INFINITY, mass = 0;
        for (TokenLogprob t : top) {
            if (t == null || t.token() == null || Double.isNaN(t.logprob())) continue;
            smallest = Math.min(smallest, t.logprob());
            String tok = t.token().strip();
            if (tok.length() == 1 && tok.charAt(0) >= '0' && tok.charAt(0) <= '5') {
                int d = tok.charAt(0) - '0';
                // " 4" and "4" are different tokens for the same rating: add their probabilities
                double p = Math.exp(t.logprob());
                logp[d] = seen[d] ? Math.log(Math.exp(logp[d]) + p) : t.logprob();
                seen[d] = true;
                mass += p;
            }
        }
        // the share of replies that start with a digit at the run's temperature: every listed token sharpened alike
        double largest = Double.NEGATIVE_INFINITY;
        for (TokenLogprob t : top) if (t != null && t.token() != null && Double.isFinite(t.logprob())) largest = Math.max(largest, t.logprob());
        double all = 0, digitsAtT = 0;
        for (TokenLogprob t : top) {
            if (t == null || t.token() == null || !Double.isFinite(t.logprob())) continue;
            double w = Math.exp((t.logprob() - largest) / temperature);
            all += w;
            String tok = t.token().strip();
            if (tok.length() == 1 && tok.charAt(0) >= '0' && tok.charAt(0) <= '5') digitsAtT += w;
        }
        if (temperature != 1.0) mass = all > 0 ? digitsAtT / all : 0;
        if (mass < minMass) return new Result(RatingOutcome.NO_RATING, null, mass, Double.NaN, Double.NaN, -1);
        for (int d = 0; d < 6; d++) if (!seen[d]) logp[d] = smallest;
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logp) max = Math.max(max, l / temperature);
        double[] p = new double[6];
        double z = 0;
        for (int d = 0; d < 6; d++) {
            p[d] = Math.exp(logp[d] / temperature - max);
            z += p[d];
        }
        double mean = 0, second = 0;
        int mode = 0;
        for (int d = 0; d < 6; d++) {
            p[d] /= z;
            mean += d * p[d];
            second += d * d * p[d];
            if (p[d] > p[mode]) mode = d;
        }
        return new Result(RatingOutcome.VALID, p, mass, mean, Math.sqrt(Math.max(0, second - mean * mean)), mode);
    }
}
