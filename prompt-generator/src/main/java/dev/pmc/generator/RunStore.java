package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Every run with its state and progress. Each change is written to the compacted topic pmc.runs (key runId),
 * at once for state changes and at most once a second for progress; the aggregator reads it to know which
 * runs are complete, and this service restores its runs from it after a restart.
 */
@ApplicationScoped
public class RunStore {
    private static final Logger LOG = Logger.getLogger(RunStore.class);

    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-store-flush");
        t.setDaemon(true);
        return t;
    });

    @Inject
    @Channel("runs")
    Emitter<Record<String, String>> emitter;
    @Inject
    MeterRegistry registry;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    void start(@Observes StartupEvent ev) {
        restore();
        flusher.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
    }

    private void restore() {
        try {
            dev.pmc.core.events.CompactedTopic.readToEnd(bootstrap, Topics.RUNS, Duration.ofSeconds(30), (key, value) -> {
                if (value == null) {
                    runs.remove(key);
                    return;
                }
                try {
                    runs.put(key, EventCodec.mapper().readValue(value, Run.class));
                } catch (java.io.IOException e) {
                    LOG.warnf("ignoring unreadable run %s: %s", key, e.getMessage());
                }
            });
            // runs that were publishing when the service stopped cannot resume publishing
            runs.replaceAll((id, r) -> Run.QUEUED.equals(r.state()) || (Run.RUNNING.equals(r.state()) && r.published() < r.slots())
                    ? r.withFailure("interrupted: prompt-generator restarted while publishing") : r);
            LOG.infof("restored %d runs from %s", runs.size(), Topics.RUNS);
        } catch (RuntimeException e) {
            LOG.warnf("cannot restore runs from %s: %s", Topics.RUNS, e.getMessage());
        }
    }

    public void add(Run r) {
        runs.put(r.runId(), r);
        send(r);
    }

    /** Applies a change; state changes are written at once, progress within a second. */
    public Run update(String runId, UnaryOperator<Run> change) {
        Run[] before = new Run[1];
        Run after = runs.computeIfPresent(runId, (k, r) -> {
            before[0] = r;
            return change.apply(r);
        });
        if (after == null) return null;
        if (!after.state().equals(before[0].state())) {
            send(after);
            if (Run.COMPLETED.equals(after.state())) {
                LOG.infof("run %s of %s completed: %d slots in %.1f s", runId, after.target(), after.slots(),
                        (after.completedAtMs() - after.createdAtMs()) / 1000.0);
            }
        } else {
            dirty.add(runId);
        }
        return after;
    }

    public Optional<Run> get(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    public List<Run> all() {
        List<Run> out = new ArrayList<>(runs.values());
        out.sort((a, b) -> b.runId().compareTo(a.runId()));
        return out;
    }

    private void flush() {
        for (String id : List.copyOf(dirty)) {
            dirty.remove(id);
            Run r = runs.get(id);
            if (r != null) send(r);
        }
    }

    private void send(Run r) {
        emitter.send(Record.of(r.runId(), EventCodec.encode(r)));
    }

    @PreDestroy
    void stop() {
        flusher.shutdownNow();
    }
}
