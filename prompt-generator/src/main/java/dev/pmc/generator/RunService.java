package dev.pmc.generator;

import dev.pmc.core.Mfq30;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Starts runs, by hand (REST, bin/pmc run) or by the scheduler: plans, records and publishes them. */
@ApplicationScoped
public class RunService {
    @Inject
    PromptPublisher publisher;
    @Inject
    RunStore store;
    @Inject
    TargetRegistry registry;
    @Inject
    MeterRegistry meters;

    public Run start(RunRequest request, String trigger) {
        RunPlanner.Plan plan = RunPlanner.plan(request, registry);
        int personas = plan.self() ? 1 : plan.personas().size();
        long slots = (long) personas * Mfq30.ITEMS * plan.n();
        String runId = RunPlanner.newRunId();
        Run run = new Run(runId, plan.target(), plan.personaSet(), personas, Mfq30.ITEMS, plan.n(), slots,
                plan.temperature(), System.currentTimeMillis(), 0, Run.QUEUED, null, plan.mode(), trigger, 0, null);
        store.add(run);
        Counter.builder("pmc_runs_started_total").description("Runs started, by trigger (manual, schedule)")
                .tags("target", plan.target(), "trigger", trigger).register(meters).increment();
        publisher.publish(run, plan, (published, error) -> store.update(runId, r -> error != null
                ? r.withFailure(String.valueOf(error.getMessage())) : r.withPublished(published)));
        return run;
    }
}
