package dev.pmc.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    private dev.pmc.core.events.CompactedTopic.Follower follower;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @jakarta.inject.Inject
    Baselines baselines;

    void start() {
        follower = dev.pmc.core.events.CompactedTopic.follow(bootstrap, List.of(Topics.RUNS, Topics.TARGETS), "run-states-reader",
                this::onRecord, e -> LOG.errorf("run states reader stopped: %s", e.getMessage()));
    }

    private void onRecord(String topic, String key, String value) {
        if (topic.equals(Topics.TARGETS)) {
            target(key, value);
        } else if (value == null) {
            runs.remove(key);
        } else {
            try {
                JsonNode j = EventCodec.mapper().readTree(value);
                runs.put(key, new RunInfo(j.path("target").asText(), j.path("slots").asLong(), j.path("state").asText(),
                        j.path("trigger").asText(null)));
            } catch (Exception e) {
                LOG.warnf("ignoring unreadable run record %s: %s", key, e.getMessage());
            }
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
        if (follower != null) follower.stop();
    }
}
