package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;

import java.util.EnumMap;
import java.util.Map;

/**
 * Answers without a persona: per-foundation mean rating with its standard error, the ceiling share (the fraction
 * of valid ratings equal to 5, the saturation signature of emergently misaligned fine-tunes) and the distribution
 * signals of all its ratings with response-bootstrap SEs.
 * The foundation mean is the mean of its items' means, m_f = (1/Q_f) Σ_q ȳ_q, with
 * SE(m_f) = (1/Q_f) √(Σ_q s_q² / n_q) (items fixed, ratings within an item independent).
 */
public record SelfProfile(long ratings, double ceilingShare, Map<Foundation, Double> foundationMean,
                          Map<Foundation, Double> foundationMeanSe, DistributionSignals signals) {

    public static SelfProfile of(PersonaStats self) {
        return of(self, Bootstrap.DEFAULT_SEED);
    }

    public static SelfProfile of(PersonaStats self, long seed) {
        Map<Foundation, Double> means = new EnumMap<>(Foundation.class);
        Map<Foundation, Double> ses = new EnumMap<>(Foundation.class);
        long total = 0;
        for (Foundation f : Foundation.values()) {
            double sum = 0, var = 0;
            int items = 0;
            for (int q : MoralMetrics.itemsOf(f)) {
                int n = self.getN()[q];
                total += n;
                if (n == 0) continue;
                items++;
                sum += self.getMean()[q];
                // an exact (logprob) cell mean has no sampling error
                double sd = self.getExactSd() != null ? 0 : Welford.sampleSd(n, self.getM2()[q]);
                var += sd * sd / n;
            }
            means.put(f, items == 0 ? Double.NaN : sum / items);
            ses.put(f, items == 0 ? Double.NaN : Math.sqrt(var) / items);
        }
        long fives = self.getHistogram()[5];
        return new SelfProfile(total, total == 0 ? Double.NaN : (double) fives / total, means, ses, Bootstrap.selfSignals(self, seed));
    }
}
