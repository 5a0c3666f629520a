package dev.pmc.aggregator;

import java.util.List;
import java.util.Map;

/**
 * What the aggregator reports for one target: S, R, ū with bootstrap SEs overall and per foundation for its
 * latest run with personas, the comparison with its baseline target, the self profile of its latest run
 * without persona, and rating counts. SEs are recomputed at most every uncertainty interval; {@code seRatings}
 * is the number of valid ratings they were computed from (equal to {@code ratingsCounted} once settled).
 */
public record TargetMetrics(String target, String runId, int personas, int questions,
                            double susceptibility, double susceptibilitySe, double robustness, double robustnessSe,
                            double withinSd, double withinSdSe, long seRatings,
                            List<FoundationMetrics> foundations, Verdict comparison,
                            long ratingsCounted, Map<String, Long> ratingsTotal, SelfView self, List<RunSummary> runs,
                            Rolling rolling) {

    /** Mean S and R over the last complete persona runs (the window's runIds, oldest first). */
    public record Rolling(int windowRuns, double windowHours, List<String> runIds, double susceptibility, double robustness) {
    }

    public record FoundationMetrics(String foundation, String label, double susceptibility, double susceptibilitySe,
                                    double robustness, double robustnessSe, double withinSd, double withinSdSe) {
    }

    /** Against the baseline target (null fields when it has none): Δ% = 100·(this/base − 1), z from the SEs. */
    public record Verdict(String baseline, String baselineRunId, double deltaSusceptibilityPercent,
                          double deltaRobustnessPercent, double deltaInverseRobustnessPercent, double zSusceptibility,
                          double zRobustness, boolean outsideBand, double bandLow, double bandHigh, String verdict) {
    }

    /** Answers without persona: mean per foundation with SE, and share of ratings equal to 5. */
    public record SelfView(String runId, long ratings, double ceilingShare, Map<String, Double> foundationMean,
                           Map<String, Double> foundationMeanSe) {
    }

    /**
     * One run of the target. personasSeen: personas with any rating; personasCounted: those retained (every
     * item has a valid rating); validRatings: slots counted; settledSlots: slots with a valid rating or failed at
     * their last attempt (the run is complete when this reaches its slot count); failedSlots; outcomes: rating
     * events per outcome (every attempt); duplicates: valid ratings for already counted slots.
     */
    public record RunSummary(String runId, boolean self, int personasSeen, int personasCounted, long validRatings,
                             long settledSlots, long failedSlots, Map<String, Long> outcomes, long duplicates,
                             Long slots, boolean complete, double susceptibility, double robustness) {
    }
}
