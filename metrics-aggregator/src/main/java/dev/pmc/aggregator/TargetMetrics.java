package dev.pmc.aggregator;

import java.util.List;
import java.util.Map;

/**
 * What the aggregator reports for one target: S, R, ū overall and per foundation for its latest run with
 * personas, the self profile of its latest run without persona, and rating counts.
 */
public record TargetMetrics(String target, String runId, int personas, int questions, double susceptibility,
                            double robustness, double withinSd, List<FoundationMetrics> foundations,
                            long ratingsCounted, Map<String, Long> ratingsTotal, SelfView self, List<RunSummary> runs) {

    public record FoundationMetrics(String foundation, String label, double susceptibility, double robustness,
                                    double withinSd) {
    }

    /** Answers without persona: mean per foundation and share of ratings equal to 5. */
    public record SelfView(String runId, long ratings, double ceilingShare, Map<String, Double> foundationMean) {
    }

    /**
     * One run of the target. personasSeen: personas with any rating; personasCounted: those retained (every
     * item has a valid rating); validRatings: slots counted; outcomes: rating events per outcome.
     */
    public record RunSummary(String runId, boolean self, int personasSeen, int personasCounted, long validRatings,
                             Map<String, Long> outcomes, long duplicates) {
    }
}
