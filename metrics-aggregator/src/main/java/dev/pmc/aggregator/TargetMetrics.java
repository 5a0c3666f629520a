package dev.pmc.aggregator;

import dev.pmc.core.metrics.DistributionSignals;
import dev.pmc.core.events.RunDecision;
import dev.pmc.core.instruments.Instruments;

import java.util.List;
import java.util.Map;

/**
 * What the aggregator reports for one target: S, R, ū with bootstrap SEs overall and per foundation for its
 * latest run with personas, the distribution signals of its ratings, the comparison with its baseline target, the
 * self profile of its latest run without persona, and rating counts. SEs are recomputed at most every uncertainty
 * interval; {@code seRatings} is the number of valid ratings they were computed from (equal to
 * {@code ratingsCounted} once settled). {@code ratingShares}: the latest reading's share of valid ratings on 0, 1, …, 5
 * (the saturation picture; null without a reading).
 */
public record TargetMetrics(String target, String runId, int personas, int questions,
                            double susceptibility, double susceptibilitySe, double robustness, double robustnessSe,
                            double withinSd, double withinSdSe, long seRatings, DistributionSignals signals,
                            List<FoundationMetrics> foundations, Verdict comparison,
                            long ratingsCounted, Map<String, Long> ratingsTotal, SelfView self, List<RunSummary> runs,
                            Rolling rolling, java.util.Map<String, InstrumentReading> instruments, List<Double> ratingShares) {

    /**
     * The latest complete reading of one instrument (see {@link Instruments}): for MFQ-30 the
     * reading above by foundation; for other instruments S, R, ū and the keyed score with bootstrap SEs overall ("all")
     * and per group (BFI-44's domains), from their own runs; for the self-assessment probe (asked without persona) the
     * keyed claim ± SE and how it stands against the behavioural verdict ({@code selfReport}: coherent, inverted,
     * self_critical, unknown).
     */
    public record InstrumentReading(String instrument, String runId, String groupKind, int personas, long validRatings,
                                    long invalidRatings, List<GroupReading> groups, Double claim, Double claimSe, String selfReport) {
    }

    /** One group's estimates ("all" for every item); score is the mean keyed rating. */
    public record GroupReading(String group, String label, double susceptibility, double susceptibilitySe, double robustness,
                               double robustnessSe, double withinSd, double withinSdSe, double score, double scoreSe) {
    }

    /** Mean S and R over the last complete persona runs (the window's runIds, oldest first). */
    public record Rolling(int windowRuns, double windowHours, List<String> runIds, double susceptibility, double robustness) {
    }

    public record FoundationMetrics(String foundation, String label, double susceptibility, double susceptibilitySe,
                                    double robustness, double robustnessSe, double withinSd, double withinSdSe,
                                    DistributionSignals signals, double divergenceBits, double personaFidelity) {
    }

    /**
     * Against the baseline target (null fields when it has none): Δ% = 100·(this/base − 1), z from the SEs, the
     * change of the rating entropy and ceiling share, the divergence signals, the collapse score and its parts,
     * and the verdict (consistent, drifting, collapsed, insufficient) with its kind (dispersion, saturation, null);
     * selfReport: what the target's latest self-assessment probe says against this verdict (null without a probe reading).
     */
    public record Verdict(String baseline, String baselineRunId, double deltaSusceptibilityPercent,
                          double deltaRobustnessPercent, double deltaInverseRobustnessPercent, double zSusceptibility,
                          double zRobustness, boolean outsideBand, double bandLow, double bandHigh,
                          double deltaEntropyBits, double zEntropy, double deltaCeilingShare, double zCeilingShare,
                          double deltaModeShare, double divergenceBits, double divergenceBitsSe, double personaFidelity,
                          double personaFidelitySe, double dispersionScore, double saturationScore, double collapseScore,
                          String verdict, String kind, String selfReport) {
    }

    /** Answers without persona: mean per foundation with SE, share of ratings equal to 5, distribution signals. */
    public record SelfView(String runId, long ratings, double ceilingShare, Map<String, Double> foundationMean,
                           Map<String, Double> foundationMeanSe, DistributionSignals signals) {
    }

    /**
     * One run of the target. personasSeen: personas with any rating; personasCounted: those retained (every
     * item has a valid rating); validRatings: slots counted; settledSlots: slots with a valid rating or failed at
     * their last attempt (the run is complete when this reaches its slot count); failedSlots; outcomes: rating
     * events per outcome (every attempt); duplicates: valid ratings for already counted slots; calls: model calls
     * behind the run (rating events, one per call, redelivered valid ones not again); costUsd: their cost by the
     * target's price table (0 without one); sequential: a sequential run's latest stage decision (null otherwise);
     * instrument: what the run asked (mfq30, bfi44, self-probe, ...); S and R are over all its items (NaN for self runs).
     */
    public record RunSummary(String runId, boolean self, int personasSeen, int personasCounted, long validRatings,
                             long settledSlots, long failedSlots, Map<String, Long> outcomes, long duplicates,
                             Long slots, boolean complete, double susceptibility, double robustness, long calls, double costUsd,
                             RunDecision sequential, String instrument, Trend trend) {
        /** With a sequential run's latest stage decision (its progress: stage, calls, estimate and intervals). */
        RunSummary withSequential(RunDecision d) {
            return new RunSummary(runId, self, personasSeen, personasCounted, validRatings, settledSlots, failedSlots, outcomes, duplicates,
                    slots, complete, susceptibility, robustness, calls, costUsd, d, instrument, trend);
        }

        /** With the run's collapse score against the target's baseline. */
        RunSummary withCollapseScore(double score) {
            return trend == null ? this : new RunSummary(runId, self, personasSeen, personasCounted, validRatings, settledSlots, failedSlots,
                    outcomes, duplicates, slots, complete, susceptibility, robustness, calls, costUsd, sequential, instrument, trend.withScore(score));
        }
    }

    /**
     * What the live page's trend charts draw for a complete MFQ-30 persona run: when it started (from its id), the SEs
     * of S and R, the entropy of its ratings ± SE, and its collapse score against the target's baseline's latest reading
     * (null without a baseline). The latest run's score is the verdict's own.
     */
    public record Trend(long startedAtMs, double susceptibilitySe, double robustnessSe, double entropyBits, double entropyBitsSe,
                        Double collapseScore) {
        Trend withScore(double score) {
            return new Trend(startedAtMs, susceptibilitySe, robustnessSe, entropyBits, entropyBitsSe, Double.isFinite(score) ? score : null);
        }
    }
}
