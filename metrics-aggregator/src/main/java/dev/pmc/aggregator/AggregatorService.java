package dev.pmc.aggregator;

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

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Starts the Kafka Streams aggregator with the service, recomputes every target's S and R from the global
 * per-persona table each refresh interval, and exposes them as Prometheus gauges.
 */
@ApplicationScoped
public class AggregatorService {
    private static final Logger LOG = Logger.getLogger(AggregatorService.class);

    @Inject
    MeterRegistry registry;
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

    private AggregatorStreams streams;
    private volatile Map<String, TargetMetrics> current = Map.of();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    void onStart(@Observes StartupEvent ev) {
        AggregatorStreams.ensureTopics(bootstrap, partitions);
        streams = new AggregatorStreams(bootstrap, applicationId, stateDir, commitIntervalMs, threads);
        streams.start();
        LOG.infof("aggregator streams started (application id %s, state %s)", applicationId, stateDir);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (streams != null) streams.close();
    }

    @Scheduled(every = "${pmc.aggregator.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        if (streams == null || !streams.running()) return;
        current = TargetMetricsView.compute(streams.snapshot());
        current.keySet().forEach(this::registerGauges);
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

    private void registerGauges(String target) {
        if (!registered.add(target)) return;
        gauge("pmc_moral_susceptibility", target, "all", TargetMetrics::susceptibility, "Moral susceptibility S of the latest run");
        gauge("pmc_moral_robustness", target, "all", TargetMetrics::robustness, "Moral robustness R = 1/ū of the latest run");
        gauge("pmc_within_persona_sd", target, "all", TargetMetrics::withinSd, "Mean within-persona rating SD ū of the latest run");
        for (var f : dev.pmc.core.Foundation.values()) {
            int i = f.ordinal();
            gauge("pmc_moral_susceptibility", target, f.key, t -> t.foundations().isEmpty() ? Double.NaN : t.foundations().get(i).susceptibility(), null);
            gauge("pmc_moral_robustness", target, f.key, t -> t.foundations().isEmpty() ? Double.NaN : t.foundations().get(i).robustness(), null);
            gauge("pmc_within_persona_sd", target, f.key, t -> t.foundations().isEmpty() ? Double.NaN : t.foundations().get(i).withinSd(), null);
        }
        Gauge.builder("pmc_personas_counted", this, s -> s.value(target, t -> t.personas()))
                .tag("target", target).description("Personas retained in the latest run (every item rated)").register(registry);
        Gauge.builder("pmc_run_ratings_counted", this, s -> s.value(target, t -> t.ratingsCounted()))
                .tag("target", target).description("Valid ratings counted in the latest run").register(registry);
        for (var o : dev.pmc.core.events.RatingOutcome.values()) {
            FunctionCounter.builder("pmc_ratings", this, s -> s.value(target, t -> t.ratingsTotal().getOrDefault(o.wire(), 0L)))
                    .tags("target", target, "outcome", o.wire()).description("Rating events received, by outcome").register(registry);
        }
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
