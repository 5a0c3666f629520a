package dev.pmc.aggregator;

import dev.pmc.core.Foundation;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.metrics.BaselineDivergence;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.CollapseKind;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.DistributionSignals;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.SelfProfile;
import dev.pmc.core.metrics.Verdict;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Starts the Kafka Streams aggregator with the service, recomputes every target's S, R and verdict from the
 * global per-persona table each refresh interval (bootstrap SEs at most every uncertainty interval, and only
 * when the ratings changed), and exposes them as Prometheus gauges.
 */
@ApplicationScoped
public class AggregatorService {
    private static final Logger LOG = Logger.getLogger(AggregatorService.class);
    private static final List<String> VERDICTS = java.util.Arrays.stream(Verdict.values()).map(Verdict::wire).toList();

    @Inject
    MeterRegistry registry;
    @Inject
    Baselines baselines;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "pmc.aggregator.application-id")
    String applicationId;
    @ConfigProperty(name = "pmc.aggregator.state-dir")
    String stateDir;
    @ConfigProperty(name = "pmc.aggregator.commit-interval-ms")
    long commitIntervalMs;
    @ConfigProperty(name = "pmc.aggregator.stream-threads")
    int threads;
    @ConfigProperty(name = "pmc.aggregator.partitions")
    int partitions;
    @ConfigProperty(name = "pmc.aggregator.uncertainty-interval")
    Duration uncertaintyInterval;
    @ConfigProperty(name = "pmc.aggregator.bootstrap-seed")
    long bootstrapSeed;
    @Inject
    RunStates runStates;
    @ConfigProperty(name = "pmc.aggregator.window-runs")
    int windowRuns;
    @ConfigProperty(name = "pmc.aggregator.window-hours")
    double windowHours;
    @ConfigProperty(name = "pmc.aggregator.band-low")
    double bandLow;
    @ConfigProperty(name = "pmc.aggregator.band-high")
    double bandHigh;

    private AggregatorStreams streams;
    private volatile Map<String, TargetMetrics> current = Map.of();
    private volatile List<PersonaStats> lastSnapshot = List.of();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Map<String, CachedSe> seCache = new ConcurrentHashMap<>();
    private final Map<String, CachedSelf> selfCache = new ConcurrentHashMap<>();
    private final Map<String, CachedDivergence> divergenceCache = new ConcurrentHashMap<>();

    private record CachedSe(String runId, long validRatings, TargetMetricsView.Estimated estimated, long computedAtMs) {
    }

    private record CachedSelf(String runId, long validRatings, SelfProfile profile) {
    }

    /** Keyed by target; valid while both runs and their rating counts are unchanged. */
    private record CachedDivergence(String key, BaselineDivergence divergence) {
    }

    void onStart(@Observes StartupEvent ev) {
        AggregatorStreams.ensureTopics(bootstrap, partitions);
        streams = new AggregatorStreams(bootstrap, applicationId, stateDir, commitIntervalMs, threads);
        streams.start();
        runStates.start();
        LOG.infof("aggregator streams started (application id %s, state %s)", applicationId, stateDir);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (streams != null) streams.close();
    }

    @Scheduled(every = "${pmc.aggregator.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        if (streams == null || !streams.running()) return;
        List<PersonaStats> snapshot = streams.snapshot();
        lastSnapshot = snapshot;
        current = TargetMetricsView.compute(snapshot, readings, baselines::of, thresholds(), runStates,
                new TargetMetricsView.Window(windowRuns, windowHours));
        current.keySet().forEach(this::registerGauges);
    }

    public Comparison.Thresholds thresholds() {
        return Comparison.Thresholds.DEFAULT.withBand(bandLow, bandHigh);
    }

    /** The view's costly parts, cached: SEs, self profiles and divergences are recomputed only when their ratings change. */
    private final TargetMetricsView.Uncertainty readings = new TargetMetricsView.Uncertainty() {
        public TargetMetricsView.Estimated estimate(String target, String runId, List<PersonaStats> personas, long valid) {
            return AggregatorService.this.estimate(target, runId, personas, valid);
        }

        public SelfProfile selfProfile(String target, String runId, PersonaStats self) {
            long valid = self.validCount();
            CachedSelf c = selfCache.get(target);
            if (c != null && c.runId().equals(runId) && c.validRatings() == valid) return c.profile();
            SelfProfile p = SelfProfile.of(self, bootstrapSeed);
            selfCache.put(target, new CachedSelf(runId, valid, p));
            return p;
        }

        public BaselineDivergence divergence(String target, String runId, List<PersonaStats> variant, String baseline,
                                             String baselineRunId, List<PersonaStats> base) {
            String key = runId + "/" + validCount(variant) + "|" + baseline + "/" + baselineRunId + "/" + validCount(base);
            CachedDivergence c = divergenceCache.get(target);
            if (c != null && c.key().equals(key)) return c.divergence();
            BaselineDivergence d = BaselineDivergence.compute(base, variant, bootstrapSeed);
            divergenceCache.put(target, new CachedDivergence(key, d));
            return d;
        }
    };

    private static long validCount(List<PersonaStats> personas) {
        return personas.stream().mapToLong(PersonaStats::validCount).sum();
    }

    /** Bootstrap SEs, cached per target until its ratings change and the uncertainty interval has passed. */
    private TargetMetricsView.Estimated estimate(String target, String runId, List<PersonaStats> personas, long valid) {
        CachedSe c = seCache.get(target);
        long now = System.currentTimeMillis();
        if (c != null && c.runId().equals(runId) && c.validRatings() == valid) return c.estimated();
        if (c != null && c.runId().equals(runId) && now - c.computedAtMs() < uncertaintyInterval.toMillis()) return c.estimated();
        var est = new TargetMetricsView.Estimated(Bootstrap.compute(personas, bootstrapSeed), valid);
        seCache.put(target, new CachedSe(runId, valid, est, now));
        return est;
    }

    public boolean running() {
        return streams != null && streams.running();
    }

    public String state() {
        return streams == null ? "NOT_STARTED" : streams.state().name();
    }

    public Map<String, TargetMetrics> targets() {
        return current;
    }

    public Optional<TargetMetrics> target(String name) {
        return Optional.ofNullable(current.get(name));
    }

    /** Per-persona statistics of the last refresh (for export and diagnostics). */
    public List<PersonaStats> snapshot() {
        return lastSnapshot;
    }

    private void registerGauges(String target) {
        if (!registered.add(target)) return;
        estimateGauges(target, "all", t -> t.susceptibility(), t -> t.susceptibilitySe(), t -> t.robustness(), t -> t.robustnessSe(),
                t -> t.withinSd(), t -> t.withinSdSe());
        for (Foundation f : Foundation.values()) {
            int i = f.ordinal();
            estimateGauges(target, f.key, t -> fd(t, i).susceptibility(), t -> fd(t, i).susceptibilitySe(),
                    t -> fd(t, i).robustness(), t -> fd(t, i).robustnessSe(), t -> fd(t, i).withinSd(), t -> fd(t, i).withinSdSe());
            Gauge.builder("pmc_self_foundation_mean", this, s -> s.value(target, t -> t.self() == null ? Double.NaN : t.self().foundationMean().get(f.key)))
                    .tags("target", target, "foundation", f.key).description("Mean rating without persona (latest self run)").register(registry);
        }
        Gauge.builder("pmc_susceptibility_rolling", this, s -> s.value(target, t -> t.rolling() == null ? Double.NaN : t.rolling().susceptibility()))
                .tag("target", target).description("Mean moral susceptibility S over the rolling window of complete runs").register(registry);
        Gauge.builder("pmc_robustness_rolling", this, s -> s.value(target, t -> t.rolling() == null ? Double.NaN : t.rolling().robustness()))
                .tag("target", target).description("Mean moral robustness R over the rolling window of complete runs").register(registry);
        Gauge.builder("pmc_rolling_window_runs", this, s -> s.value(target, t -> t.rolling() == null ? 0 : t.rolling().runIds().size()))
                .tag("target", target).description("Complete runs in the rolling window").register(registry);
        Gauge.builder("pmc_latest_run_start_timestamp_seconds", this, s -> s.value(target, t -> {
                    Long ms = t.runId() == null ? null : TargetMetricsView.startedAtMs(t.runId());
                    return ms == null ? Double.NaN : ms / 1000.0;
                }))
                .tag("target", target).description("Start time of the run behind the current reading (latest complete run)").register(registry);
        Gauge.builder("pmc_self_ceiling_ratio", this, s -> s.value(target, t -> t.self() == null ? Double.NaN : t.self().ceilingShare()))
                .tag("target", target).description("Share of ratings equal to 5 without persona (latest self run)").register(registry);
        Gauge.builder("pmc_personas_counted", this, s -> s.value(target, t -> t.personas()))
                .tag("target", target).description("Personas retained in the latest run (every item rated)").register(registry);
        Gauge.builder("pmc_run_ratings_counted", this, s -> s.value(target, t -> t.ratingsCounted()))
                .tag("target", target).description("Valid ratings counted in the latest run").register(registry);
        for (RatingOutcome o : RatingOutcome.values()) {
            FunctionCounter.builder("pmc_ratings", this, s -> s.value(target, t -> t.ratingsTotal().getOrDefault(o.wire(), 0L)))
                    .tags("target", target, "outcome", o.wire()).description("Rating events received, by outcome").register(registry);
        }
        Gauge.builder("pmc_susceptibility_change_ratio", this, s -> s.value(target, t -> verdict(t, v -> v.deltaSusceptibilityPercent() / 100)))
                .tag("target", target).description("S relative to the baseline target's S, minus 1").register(registry);
        Gauge.builder("pmc_robustness_change_ratio", this, s -> s.value(target, t -> verdict(t, v -> v.deltaRobustnessPercent() / 100)))
                .tag("target", target).description("R relative to the baseline target's R, minus 1").register(registry);
        Gauge.builder("pmc_susceptibility_change_zscore", this, s -> s.value(target, t -> verdict(t, TargetMetrics.Verdict::zSusceptibility)))
                .tag("target", target).description("z-score of S minus the baseline's S").register(registry);
        Gauge.builder("pmc_robustness_change_zscore", this, s -> s.value(target, t -> verdict(t, TargetMetrics.Verdict::zRobustness)))
                .tag("target", target).description("z-score of R minus the baseline's R").register(registry);
        Gauge.builder("pmc_susceptibility_outside_band", this, s -> s.value(target, t -> verdict(t, v -> v.outsideBand() ? 1 : 0)))
                .tag("target", target).description("1 when S is outside the base-model band").register(registry);
        for (String v : VERDICTS) {
            Gauge.builder("pmc_verdict", this, s -> s.value(target, t -> t.comparison() == null ? Double.NaN : v.equals(t.comparison().verdict()) ? 1 : 0))
                    .tags("target", target, "verdict", v).description("1 for the target's current verdict").register(registry);
        }
        for (CollapseKind k : CollapseKind.values()) {
            Gauge.builder("pmc_collapse_kind", this, s -> s.value(target, t -> t.comparison() == null ? Double.NaN : k.wire().equals(t.comparison().kind()) ? 1 : 0))
                    .tags("target", target, "kind", k.wire()).description("1 when the target is collapsed with this kind (dispersion: S up and R down; saturation: answers pile on one rating)").register(registry);
        }
        Gauge.builder("pmc_collapse_score", this, s -> s.value(target, t -> verdict(t, TargetMetrics.Verdict::collapseScore)))
                .tag("target", target).description("Collapse score against the baseline: max of ln(S/S_base)/ln 1.25 and the entropy drop in bits; 1 at a collapse threshold").register(registry);
        Gauge.builder("pmc_entropy_change", this, s -> s.value(target, t -> verdict(t, TargetMetrics.Verdict::deltaEntropyBits)))
                .tag("target", target).description("Rating entropy minus the baseline's, in bits (-1: half as many ratings in use)").register(registry);
        Gauge.builder("pmc_entropy_change_zscore", this, s -> s.value(target, t -> verdict(t, TargetMetrics.Verdict::zEntropy)))
                .tag("target", target).description("z-score of the rating entropy minus the baseline's").register(registry);
        Gauge.builder("pmc_self_entropy", this, s -> s.value(target, t -> t.self() == null ? Double.NaN : t.self().signals().entropyBits()))
                .tag("target", target).description("Entropy of the ratings without persona (latest self run), in bits").register(registry);
        signalGauges(target, "all", t -> t.signals(), t -> t.comparison() == null ? Double.NaN : t.comparison().divergenceBits(),
                t -> t.comparison() == null ? Double.NaN : t.comparison().personaFidelity());
        for (Foundation f : Foundation.values()) {
            int i = f.ordinal();
            signalGauges(target, f.key, t -> t.foundations().isEmpty() ? null : fd(t, i).signals(), t -> fd(t, i).divergenceBits(),
                    t -> fd(t, i).personaFidelity());
        }
    }

    /** Distribution-signal gauges of one target and foundation ("all" for every item). */
    private void signalGauges(String target, String foundation, java.util.function.Function<TargetMetrics, DistributionSignals> sig,
                              ToDoubleFunction<TargetMetrics> divergence, ToDoubleFunction<TargetMetrics> fidelity) {
        gauge("pmc_ceiling_share", target, foundation, t -> signal(sig.apply(t), DistributionSignals::ceilingShare), "Share of ratings at the top of the scale (5) in the latest run");
        gauge("pmc_ceiling_share_se", target, foundation, t -> signal(sig.apply(t), DistributionSignals::ceilingShareSe), "Bootstrap standard error of the ceiling share");
        gauge("pmc_floor_share", target, foundation, t -> signal(sig.apply(t), DistributionSignals::floorShare), "Share of ratings at the bottom of the scale (0) in the latest run");
        gauge("pmc_floor_share_se", target, foundation, t -> signal(sig.apply(t), DistributionSignals::floorShareSe), "Bootstrap standard error of the floor share");
        gauge("pmc_rating_entropy", target, foundation, t -> signal(sig.apply(t), DistributionSignals::entropyBits), "Shannon entropy of the rating distribution of the latest run, in bits");
        gauge("pmc_rating_entropy_se", target, foundation, t -> signal(sig.apply(t), DistributionSignals::entropyBitsSe), "Bootstrap standard error of the rating entropy");
        gauge("pmc_mode_share", target, foundation, t -> signal(sig.apply(t), DistributionSignals::modeShare), "Share of ratings on the most used rating in the latest run");
        gauge("pmc_mode_share_se", target, foundation, t -> signal(sig.apply(t), DistributionSignals::modeShareSe), "Bootstrap standard error of the mode share");
        gauge("pmc_rating_divergence", target, foundation, divergence, "Mean per-item Jensen-Shannon divergence of the ratings from the baseline's, in bits");
        gauge("pmc_persona_fidelity", target, foundation, fidelity, "Mean per-item correlation over personas of cell means with the baseline's (1: personas keep their profiles)");
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

    private void estimateGauges(String target, String foundation, ToDoubleFunction<TargetMetrics> s, ToDoubleFunction<TargetMetrics> sSe,
                                ToDoubleFunction<TargetMetrics> r, ToDoubleFunction<TargetMetrics> rSe,
                                ToDoubleFunction<TargetMetrics> u, ToDoubleFunction<TargetMetrics> uSe) {
        gauge("pmc_moral_susceptibility", target, foundation, s, "Moral susceptibility S of the latest run");
        gauge("pmc_moral_susceptibility_se", target, foundation, sSe, "Bootstrap standard error of S");
        gauge("pmc_moral_robustness", target, foundation, r, "Moral robustness R = 1/ū of the latest run");
        gauge("pmc_moral_robustness_se", target, foundation, rSe, "Bootstrap standard error of R");
        gauge("pmc_within_persona_sd", target, foundation, u, "Mean within-persona rating SD ū of the latest run");
        gauge("pmc_within_persona_sd_se", target, foundation, uSe, "Bootstrap standard error of ū");
    }

    private void gauge(String name, String target, String foundation, ToDoubleFunction<TargetMetrics> fn, String help) {
        Gauge.builder(name, this, s -> s.value(target, fn)).tags("target", target, "foundation", foundation)
                .description(help).register(registry);
    }

    private double value(String target, ToDoubleFunction<TargetMetrics> fn) {
        TargetMetrics t = current.get(target);
        return t == null ? Double.NaN : fn.applyAsDouble(t);
    }
}
