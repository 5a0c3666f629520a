package dev.pmc.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs the prompt-generator announced on pmc.runs (slot count, state) and the targets' baselines from the
 * registry topic pmc.targets, both followed from the start. A run is complete when the aggregator has settled all
 * its slots; a failed run never is. Runs nobody announced (e.g. replayed rating files) are complete as soon as
 * they have data, as before runs were tracked.
 */
@ApplicationScoped
public class RunStates implements TargetMetricsView.Completion {
    private static final Logger LOG = Logger.getLogger(RunStates.class);

    /** What the aggregator needs of a run record. */
    public record RunInfo(String target, long slots, String state, String trigger) {
    }

    private final Map<String, RunInfo> runs = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<String, String> consumer;
    private Thread reader;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @jakarta.inject.Inject
    Baselines baselines;

    void start() {
        reader = new Thread(this::read, "run-states-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        Properties p = dev.pmc.core.events.CompactedTopic.props(bootstrap);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            consumer = c;
            List<TopicPartition> parts = null;
            while (parts == null) {
                var runs = c.partitionsFor(Topics.RUNS, Duration.ofSeconds(10));
                var targets = c.partitionsFor(Topics.TARGETS, Duration.ofSeconds(10));
                if (runs != null && !runs.isEmpty() && targets != null && !targets.isEmpty()) {
                    parts = java.util.stream.Stream.concat(runs.stream(), targets.stream())
                            .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                } else {
                    Thread.sleep(1000);
                }
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!Thread.currentThread().isInterrupted()) {
                for (var r : c.poll(Duration.ofSeconds(1))) {
                    if (r.topic().equals(Topics.TARGETS)) {
                        target(r.key(), r.value());
                        continue;
                    }
                    if (r.value() == null) {
                        runs.remove(r.key());
                        continue;
                    }
                    try {
                        JsonNode j = EventCodec.mapper().readTree(r.value());
                        runs.put(r.key(), new RunInfo(j.path("target").asText(), j.path("slots").asLong(), j.path("state").asText(),
                                j.path("trigger").asText(null)));
                    } catch (Exception e) {
                        LOG.warnf("ignoring unreadable run record %s: %s", r.key(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.errorf("run states reader stopped: %s", e.getMessage());
        }
    }

    private void target(String name, String json) {
        try {
            baselines.fromRegistry(name, json == null ? null : EventCodec.mapper().readTree(json).path("baseline").asText(null));
        } catch (Exception e) {
            LOG.warnf("ignoring unreadable target %s: %s", name, e.getMessage());
        }
    }

    @Override
    public boolean complete(String runId, long settledSlots) {
        RunInfo i = runs.get(runId);
        if (i == null) return true;
        return !"failed".equals(i.state()) && settledSlots >= i.slots();
    }

    @Override
    public Long slots(String runId) {
        RunInfo i = runs.get(runId);
        return i == null ? null : i.slots();
    }

    @PreDestroy
    void stop() {
        var c = consumer;
        if (c != null) c.wakeup();
    }
}
