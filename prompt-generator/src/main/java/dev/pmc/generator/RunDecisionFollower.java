package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.events.RunDecision;
import dev.pmc.core.metrics.SequentialDesign;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Follows the aggregator's decisions on sequential runs (pmc.run-decisions) and applies each to its run: continue
 * releases the next stage to the publisher, stop ends the run at the stage read ({@link Run#withDecision}). Every
 * replica applies them (the run store merges), so a leader change loses none. Records that are not decisions, or
 * that name an unknown run or another stage, change nothing.
 */
@ApplicationScoped
public class RunDecisionFollower {
    private static final Logger LOG = Logger.getLogger(RunDecisionFollower.class);

    @Inject
    RunStore store;
    @Inject
    CompactedTopics topics;

    void start(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 650) StartupEvent ev) {
        topics.follow("run-decisions", List.of(Topics.RUN_DECISIONS), (topic, key, value) -> apply(key, value));
    }

    void apply(String key, String value) {
        RunDecision d = RunDecision.decode(value);
        if (key == null || d == null || !key.equals(d.runId())) return;
        Run run = store.get(d.runId()).orElse(null);
        if (run == null || !run.isSequential() || !run.active() || !SequentialDesign.supports(run.personas(), run.n())) return;
        SequentialDesign design = SequentialDesign.of(run.runId(), run.personas(), run.n());
        Run after = store.update(d.runId(), r -> r.withDecision(d, design, System.currentTimeMillis()));
        if (after != null && !after.equals(run)) {
            LOG.infof("run %s of %s: stage %s (%d calls) %s%s", d.runId(), d.target(), d.design(), d.calls(),
                    d.stop() ? "stops: " + d.verdict() + (d.kind() == null ? "" : "/" + d.kind()) : "continues to stage " + (d.stage() + 2) + " of " + d.stages(),
                    d.reason() == null ? "" : " (" + d.reason() + ")");
        }
    }
}
