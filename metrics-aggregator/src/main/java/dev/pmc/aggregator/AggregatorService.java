package dev.pmc.aggregator;

import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RunDecision;
import dev.pmc.core.instruments.Instruments;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts the Kafka Streams aggregator with the service (once the registry and run records are read, so admission is
 * right from the first record), follows pmc.persona-stats into the {@link PersonaIndex}, recomputes every registered
 * target's S, R and verdict each refresh interval (only runs that changed), exposes them as Prometheus gauges (for
 * registered targets only, removed when a target is deleted) and enforces run retention: runs beyond the newest
 * {@code pmc.retention.complete-runs} complete ones per target and kind, runs older than {@code pmc.retention.max-age},
 * and runs of deleted targets are expired by control records that tombstone their state in the store, the changelog
 * and pmc.persona-stats.
 */
@ApplicationScoped
public class AggregatorService {
    private static final Logger LOG = Logger.getLogger(AggregatorService.class);

    @Inject
    MeterRegistry registry;
    @Inject
    Baselines baselines;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    AggregatorConfig config;
    /** Run by quarkus-kafka-streams (topology and start-up order: {@link AggregatorStreamsSetup}). */
    @Inject
    KafkaStreams streams;
    @Inject
    RunStates runStates;
    /** The service's one reader of compacted topics (the persona index, run states and baselines share it). */
    @Inject
    CompactedTopics compactedTopics;
    @ConfigProperty(name = "pmc.retention.complete-runs")
    int keepCompleteRuns;
    @ConfigProperty(name = "pmc.retention.max-age")
    Duration maxAge;

    private final PersonaIndex index = new PersonaIndex();
    private TargetMetricsView view;
    private KafkaProducer<String, String> control;
    private volatile Map<String, TargetMetrics> current = Map.of();
    private TargetGauges gauges;
    /** First time each run was seen, for the age of runs whose id carries no start time. */
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private volatile long lastRefreshNanos;
    private SequentialJudge judge;

    void onStart(@Observes StartupEvent ev) throws InterruptedException {
        Instruments.loadAtStartup();
        view = new TargetMetricsView(config.bootstrapSeed());
        gauges = new TargetGauges(registry);
        index.start(compactedTopics);
        control = new KafkaProducer<>(KafkaClients.config(bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), new StringSerializer());
        judge = new SequentialJudge(d -> control.send(new ProducerRecord<>(Topics.RUN_DECISIONS, d.runId(), EventCodec.encode(d)),
                (md, ex) -> {
                    if (ex != null) LOG.errorf("decision on run %s not published: %s", d.runId(), ex.getMessage());
                }), config.bootstrapSeed());
        Gauge.builder("pmc_aggregator_personas_held", index, PersonaIndex::personaCount)
                .description("Persona statistics held in memory (all targets and runs kept by retention)").register(registry);
        Gauge.builder("pmc_aggregator_runs_cached", this, s -> s.view.cachedRuns())
                .description("Runs whose summaries and readings the aggregator caches").register(registry);
        FunctionCounter.builder("pmc_aggregator_computations", this, s -> s.view.computations())
                .description("Run summaries, readings, bootstraps and divergences computed (each once per change)").register(registry);
        Gauge.builder("pmc_aggregator_refresh_duration_seconds", this, s -> s.lastRefreshNanos / 1e9)
                .description("Duration of the last refresh of every target's reading").register(registry);
        LOG.infof("aggregator streams started (application id %s, state %s)", config.applicationId(), config.stateDir());
        long every = Math.max(1, config.milestoneCheckInterval().toMillis());
        milestoneChecks.scheduleWithFixedDelay(() -> {
            try {
                refreshAtMilestones();
            } catch (RuntimeException e) {
                LOG.errorf(e, "milestone check failed");
            }
        }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        milestoneChecks.shutdownNow();
        if (control != null) control.close(Duration.ofSeconds(5));
    }

    /** Per run, its change counter and milestone at the last check (milestone: see {@link #milestone}). */
    private record Checked(long version, String milestone) {
    }

    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    /**
     * Runs the milestone check: not a {@code @Scheduled} method, because Quarkus' simple scheduler looks at its triggers
     * once a second (SimpleScheduler.CHECK_PERIOD = 1000 ms), so any shorter interval there is in effect a second.
     */
    private final java.util.concurrent.ScheduledExecutorService milestoneChecks = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "milestone-check");
        t.setDaemon(true);
        return t;
    });

    /**
     * Refreshes at once when a run reached a milestone since the last check: all its slots settled, or a sequential
     * run's released stage settled (its decision releases the next stage). Without this a run's final reading, or a
     * stage's decision, would wait for the next refresh tick, up to a whole refresh interval after the last rating.
     */
    void refreshAtMilestones() {
        if (!running()) return;
        boolean reached = false;
        Set<String> held = new java.util.HashSet<>();
        for (PersonaIndex.Progress p : index.progress()) {
            held.add(p.runId());
            Checked before = checked.get(p.runId());
            if (before != null && before.version() == p.version()) continue;
            String m = milestone(p);
            checked.put(p.runId(), new Checked(p.version(), m));
            if (m != null && !m.equals(before == null ? null : before.milestone())) reached = true;
        }
        checked.keySet().retainAll(held);
        if (reached) refresh();
    }

    /** "complete", "stage K" for a sequential stage ready to judge, or null (see refreshAtMilestones). */
    private String milestone(PersonaIndex.Progress p) {
        if (runStates.complete(p.runId(), p.settled())) return "complete";
        RunStates.RunInfo info = runStates.run(p.runId());
        int k = info == null ? -1 : SequentialJudge.settledStage(p.runId(), info, p.settled());
        return k < 0 ? null : "stage " + k;
    }

    @Scheduled(every = "${pmc.aggregator.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void refresh() {
        if (!running()) return;
        long t0 = System.nanoTime();
        Set<String> targets = runStates.targets();
        Map<String, Map<String, PersonaIndex.Snapshot>> byTarget = new TreeMap<>();
        for (String t : index.targets()) byTarget.put(t, index.runs(t));
        // a baseline read at another temperature than a fixed-temperature variant (or the reverse) is no baseline
        java.util.function.Function<String, String> baselineOf = t -> {
            String b = baselines.of(t);
            return b != null && runStates.incomparable(t, b) != null ? null : b;
        };
        judge.judge(byTarget, runStates, baselineOf, thresholds());
        current = view.compute(byTarget, targets, baselineOf, thresholds(), completion, new TargetMetricsView.Window(config.windowRuns(), config.windowHours()));
        gauges.update(current);
        lastRefreshNanos = System.nanoTime() - t0;
    }

    /** Run completion from pmc.runs, with the judge's stage decisions on sequential runs. */
    private final TargetMetricsView.Completion completion = new TargetMetricsView.Completion() {
        public boolean complete(String runId, long settledSlots) {
            return runStates.complete(runId, settledSlots);
        }

        public Long slots(String runId) {
            return runStates.slots(runId);
        }

        public RunDecision decision(String runId) {
            return judge.decision(runId);
        }

        public TargetMetricsView.Stopped stopped(String runId) {
            SequentialJudge.Judged j = judge.stopped(runId);
            return j == null ? null : new TargetMetricsView.Stopped(j.reading(), j.comparison());
        }
    };

    /** Expires what retention no longer keeps (see the class comment); runs every retention interval. */
    @Scheduled(every = "${pmc.retention.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "10s")
    void retention() {
        if (!running()) return;
        Set<String> registered = runStates.targets();
        long now = System.currentTimeMillis();
        int expired = 0;
        for (String target : index.targets()) {
            Map<String, PersonaIndex.Snapshot> runs = index.runs(target);
            TargetMetrics m = current.get(target);
            Map<String, TargetMetrics.RunSummary> summaries = new TreeMap<>();
            if (m != null) m.runs().forEach(r -> summaries.put(r.runId(), r));
            // the newest complete runs are kept per instrument and kind (with or without persona)
            Map<String, List<String>> completeByKind = new TreeMap<>();
            for (String runId : runs.keySet()) {
                TargetMetrics.RunSummary s = summaries.get(runId);
                if (s != null && s.complete()) {
                    completeByKind.computeIfAbsent(Instruments.nameOf(s.instrument()) + "|" + s.self(), k -> new ArrayList<>()).add(runId);
                }
            }
            for (var e : runs.entrySet()) {
                String runId = e.getKey();
                long seen = firstSeen.computeIfAbsent(target + "|" + runId, k -> now);
                Long started = RunReadings.startedAtMs(runId);
                long age = now - (started != null ? started : seen);
                boolean drop = !registered.contains(target) || age > maxAge.toMillis()
                        || completeByKind.values().stream().anyMatch(ids -> olderThanNewest(ids, runId, keepCompleteRuns));
                if (!drop) continue;
                for (PersonaStats p : e.getValue().personas()) {
                    ProducerRecord<String, String> rec = new ProducerRecord<>(Topics.RATINGS, SlotId.personaKey(target, runId, p.getPersonaId()), "");
                    rec.headers().add(AggregatorTopology.CONTROL_HEADER, AggregatorTopology.EXPIRE.getBytes(StandardCharsets.UTF_8));
                    control.send(rec);
                }
                firstSeen.remove(target + "|" + runId);
                expired++;
            }
        }
        if (expired > 0) {
            control.flush();
            LOG.infof("retention: expired %d runs (keeping %d complete runs per target and kind, max age %s)", expired, keepCompleteRuns, maxAge);
        }
    }

    /** Whether runId is among the ids of list other than its newest {@code keep} (ids sort by start time). */
    private static boolean olderThanNewest(List<String> sortedIds, String runId, int keep) {
        int i = sortedIds.indexOf(runId);
        return i >= 0 && i < sortedIds.size() - keep;
    }

    public Comparison.Thresholds thresholds() {
        return Comparison.Thresholds.DEFAULT.withBand(config.bandLow(), config.bandHigh());
    }

    /** The streams are running and the per-target reduction has read pmc.persona-stats up to its end. */
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING && index.caughtUp();
    }

    public String state() {
        return streams.state().name();
    }

    public Map<String, TargetMetrics> targets() {
        return current;
    }

    public Optional<TargetMetrics> target(String name) {
        return Optional.ofNullable(current.get(name));
    }

    /** Per-persona statistics held (for export and diagnostics). */
    public List<PersonaStats> snapshot() {
        return index.all();
    }

    /** A target's runs with their personas (for export and diagnostics). */
    public Map<String, List<PersonaStats>> runsOf(String target) {
        Map<String, List<PersonaStats>> out = new TreeMap<>();
        index.runs(target).forEach((id, s) -> out.put(id, s.personas()));
        return out;
    }
}
