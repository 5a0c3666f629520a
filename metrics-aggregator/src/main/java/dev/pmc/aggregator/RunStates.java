package dev.pmc.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.Names;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.CompactedTopic;
import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.events.RunDecision;
import dev.pmc.core.events.TargetStatus;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.targets.ModelCapabilities;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.core.targets.TargetFile;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registered targets (the registry topic pmc.targets, with their baselines) and the runs the prompt-generator
 * announced on pmc.runs (slot count, n, personas, state), both followed from the start. A run is complete when the
 * aggregator has settled all its slots; a failed or cancelled run never is. Runs nobody announced (e.g. replayed rating
 * files) are complete as soon as they have data. It is also the aggregator's {@link AggregatorTopology.Admission}: only
 * ratings of registered targets, with a slot that fits their run, enter state.
 */
@ApplicationScoped
public class RunStates implements TargetMetricsView.Completion, AggregatorTopology.Admission {
    private static final Logger LOG = Logger.getLogger(RunStates.class);

    /** What the aggregator needs of a run record. */
    public record RunInfo(String target, long slots, int n, int personas, String personaSet, String state, String trigger,
                          String mode, Long limit, Integer stage, RunDecision decision, String instrument) {
        boolean self() {
            return "self".equals(personaSet);
        }

        boolean sequential() {
            return "sequential".equals(mode);
        }

        boolean active() {
            return "queued".equals(state) || "running".equals(state);
        }
    }

    /** A target's per-reading budget (null fields: none) and price table presence, from pmc.targets. */
    public record TargetBudget(Long calls, Double usd) {
    }

    private final Map<String, TargetBudget> budgets = new ConcurrentHashMap<>();

    private final Map<String, RunInfo> runs = new ConcurrentHashMap<>();
    /** Registered targets' definitions with defaults (temperature, model family), for the temperature rule. */
    private final Map<String, TargetConfig> configs = new ConcurrentHashMap<>();
    /** Targets whose calls wait, as the gateway reported (pmc.target-status). */
    private final Map<String, TargetStatus> paused = new ConcurrentHashMap<>();
    private final Set<String> targets = ConcurrentHashMap.newKeySet();
    private CompactedTopic.Follower follower, statusFollower;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @jakarta.inject.Inject
    Baselines baselines;

    /** Starts following (once: the topology's producer and the service may both ask first). */
    synchronized void start() {
        if (follower != null) return;
        follower = CompactedTopic.follow(bootstrap, List.of(Topics.RUNS, Topics.TARGETS), "run-states-reader",
                this::onRecord, e -> LOG.errorf("run states reader stopped: %s", e.getMessage()));
        // the gateways' pause reports on a follower of their own: a deployment that has not created pmc.target-status
        // (the aggregator only reads it; the gateway or the deployment creates it) must never hold the run states up
        String problem = KafkaClients.createIfMissing(bootstrap, new Topics.Spec(Topics.TARGET_STATUS, 1, true));
        if (problem != null) LOG.debugf("not creating %s (%s): the gateway or the deployment does", Topics.TARGET_STATUS, problem);
        statusFollower = CompactedTopic.follow(bootstrap, List.of(Topics.TARGET_STATUS), "target-status-reader",
                this::onRecord, e -> LOG.errorf("target status reader stopped: %s", e.getMessage()));
    }

    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    void onRecord(String topic, String key, String value) {
        if (key == null) return;
        if (topic.equals(Topics.TARGETS)) {
            target(key, value);
        } else if (topic.equals(Topics.TARGET_STATUS)) {
            var st = TargetStatus.decode(value);
            // kept only for registered targets and only while paused: bounded by the registry
            if (st == null || !key.equals(st.target()) || st.paused() == null || !targets.contains(key)) paused.remove(key);
            else paused.put(key, st);
        } else if (value == null) {
            runs.remove(key);
        } else {
            try {
                JsonNode j = EventCodec.mapper().readTree(value);
                runs.put(key, new RunInfo(j.path("target").asText(), j.path("slots").asLong(), j.path("n").asInt(0),
                        j.path("personas").asInt(0), j.path("personaSet").asText(null), j.path("state").asText(), j.path("trigger").asText(null),
                        j.path("mode").asText(null), j.hasNonNull("limit") ? j.path("limit").asLong() : null,
                        j.hasNonNull("stage") ? j.path("stage").asInt() : null,
                        j.path("sequential").isObject() ? RunDecision.decode(j.path("sequential").toString()) : null,
                        Instruments.nameOf(j.path("instrument").asText(null))));
            } catch (Exception e) {
                LOG.warnf("ignoring unreadable run record %s: %s", key, e.getMessage());
            }
        }
    }

    private void target(String name, String json) {
        if (!Names.isTarget(name)) return;
        try {
            if (json == null) {
                targets.remove(name);
                budgets.remove(name);
                configs.remove(name);
                paused.remove(name);
                baselines.fromRegistry(name, null);
            } else {
                JsonNode j = EventCodec.mapper().readTree(json);
                baselines.fromRegistry(name, j.path("baseline").asText(null));
                JsonNode b = j.path("budget");
                if (b.isObject()) {
                    budgets.put(name, new TargetBudget(b.hasNonNull("calls") ? b.path("calls").asLong() : null,
                            b.hasNonNull("usd") ? b.path("usd").asDouble() : null));
                } else {
                    budgets.remove(name);
                }
                try {
                    configs.put(name, TargetFile.parseTarget(json).withDefaults());
                } catch (RuntimeException invalid) {
                    configs.remove(name); // read by a newer or older version: no temperature rule for it
                }
                targets.add(name);
            }
        } catch (Exception e) {
            LOG.warnf("ignoring unreadable target %s: %s", name, e.getMessage());
        }
    }

    /** The target's pause as the gateway reported it, or null while its calls go. */
    public TargetStatus pausedOf(String target) {
        return paused.get(target);
    }

    /** The target's definition with defaults, or null (unknown, or unreadable by this version). */
    public TargetConfig config(String target) {
        return configs.get(target);
    }

    /**
     * Why the variant cannot be judged against this baseline (their temperatures differ and one is fixed by its
     * model family), or null.
     */
    public String incomparable(String variant, String baseline) {
        var v = configs.get(variant);
        var b = baseline == null ? null : configs.get(baseline);
        return v == null || b == null ? null : ModelCapabilities.incomparable(v, b);
    }

    /** The registered target names. */
    public Set<String> targets() {
        return new TreeSet<>(targets);
    }

    public boolean registered(String target) {
        return targets.contains(target);
    }

    @Override
    public String refuse(RatingEvent e) {
        String target = e.slot().target();
        if (!targets.contains(target) && !(syncFollower() && targets.contains(target))) return "target '" + target + "' is not registered (pmc.targets)";
        RunInfo run = runs.get(e.slot().runId());
        if (run == null) return null;   // replayed files and runs not announced: any slot of a valid shape
        if (!run.target().equals(target)) return "run " + e.slot().runId() + " belongs to target '" + run.target() + "', not '" + target + "'";
        if (!run.instrument().equals(e.slot().instrumentName())) {
            return "a " + e.slot().instrumentName() + " rating does not fit run " + e.slot().runId() + ", which asks " + run.instrument();
        }
        if (run.n() > 0 && e.slot().repetition() > run.n()) return "repetition " + e.slot().repetition() + " beyond the run's n = " + run.n();
        String persona = e.slot().personaId();
        if (run.self() != PersonaCatalog.SELF.equals(persona)) return "persona '" + persona + "' does not fit run " + e.slot().runId();
        if (!run.self() && run.personas() > 0) {
            boolean index = persona.length() <= 6 && persona.chars().allMatch(Character::isDigit);
            if (!index || Integer.parseInt(persona) >= run.personas()) return "persona '" + persona + "' is not one of the run's " + run.personas() + " personas";
        }
        return null;
    }

    /**
     * Reads pmc.targets and pmc.runs up to now (a rating can only name a target registered before it, which this
     * follower may not have read yet); false when that takes over 10 s or the follower is gone.
     */
    private boolean syncFollower() {
        if (follower == null) return false;
        try {
            return follower.sync().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
            return false;
        }
    }

    @Override
    public boolean complete(String runId, long settledSlots) {
        RunInfo i = runs.get(runId);
        if (i == null) return true;
        return !"failed".equals(i.state()) && !"cancelled".equals(i.state()) && settledSlots >= i.slots();
    }

    /** The run as pmc.runs announced it (null: not announced). */
    public RunInfo run(String runId) {
        return runs.get(runId);
    }

    /** Runs announced, by id. */
    public Map<String, RunInfo> runs() {
        return java.util.Collections.unmodifiableMap(runs);
    }

    /** A target's budget per reading (null: none). */
    public TargetBudget budget(String target) {
        return budgets.get(target);
    }

    @Override
    public Long slots(String runId) {
        RunInfo i = runs.get(runId);
        return i == null ? null : i.slots();
    }

    @PreDestroy
    void stop() {
        if (follower != null) follower.stop();
        if (statusFollower != null) statusFollower.stop();
    }
}
