package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.events.EventCodec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Every run with its state and progress, on every replica: read from the compacted topic pmc.runs (key runId) at start
 * and followed after, merged with this replica's own changes ({@link Run#merge}, so out-of-order records never lose
 * progress). A new run is written by the replica that accepted it; after that the leader writes state changes at once
 * and progress at most once a second. The leader also applies retention: per target the newest
 * {@code pmc.retention.complete-runs} finished runs are kept, finished runs older than {@code pmc.retention.max-age}
 * are tombstoned, and active runs that have not moved for {@code pmc.run.stall-timeout} fail with a reason.
 */
@ApplicationScoped
public class RunStore {
    private static final Logger LOG = Logger.getLogger(RunStore.class);

    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    /** Last time each active run's published or settled count moved (stall detection). */
    private final Map<String, Long> lastMoved = new ConcurrentHashMap<>();
    @Inject
    CompactedTopics topics;

    @Inject
    @Channel("runs")
    Emitter<Record<String, String>> emitter;
    @Inject
    MeterRegistry registry;
    @Inject
    LeaderElection leader;
    @ConfigProperty(name = "pmc.retention.complete-runs")
    int keepFinished;
    @ConfigProperty(name = "pmc.retention.max-age")
    Duration maxAge;
    @ConfigProperty(name = "pmc.run.stall-timeout")
    Duration stallTimeout;

    void start(@Observes StartupEvent ev) throws InterruptedException {
        var view = topics.follow("run-store", List.of(Topics.RUNS), (topic, key, value) -> apply(key, value));
        if (!view.awaitCaughtUp(Duration.ofSeconds(30))) LOG.warnf("runs not read from %s within 30 s", Topics.RUNS);
        LOG.infof("restored %d runs from %s", runs.size(), Topics.RUNS);
        Gauge.builder("pmc_generator_runs_held", runs, Map::size).description("Runs this prompt-generator replica holds (retention bounds it)").register(registry);
    }

    private void apply(String key, String value) {
        if (key == null) return;
        if (value == null) {
            runs.remove(key);
            lastMoved.remove(key);
            return;
        }
        try {
            Run r = EventCodec.mapper().readValue(value, Run.class);
            if (!key.equals(r.runId())) return;
            runs.merge(key, r, Run::merge);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warnf("ignoring unreadable run %s: %s", key, e.getMessage());
        }
    }

    /** A new run, written at once (by whichever replica accepted it). */
    public void add(Run r) {
        runs.put(r.runId(), r);
        lastMoved.put(r.runId(), System.currentTimeMillis());
        send(r);
    }

    /** Applies a change; the leader writes state changes at once and progress within a second. */
    public Run update(String runId, UnaryOperator<Run> change) {
        Run[] before = new Run[1];
        Run after = runs.computeIfPresent(runId, (k, r) -> {
            before[0] = r;
            return change.apply(r);
        });
        if (after == null || after.equals(before[0])) return after;
        if (after.published() != before[0].published() || after.settled() != before[0].settled()) lastMoved.put(runId, System.currentTimeMillis());
        // state changes and a sequential run's stage or slots go out at once (the aggregator and the publisher wait on them)
        if (!after.state().equals(before[0].state()) || after.slots() != before[0].slots() || !java.util.Objects.equals(after.limit(), before[0].limit())) {
            send(after);
            if (Run.COMPLETED.equals(after.state())) {
                LOG.infof("run %s of %s completed: %d slots in %.1f s", runId, after.target(), after.slots(),
                        (after.completedAtMs() - after.createdAtMs()) / 1000.0);
            }
        } else if (leader.isLeader()) {
            dirty.add(runId);
        }
        return after;
    }

    /** Cancels a run (any replica may: the cancelled state wins every merge). */
    public Optional<Run> cancel(String runId, String why) {
        Run r = runs.get(runId);
        if (r == null) return Optional.empty();
        Run after = update(runId, x -> x.withCancel(why));
        if (after != null && Run.CANCELLED.equals(after.state()) && !Run.CANCELLED.equals(r.state())) send(after);
        return Optional.ofNullable(after);
    }

    public Optional<Run> get(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    /** Every run, newest first. */
    public List<Run> all() {
        List<Run> out = new ArrayList<>(runs.values());
        out.sort(Comparator.comparing(Run::runId).reversed());
        return out;
    }

    /** Both periodic jobs are synchronized: a flush never re-writes a run retention is deleting. */
    @Scheduled(identity = "run-store-flush", every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void flush() {
        if (!leader.isLeader()) {
            dirty.clear();
            return;
        }
        for (String id : List.copyOf(dirty)) {
            dirty.remove(id);
            Run r = runs.get(id);
            if (r != null) send(r);
        }
    }

    /** The leader's retention and stall check (see the class comment). */
    @Scheduled(identity = "run-store-retention", every = "30s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void retention() {
        if (!leader.isLeader()) return;
        try {
            long now = System.currentTimeMillis();
            Map<String, List<Run>> finishedByTarget = new java.util.HashMap<>();
            for (Run r : runs.values()) {
                if (r.active()) {
                    long moved = lastMoved.computeIfAbsent(r.runId(), k -> now);
                    if (now - moved > stallTimeout.toMillis()) {
                        LOG.warnf("run %s of %s stalled at %d/%d published, %d/%d settled for %s: failing it", r.runId(), r.target(),
                                r.published(), r.slots(), r.settled(), r.slots(), stallTimeout);
                        update(r.runId(), x -> x.withFailure("stalled: no progress for " + stallTimeout + " (" + x.settled() + "/" + x.slots() + " settled)"));
                    }
                } else {
                    finishedByTarget.computeIfAbsent(r.target(), t -> new ArrayList<>()).add(r);
                }
            }
            int expired = 0;
            for (List<Run> finished : finishedByTarget.values()) {
                finished.sort(Comparator.comparing(Run::runId).reversed());
                for (int i = 0; i < finished.size(); i++) {
                    Run r = finished.get(i);
                    if (i >= keepFinished || now - r.createdAtMs() > maxAge.toMillis()) {
                        runs.remove(r.runId());
                        lastMoved.remove(r.runId());
                        emitter.send(Record.of(r.runId(), null));
                        expired++;
                    }
                }
            }
            if (expired > 0) LOG.infof("retention: %d finished runs tombstoned in %s", expired, Topics.RUNS);
        } catch (RuntimeException e) {
            LOG.errorf(e, "run retention failed");
        }
    }

    private void send(Run r) {
        emitter.send(Record.of(r.runId(), EventCodec.encode(r)));
    }
}
