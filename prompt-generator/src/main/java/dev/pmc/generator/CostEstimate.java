package dev.pmc.generator;

import dev.pmc.core.Mfq30;
import dev.pmc.core.MfqItem;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.core.metrics.SequentialDesign;
import dev.pmc.core.targets.ModelCapabilities;

/**
 * What a run will cost before it starts ({@code bin/pmc run --dry-run}): provider calls (first attempts; re-asks
 * and retries come on top), tokens estimated like the gateway's limiter does (≈4 characters a token for the
 * prompt, max_tokens for the answer — an upper bound), USD from the target's price table (null without one),
 * and minutes at the target's rpm/tpm limit (null when unknown). A target with {@code choicesPerCall} k asks a cell's n
 * repetitions in ⌈n/k⌉ calls: the prompt's tokens are paid per call, the answers' per answer.
 */
public record CostEstimate(String target, String mode, long slots, long calls, long inputTokens, long outputTokens,
                           Double costUsd, Double minutesAtLimit, String note) {

    static CostEstimate of(TargetConfig t, RunPlanner.Plan plan) {
        int personas = plan.self() ? 1 : plan.personas().size();
        // sampled runs group a cell's repetitions k to a call; logprob runs ask each cell once anyway
        int k = plan.topLogprobs() == null ? Math.max(1, t.choices()) : 1;
        long callsPerCell = (plan.n() + k - 1) / k;
        long input = 0;
        for (int p = 0; p < personas; p++) {
            String system = plan.self() ? null : PromptTemplate.system(plan.personas().get(p));
            if (t.systemPrompt() != null) system = system == null ? t.systemPrompt() : t.systemPrompt() + "\n\n" + system;
            for (MfqItem item : Mfq30.get().items()) {
                int chars = (system == null ? 0 : system.length()) + PromptTemplate.user(item).length();
                input += (long) Math.ceil(chars / 4.0) * callsPerCell;
            }
        }
        long slots = (long) personas * Mfq30.ITEMS * plan.n();
        long calls = (long) personas * Mfq30.ITEMS * callsPerCell;
        // reasoning and thinking tokens are billed as output: count the family's reserve per call, an upper bound
        int reserve = ModelCapabilities.of(t).reasoningTokens();
        long output = slots * plan.maxTokens() + calls * reserve;
        Double cost = t.price() == null ? null : (input * t.price().inputPerMTok() + output * t.price().outputPerMTok()) / 1e6;
        Double minutes = null;
        if (t.limits() != null && (t.limits().rpm() != null || t.limits().tpm() != null)) {
            double m = 0;
            if (t.limits().rpm() != null) m = Math.max(m, calls / (double) t.limits().rpm());
            if (t.limits().tpm() != null) m = Math.max(m, (input + output) / (double) t.limits().tpm());
            minutes = m;
        }
        return new CostEstimate(t.name(), plan.mode(), slots, calls, input, output, cost, minutes,
                "first attempts only: re-asks of unusable replies and retries of failed calls add to it"
                        + (reserve > 0 ? "; output includes up to " + reserve + " reasoning tokens per call (the model family's reserve, billed as output): an upper bound" : "")
                        + (t.price() == null ? "; no price table for this target (set price.inputPerMTok/outputPerMTok)" : "")
                        + (plan.sequential() ? "; sequential: these are the full design's, the run stops at the first decided stage ("
                        + stages(personas, plan.n()) + " calls)" : ""));
    }

    private static String stages(int personas, int n) {
        return SequentialDesign.ladder(personas, n).stream().map(s -> String.format("%,d", s.calls()))
                .collect(java.util.stream.Collectors.joining(" / "));
    }
}
