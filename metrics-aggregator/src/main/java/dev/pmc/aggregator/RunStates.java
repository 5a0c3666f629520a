package dev.pmc.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.targets.TargetDirectory;
import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.events.RunDecision;
import dev.pmc.core.events.TargetStatus;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.targets.ModelCapabilities;
import dev.pmc.core.targets.TargetConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** Targets whose calls wait, as the gateway reported (pmc.target-status). */
    private final Map<String, TargetStatus> paused = new ConcurrentHashMap<>();
    private volatile CompactedTopics.View follower;
    /** The registered targets (pmc.targets), read on the service's one reader of compacted topics. */
    @jakarta.inject.Inject
    TargetDirectory directory;
    @jakarta.inject.Inject
    CompactedTopics topics;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @jakarta.inject.Inject
    Baselines baselines;

    /** Starts following (once: the topology's producer and the service may both ask first). */
    synchronized void start() {
        if (follower != null) return;
        readTargetsFrom(directory).start();
        follower = topics.follow("run-states", List.of(Topics.RUNS), this::onRecord);
        // the gateways' pause reports in a view of their own: a deployment that has not created pmc.target-status
        // (the aggregator only reads it; the gateway or the deployment creates it) must never hold the run states up
        String problem = KafkaClients.createIfMissing(bootstrap, new Topics.Spec(Topics.TARGET_STATUS, 1, true));
        if (problem != null) LOG.debugf("not creating %s (%s): the gateway or the deployment does", Topics.TARGET_STATUS, problem);
        topics.follow("target-status", List.of(Topics.TARGET_STATUS), this::onRecord);
    }

    /** Keeps each target's baseline and budget as the directory reads them (tests hand it a directory without a reader). */
    TargetDirectory readTargetsFrom(TargetDirectory d) {
        directory = d;
        return d.listen(this::target);
    }

    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return directory.awaitCaughtUp(timeout) && follower.awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    void onRecord(String topic, String key, String value) {
        if (key == null) return;
        if (topic.equals(Topics.TARGET_STATUS)) {
            var st = TargetStatus.decode(value);
            // kept only for registered targets and only while paused: bounded by the registry
            if (st == null || !key.equals(st.target()) || st.paused() == null || !directory.contains(key)) paused.remove(key);
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

    /** A registry change: the target's baseline and budget (read from the record, also when its definition is not readable here). */
    private void target(String name, String json, TargetConfig config) {
        try {
            if (json == null) {
                budgets.remove(name);
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
        return directory.config(target).orElse(null);
    }

    /**
     * Why the variant cannot be judged against this baseline (their temperatures differ and one is fixed by its
     * model family), or null.
     */
    public String incomparable(String variant, String baseline) {
        // a definition not readable by this version has no temperature rule
        var v = config(variant);
        var b = baseline == null ? null : config(baseline);
        return v == null || b == null ? null : ModelCapabilities.incomparable(v, b);
    }

    /** The registered target names. */
    public Set<String> targets() {
        return directory.names();
    }

    public boolean registered(String target) {
        return directory.contains(target);
    }

    @Override
    public String refuse(RatingEvent e) {
        String target = e.slot().target();
        if (!directory.contains(target) && !(syncFollower() && directory.contains(target))) return "target '" + target + "' is not registered (pmc.targets)";
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
            return directory.sync().thenCombine(follower.sync(), (targets, runs) -> targets && runs).get(10, java.util.concurrent.TimeUnit.SECONDS);
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

}
