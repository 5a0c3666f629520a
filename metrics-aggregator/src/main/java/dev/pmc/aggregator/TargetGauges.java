package dev.pmc.aggregator;

import dev.pmc.core.Foundation;
import dev.pmc.core.Mfq30;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.io.SelfReport;
import dev.pmc.core.metrics.CollapseKind;
import dev.pmc.core.metrics.DistributionSignals;
import dev.pmc.core.metrics.Verdict;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The per-target Prometheus gauges of the aggregator's readings (S, R, ū with SEs overall and per foundation, rolling
 * window, distribution signals, verdict, instruments and self-report). Registered once per registered target (and
 * instrument), read from the latest refresh, removed with the target, so label sets stay bounded.
 */
final class TargetGauges {
    private static final Logger LOG = Logger.getLogger(TargetGauges.class);
    private static final List<String> VERDICTS = Arrays.stream(Verdict.values()).map(Verdict::wire).toList();

    private final MeterRegistry registry;
    private final Map<String, List<Meter.Id>> gauges = new ConcurrentHashMap<>();
    /** Per target|instrument, the pmc_instrument_* and pmc_self_report* meters. */
    private final Map<String, List<Meter.Id>> instrumentGauges = new ConcurrentHashMap<>();
    private volatile Map<String, TargetMetrics> current = Map.of();

    TargetGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Takes a refresh's readings: gauges for new targets and instruments, none for deleted targets. */
    void update(Map<String, TargetMetrics> now) {
        current = now;
        now.keySet().forEach(this::registerGauges);
        now.forEach((t, m) -> {
            if (m.instruments() != null) m.instruments().keySet().forEach(i -> registerInstrumentGauges(t, i));
        });
        for (String t : List.copyOf(gauges.keySet())) if (!now.containsKey(t)) removeGauges(t);
    }

    private void registerGauges(String target) {
        if (gauges.containsKey(target)) return;
        List<Meter.Id> ids = new ArrayList<>();
        gauges.put(target, ids);
        estimateGauges(ids, target, "all", t -> t.susceptibility(), t -> t.susceptibilitySe(), t -> t.robustness(), t -> t.robustnessSe(),
                t -> t.withinSd(), t -> t.withinSdSe());
        for (Foundation f : Foundation.values()) {
            int i = f.ordinal();
            estimateGauges(ids, target, f.key, t -> fd(t, i).susceptibility(), t -> fd(t, i).susceptibilitySe(),
                    t -> fd(t, i).robustness(), t -> fd(t, i).robustnessSe(), t -> fd(t, i).withinSd(), t -> fd(t, i).withinSdSe());
            ids.add(Gauge.builder("pmc_self_foundation_mean", this, s -> s.value(target, t -> t.self() == null ? Double.NaN : t.self().foundationMean().get(f.key)))
                    .tags("target", target, "foundation", f.key).description("Mean rating without persona (latest self run)").register(registry).getId());
        }
        gauge(ids, "pmc_susceptibility_rolling", target, t -> t.rolling() == null ? Double.NaN : t.rolling().susceptibility(),
                "Mean moral susceptibility S over the rolling window of complete runs");
        gauge(ids, "pmc_robustness_rolling", target, t -> t.rolling() == null ? Double.NaN : t.rolling().robustness(),
                "Mean moral robustness R over the rolling window of complete runs");
        gauge(ids, "pmc_rolling_window_runs", target, t -> t.rolling() == null ? 0 : t.rolling().runIds().size(), "Complete runs in the rolling window");
        gauge(ids, "pmc_latest_run_start_timestamp_seconds", target, t -> {
            Long ms = t.runId() == null ? null : RunReadings.startedAtMs(t.runId());
            return ms == null ? Double.NaN : ms / 1000.0;
        }, "Start time of the run behind the current reading (latest complete run)");
        gauge(ids, "pmc_self_ceiling_ratio", target, t -> t.self() == null ? Double.NaN : t.self().ceilingShare(),
                "Share of ratings equal to 5 without persona (latest self run)");
        gauge(ids, "pmc_personas_counted", target, t -> t.personas(), "Personas retained in the latest run (every item rated)");
        gauge(ids, "pmc_reading_calls", target, t -> reading(t, TargetMetrics.RunSummary::calls),
                "Model calls behind the current reading (latest complete persona run, re-asks included)");
        gauge(ids, "pmc_reading_cost_usd", target, t -> reading(t, TargetMetrics.RunSummary::costUsd),
                "Cost of the current reading by the target's price table (USD; 0 without a price)");
        gauge(ids, "pmc_run_ratings_counted", target, t -> t.ratingsCounted(), "Valid ratings counted in the latest run");
        for (RatingOutcome o : RatingOutcome.values()) {
            ids.add(FunctionCounter.builder("pmc_ratings", this, s -> s.value(target, t -> t.ratingsTotal().getOrDefault(o.wire(), 0L)))
                    .tags("target", target, "outcome", o.wire()).description("Rating events received, by outcome").register(registry).getId());
        }
        gauge(ids, "pmc_susceptibility_change_ratio", target, t -> verdict(t, v -> v.deltaSusceptibilityPercent() / 100),
                "S relative to the baseline target's S, minus 1");
        gauge(ids, "pmc_robustness_change_ratio", target, t -> verdict(t, v -> v.deltaRobustnessPercent() / 100), "R relative to the baseline target's R, minus 1");
        gauge(ids, "pmc_susceptibility_change_zscore", target, t -> verdict(t, TargetMetrics.Verdict::zSusceptibility), "z-score of S minus the baseline's S");
        gauge(ids, "pmc_robustness_change_zscore", target, t -> verdict(t, TargetMetrics.Verdict::zRobustness), "z-score of R minus the baseline's R");
        gauge(ids, "pmc_susceptibility_outside_band", target, t -> verdict(t, v -> v.outsideBand() ? 1 : 0), "1 when S is outside the base-model band");
        for (String v : VERDICTS) {
            ids.add(Gauge.builder("pmc_verdict", this, s -> s.value(target, t -> t.comparison() == null ? Double.NaN : v.equals(t.comparison().verdict()) ? 1 : 0))
                    .tags("target", target, "verdict", v).description("1 for the target's current verdict").register(registry).getId());
        }
        for (CollapseKind k : CollapseKind.values()) {
            ids.add(Gauge.builder("pmc_collapse_kind", this, s -> s.value(target, t -> t.comparison() == null ? Double.NaN : k.wire().equals(t.comparison().kind()) ? 1 : 0))
                    .tags("target", target, "kind", k.wire()).description("1 when the target is collapsed with this kind (dispersion: S up and R down; saturation: answers pile on one rating)").register(registry).getId());
        }
        gauge(ids, "pmc_collapse_score", target, t -> verdict(t, TargetMetrics.Verdict::collapseScore),
                "Collapse score against the baseline: max of ln(S/S_base)/ln 1.25 and the entropy drop in bits; 1 at a collapse threshold");
        gauge(ids, "pmc_entropy_change", target, t -> verdict(t, TargetMetrics.Verdict::deltaEntropyBits),
                "Rating entropy minus the baseline's, in bits (-1: half as many ratings in use)");
        gauge(ids, "pmc_entropy_change_zscore", target, t -> verdict(t, TargetMetrics.Verdict::zEntropy), "z-score of the rating entropy minus the baseline's");
        for (int rating = 0; rating <= Mfq30.MAX_RATING; rating++) {
            final int r = rating;
            ids.add(Gauge.builder("pmc_rating_share", this, s -> s.value(target, t -> t.ratingShares() == null ? Double.NaN : t.ratingShares().get(r)))
                    .tags("target", target, "rating", Integer.toString(r))
                    .description("Share of the latest reading's valid ratings on this value (0-5): saturation piles them onto 5").register(registry).getId());
        }
        gauge(ids, "pmc_self_entropy", target, t -> t.self() == null ? Double.NaN : t.self().signals().entropyBits(),
                "Entropy of the ratings without persona (latest self run), in bits");
        signalGauges(ids, target, "all", TargetMetrics::signals, t -> t.comparison() == null ? Double.NaN : t.comparison().divergenceBits(),
                t -> t.comparison() == null ? Double.NaN : t.comparison().personaFidelity());
        for (Foundation f : Foundation.values()) {
            int i = f.ordinal();
            signalGauges(ids, target, f.key, t -> t.foundations().isEmpty() ? null : fd(t, i).signals(), t -> fd(t, i).divergenceBits(),
                    t -> fd(t, i).personaFidelity());
        }
    }

    /**
     * Every instrument's latest reading under one family, labelled by instrument and group (MFQ-30's foundations,
     * BFI-44's domains, "all"): pmc_instrument_susceptibility, _robustness, _within_sd and _score with their _se, the
     * personas counted, and for the self-assessment probe its claim and the self report against the verdict. The
     * pmc_moral_* family stays MFQ-30's (the published method). Registered when an instrument's first reading appears;
     * label values are instrument and group keys from instrument files (bounded by the files), never from events.
     */
    private void registerInstrumentGauges(String target, String instrument) {
        String key = target + "|" + instrument;
        if (instrumentGauges.containsKey(key)) return;
        Instrument in = Instruments.find(instrument);
        if (in == null) return;
        List<Meter.Id> ids = new ArrayList<>();
        instrumentGauges.put(key, ids);
        boolean probe = Instruments.SELF_PROBE.equals(in.name());
        if (probe) {
            ids.add(Gauge.builder("pmc_self_report_claim", this, s -> s.reading(target, instrument, r -> r.claim() == null ? Double.NaN : r.claim()))
                    .tags("target", target, "instrument", instrument).description("Keyed mean of the self-assessment probe's answers (above the scale's middle: claims to be aligned)")
                    .register(registry).getId());
            ids.add(Gauge.builder("pmc_self_report_claim_se", this, s -> s.reading(target, instrument, r -> r.claimSe() == null ? Double.NaN : r.claimSe()))
                    .tags("target", target, "instrument", instrument).description("Standard error of the self-assessment claim").register(registry).getId());
            for (SelfReport.Kind k : SelfReport.Kind.values()) {
                ids.add(Gauge.builder("pmc_self_report", this, s -> s.reading(target, instrument, r -> r.selfReport() == null ? Double.NaN : k.wire().equals(r.selfReport()) ? 1 : 0))
                        .tags("target", target, "report", k.wire())
                        .description("1 for what the self-assessment probe says against the behavioural verdict (inverted: collapsed but claims to be aligned)")
                        .register(registry).getId());
            }
            return;
        }
        ids.add(Gauge.builder("pmc_instrument_personas_counted", this, s -> s.reading(target, instrument, r -> r.personas()))
                .tags("target", target, "instrument", instrument).description("Personas retained in the instrument's latest complete run").register(registry).getId());
        List<String> groups = new ArrayList<>();
        groups.add("all");
        in.groups().forEach(g -> groups.add(g.key()));
        for (String g : groups) {
            instrumentGauge(ids, "pmc_instrument_susceptibility", target, instrument, g, TargetMetrics.GroupReading::susceptibility, "Susceptibility S of the instrument's latest run (SD over personas of cell means)");
            instrumentGauge(ids, "pmc_instrument_susceptibility_se", target, instrument, g, TargetMetrics.GroupReading::susceptibilitySe, "Bootstrap standard error of S");
            instrumentGauge(ids, "pmc_instrument_robustness", target, instrument, g, TargetMetrics.GroupReading::robustness, "Robustness R = 1/ū of the instrument's latest run");
            instrumentGauge(ids, "pmc_instrument_robustness_se", target, instrument, g, TargetMetrics.GroupReading::robustnessSe, "Bootstrap standard error of R");
            instrumentGauge(ids, "pmc_instrument_within_sd", target, instrument, g, TargetMetrics.GroupReading::withinSd, "Mean within-persona rating SD ū of the instrument's latest run");
            instrumentGauge(ids, "pmc_instrument_within_sd_se", target, instrument, g, TargetMetrics.GroupReading::withinSdSe, "Bootstrap standard error of ū");
            instrumentGauge(ids, "pmc_instrument_score", target, instrument, g, TargetMetrics.GroupReading::score, "Mean keyed rating of the group (reverse-keyed items as max + min - y; NaN for MFQ-30)");
            instrumentGauge(ids, "pmc_instrument_score_se", target, instrument, g, TargetMetrics.GroupReading::scoreSe, "Bootstrap standard error of the group score");
        }
    }

    private void instrumentGauge(List<Meter.Id> ids, String name, String target, String instrument, String group,
                                 ToDoubleFunction<TargetMetrics.GroupReading> f, String help) {
        ids.add(Gauge.builder(name, this, s -> s.reading(target, instrument, r -> {
                    for (TargetMetrics.GroupReading g : r.groups()) if (g.group().equals(group)) return f.applyAsDouble(g);
                    return Double.NaN;
                })).tags("target", target, "instrument", instrument, "group", group).description(help).register(registry).getId());
    }

    private double reading(String target, String instrument, ToDoubleFunction<TargetMetrics.InstrumentReading> f) {
        TargetMetrics t = current.get(target);
        TargetMetrics.InstrumentReading r = t == null || t.instruments() == null ? null : t.instruments().get(instrument);
        return r == null ? Double.NaN : f.applyAsDouble(r);
    }

    /** A deleted target's meters go with it (label sets stay bounded to registered targets). */
    private void removeGauges(String target) {
        List<Meter.Id> ids = gauges.remove(target);
        if (ids != null) ids.forEach(registry::remove);
        for (String key : List.copyOf(instrumentGauges.keySet())) {
            if (key.startsWith(target + "|")) instrumentGauges.remove(key).forEach(registry::remove);
        }
        LOG.infof("target %s is no longer registered: its meters are removed", target);
    }

    /** Distribution-signal gauges of one target and foundation ("all" for every item). */
    private void signalGauges(List<Meter.Id> ids, String target, String foundation, java.util.function.Function<TargetMetrics, DistributionSignals> sig,
                              ToDoubleFunction<TargetMetrics> divergence, ToDoubleFunction<TargetMetrics> fidelity) {
        gauge(ids, "pmc_ceiling_share", target, foundation, t -> signal(sig.apply(t), DistributionSignals::ceilingShare), "Share of ratings at the top of the scale (5) in the latest run");
        gauge(ids, "pmc_ceiling_share_se", target, foundation, t -> signal(sig.apply(t), DistributionSignals::ceilingShareSe), "Bootstrap standard error of the ceiling share");
        gauge(ids, "pmc_floor_share", target, foundation, t -> signal(sig.apply(t), DistributionSignals::floorShare), "Share of ratings at the bottom of the scale (0) in the latest run");
        gauge(ids, "pmc_floor_share_se", target, foundation, t -> signal(sig.apply(t), DistributionSignals::floorShareSe), "Bootstrap standard error of the floor share");
        gauge(ids, "pmc_rating_entropy", target, foundation, t -> signal(sig.apply(t), DistributionSignals::entropyBits), "Shannon entropy of the rating distribution of the latest run, in bits");
        gauge(ids, "pmc_rating_entropy_se", target, foundation, t -> signal(sig.apply(t), DistributionSignals::entropyBitsSe), "Bootstrap standard error of the rating entropy, in bits");
        gauge(ids, "pmc_mode_share", target, foundation, t -> signal(sig.apply(t), DistributionSignals::modeShare), "Share of ratings on the most used rating in the latest run");
        gauge(ids, "pmc_mode_share_se", target, foundation, t -> signal(sig.apply(t), DistributionSignals::modeShareSe), "Bootstrap standard error of the mode share");
        gauge(ids, "pmc_rating_divergence", target, foundation, divergence, "Mean per-item Jensen-Shannon divergence of the ratings from the baseline's, in bits");
        gauge(ids, "pmc_persona_fidelity", target, foundation, fidelity, "Mean per-item correlation over personas of cell means with the baseline's (1: personas keep their profiles)");
    }

    /** A figure of the run behind the current reading, NaN before there is one. */
    private static double reading(TargetMetrics t, ToDoubleFunction<TargetMetrics.RunSummary> f) {
        if (t.runId() == null || t.runs() == null) return Double.NaN;
        return t.runs().stream().filter(r -> t.runId().equals(r.runId())).findFirst().map(f::applyAsDouble).orElse(Double.NaN);
    }

    private static double signal(DistributionSignals s, ToDoubleFunction<DistributionSignals> f) {
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private static TargetMetrics.FoundationMetrics fd(TargetMetrics t, int i) {
        return t.foundations().isEmpty() ? NAN_FOUNDATION : t.foundations().get(i);
    }

    private static final TargetMetrics.FoundationMetrics NAN_FOUNDATION = new TargetMetrics.FoundationMetrics("", "",
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, Double.NaN, Double.NaN);

    private static double verdict(TargetMetrics t, ToDoubleFunction<TargetMetrics.Verdict> f) {
        return t.comparison() == null ? Double.NaN : f.applyAsDouble(t.comparison());
    }

    private void estimateGauges(List<Meter.Id> ids, String target, String foundation, ToDoubleFunction<TargetMetrics> s, ToDoubleFunction<TargetMetrics> sSe,
                                ToDoubleFunction<TargetMetrics> r, ToDoubleFunction<TargetMetrics> rSe,
                                ToDoubleFunction<TargetMetrics> u, ToDoubleFunction<TargetMetrics> uSe) {
        gauge(ids, "pmc_moral_susceptibility", target, foundation, s, "Moral susceptibility S of the latest run");
        gauge(ids, "pmc_moral_susceptibility_se", target, foundation, sSe, "Bootstrap standard error of S");
        gauge(ids, "pmc_moral_robustness", target, foundation, r, "Moral robustness R = 1/ū of the latest run");
        gauge(ids, "pmc_moral_robustness_se", target, foundation, rSe, "Bootstrap standard error of R");
        gauge(ids, "pmc_within_persona_sd", target, foundation, u, "Mean within-persona rating SD ū of the latest run");
        gauge(ids, "pmc_within_persona_sd_se", target, foundation, uSe, "Bootstrap standard error of ū");
    }

    private void gauge(List<Meter.Id> ids, String name, String target, String foundation, ToDoubleFunction<TargetMetrics> fn, String help) {
        ids.add(Gauge.builder(name, this, s -> s.value(target, fn)).tags("target", target, "foundation", foundation)
                .description(help).register(registry).getId());
    }

    private void gauge(List<Meter.Id> ids, String name, String target, ToDoubleFunction<TargetMetrics> fn, String help) {
        ids.add(Gauge.builder(name, this, s -> s.value(target, fn)).tag("target", target).description(help).register(registry).getId());
    }

    private double value(String target, ToDoubleFunction<TargetMetrics> fn) {
        TargetMetrics t = current.get(target);
        return t == null ? Double.NaN : fn.applyAsDouble(t);
    }
}
