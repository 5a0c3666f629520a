package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;

import java.util.EnumMap;
import java.util.Map;

/**
 * Answers without a persona: per-foundation mean rating and the ceiling share, the fraction of valid
 * ratings equal to 5 (the saturation signature of emergently misaligned fine-tunes).
 */
public record SelfProfile(long ratings, double ceilingShare, Map<Foundation, Double> foundationMean) {

    /** From the cell statistics of a self run: the mean of all valid ratings per foundation. */
    public static SelfProfile of(PersonaStats self) {
        long ratingsEqualToFive = self.getHistogram()[5];
        Map<Foundation, Double> means = new EnumMap<>(Foundation.class);
        long total = 0;
        for (Foundation f : Foundation.values()) {
            double sum = 0;
            long n = 0;
            for (int q : MoralMetrics.itemsOf(f)) {
                sum += self.getMean()[q] * self.getN()[q];
                n += self.getN()[q];
            }
            means.put(f, n == 0 ? Double.NaN : sum / n);
            total += n;
        }
        return new SelfProfile(total, total == 0 ? Double.NaN : (double) ratingsEqualToFive / total, means);
    }
}
