package dev.pmc.generator;

import dev.pmc.core.metrics.SequentialDesign;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Starts runs, by hand (REST, bin/pmc run) or by the scheduler: plans them and records them as queued in pmc.runs;
 * the leader's {@link PromptPublisher} publishes them. Any replica can accept a run.
 */
@ApplicationScoped
public class RunService {
    @Inject
    RunStore store;
    @Inject
    TargetRegistry registry;
    @Inject
    MeterRegistry meters;
    @Inject
    PromptPublisher publisher;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "pmc.personas-dir")
    java.util.Optional<String> personasDir;

    /** Validates a request against the registry and resolves its personas. */
    RunPlanner.Plan plan(RunRequest request) {
        return RunPlanner.plan(request, registry, personasDir.filter(d -> !d.isBlank())
                .map(d -> java.nio.file.Path.of(d).toAbsolutePath().normalize()).orElse(null));
    }

    public Run start(RunRequest request, String trigger) {
        return start(request, trigger, RunPlanner.newRunId());
    }

    /** With a given run id (the scheduler's: its due time and target, so two schedulers can only ever make one run). */
    public Run start(RunRequest request, String trigger, String runId) {
        RunPlanner.Plan plan = plan(request);
        int personas = plan.self() ? 1 : plan.personas().size();
        int items = plan.instrument().size();
        long slots = (long) personas * items * plan.n();
        if (store.get(runId).isPresent()) return store.get(runId).get();
        Run run = new Run(runId, plan.target(), plan.personaSet(), personas, items, plan.n(), slots,
                plan.temperature(), System.currentTimeMillis(), 0, Run.QUEUED, null, plan.mode(), trigger, 0, null,
                plan.maxTokens(), plan.topLogprobs(), "file".equals(plan.personaSet()) ? plan.personas() : null,
                plan.sequential() ? Long.valueOf(SequentialDesign.of(runId, personas, plan.n()).calls(0)) : null,
                plan.sequential() ? Integer.valueOf(0) : null, null, plan.instrument().name());
        store.add(run);
        // publishing starts now rather than at the publisher's next 200 ms supervision tick
        publisher.wake();
        Counter.builder("pmc_runs_started_total").description("Runs started, by trigger (manual, schedule)")
                .tags("target", plan.target(), "trigger", trigger, "instrument", plan.instrument().name()).register(meters).increment();
        return run;
    }

    /** Cancels a run: it stops publishing; slots already asked may still be answered and counted. */
    public java.util.Optional<Run> cancel(String runId, String why) {
        publisher.stop(runId);
        return store.cancel(runId, why);
    }
}
