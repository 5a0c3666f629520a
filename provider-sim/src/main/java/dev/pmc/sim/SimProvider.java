package dev.pmc.sim;

import dev.pmc.core.SamplingSeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The provider behind every wire format (OpenAI, Anthropic, Gemini): checks the key, enforces the per-model
 * rate limit, injects faults and asks the simulated model. The resources only translate to and from their
 * provider's JSON.
 */
@ApplicationScoped
public class SimProvider {
    /**
     * One provider call, independent of wire format. seed null = not given (a random one is drawn). choices: answers
     * asked for (OpenAI's n, Gemini's candidateCount); choice i is drawn with {@link SamplingSeed#choice}.
     */
    public record Ask(String model, String system, String user, double temperature, int maxTokens, Long seed,
                      Integer topLogprobs, String apiKey, int choices, int reasoningTokens) {
        public Ask(String model, String system, String user, double temperature, int maxTokens, Long seed, Integer topLogprobs, String apiKey) {
            this(model, system, user, temperature, maxTokens, seed, topLogprobs, apiKey, 1, 0);
        }

        public Ask(String model, String system, String user, double temperature, int maxTokens, Long seed, Integer topLogprobs, String apiKey, int choices) {
            this(model, system, user, temperature, maxTokens, seed, topLogprobs, apiKey, choices, 0);
        }
    }

    /**
     * What to answer. kind: ok, unauthorized, unknown_model, rate_limited, server_error, malformed.
     * delayMs: how long to hold the answer (latency, slow or hanging calls). replies: one per choice asked for
     * (null unless ok; empty when reasoning used up the output limit first); completionTokens: theirs together with
     * the reasoning tokens, as providers count them; reasoningTokens: those spent reasoning or thinking.
     */
    public record Served(int status, String kind, String message, List<String> replies, List<SimulatedModel.TokenProb> top,
                         int promptTokens, int completionTokens, long delayMs, SimLimiter.Decision limit,
                         SimLimiter limiter, int reasoningTokens) {
        public Served(int status, String kind, String message, List<String> replies, List<SimulatedModel.TokenProb> top,
                      int promptTokens, int completionTokens, long delayMs, SimLimiter.Decision limit, SimLimiter limiter) {
            this(status, kind, message, replies, top, promptTokens, completionTokens, delayMs, limit, limiter, 0);
        }

        /** The first choice's text. */
        public String reply() {
            return replies == null || replies.isEmpty() ? null : replies.get(0);
        }
    }

    /** Most choices one call may ask for (OpenAI's limit on n). */
    public static final int MAX_CHOICES = 128;

    private final SimModels models;
    private final MeterRegistry registry;
    private final SimStats stats = new SimStats();
    private final Map<String, SimLimiter> limiters = new ConcurrentHashMap<>();
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    /** Most distinct requests remembered (pmc.sim.max-tracked-requests, default 200,000: about 16 MiB). */
    final int maxTrackedRequests;

    /** Distinct requests remembered now (at most pmc.sim.max-tracked-requests). */
    public int trackedRequests() {
        return seen.size();
    }
    private volatile SimBehaviour behaviour;

    public SimProvider(SimModels models, MeterRegistry registry, SimConfig config) {
        this.models = models;
        this.registry = registry;
        this.maxTrackedRequests = config.maxTrackedRequests();
        SimBehaviour d = SimBehaviour.defaults();
        this.behaviour = new SimBehaviour(config.rpm(), config.tpm(), d.burstSeconds(), true, config.errorRate(), config.timeoutRate(), d.timeoutMs(),
                0, 0, 0, d.faultMode(), config.apiKey().filter(s -> !s.isBlank()).orElse(null), 0, false);
        behaviour.validate();
    }

    public SimBehaviour behaviour() {
        return behaviour;
    }

    /** Replaces the behaviour; rate-limit buckets start full again. */
    public void behaviour(SimBehaviour b) {
        b.validate();
        behaviour = b;
        limiters.clear();
        seen.clear();
    }

    public SimStats stats() {
        return stats;
    }

    public SimModels models() {
        return models;
    }

    /** Whether this Gemini call's prompt is blocked (behaviour blockRate). */
    public boolean blockPrompt() {
        double r = behaviour.blockRate();
        return r > 0 && ThreadLocalRandom.current().nextDouble() < r;
    }

    public Served serve(Ask a) {
        SimBehaviour b = behaviour;
        if (b.apiKey() != null && !b.apiKey().equals(a.apiKey())) {
            return count(new Served(401, "unauthorized", a.apiKey() == null || a.apiKey().isEmpty()
                    ? "You didn't provide an API key." : "Incorrect API key provided.", null, null, 0, 0, 0, null, null));
        }
        Optional<ChatModel> model = models.model(a.model());
        if (model.isEmpty()) {
            return count(new Served(404, "unknown_model", "The model '" + a.model() + "' does not exist; served: " + models.all().keySet()
                    + (models.replayNames().isEmpty() ? "" : " and replay:NAME for NAME in " + models.replayNames()), null, null, 0, 0, 0, null, null));
        }
        if (b.quotaExhausted()) {
            return count(new Served(429, "quota_exhausted", "You exceeded your current quota, please check your plan and billing details.",
                    null, null, 0, 0, 0, null, null));
        }
        if (a.choices() < 1 || a.choices() > MAX_CHOICES) {
            return count(new Served(400, "invalid_request", "n must be 1.." + MAX_CHOICES + ", was " + a.choices(), null, null, 0, 0, 0, null, null));
        }
        ChatModel sim = model.get();
        if (sim.outage()) {
            return count(new Served(503, "server_error", "The model " + sim.name() + " is temporarily unavailable", null, null, 0, 0, 0, null, null));
        }
        int promptTokens = (int) Math.ceil(((a.system() == null ? 0 : a.system().length()) + a.user().length()) / 4.0);
        SimLimiter limiter = null;
        SimLimiter.Decision limit = null;
        if (b.rpm() > 0 || b.tpm() > 0) {
            limiter = limiters.computeIfAbsent(sim.name(), k -> new SimLimiter(b.rpm(), b.tpm(), b.burstSeconds()));
            // like OpenAI, a call counts its prompt once and max_tokens per choice against the token limit
            limit = limiter.tryAcquire(promptTokens + a.maxTokens() * a.choices());
            if (!limit.admitted()) {
                return count(new Served(429, "rate_limited", "Rate limit reached for " + sim.name() + ": retry after "
                        + limit.retryAfterMs() + " ms", null, null, 0, 0, 0, limit, limiter));
            }
        }
        stats.admitted();
        long requestHash = SimHash.of(SimHash.of(SimHash.of(sim.name().hashCode(), a.system() == null ? "" : a.system()), a.user()),
                a.seed() == null ? 0 : a.seed());
        // bounded whatever callers send (the endpoint takes unauthenticated traffic): past the bound the set starts
        // over, so a request seen just before may fault once more on its retry in transient-fault mode
        if (seen.size() >= maxTrackedRequests) seen.clear();
        boolean first = seen.add(requestHash);
        if (first) stats.distinct();
        double u = b.transientFaults() ? (first ? SimHash.uniform(requestHash ^ 0x5eedL) : 1.0) : ThreadLocalRandom.current().nextDouble();
        long latency = sim.latencyMs();
        if (u < b.errorRate()) {
            return count(new Served(ThreadLocalRandom.current().nextBoolean() ? 500 : 503, "server_error", "The server had an error while processing your request",
                    null, null, 0, 0, latency, limit, limiter));
        }
        u -= b.errorRate();
        long delay = latency;
        boolean malformed = false;
        String kind = "ok";
        if (u < b.timeoutRate()) {
            delay = b.timeoutMs();
            kind = "hung";
        } else if ((u -= b.timeoutRate()) < b.malformedRate()) {
            malformed = true;
        } else if (u - b.malformedRate() < b.slowRate()) {
            delay = latency + b.slowMs();
            kind = "slow";
        }
        long seed = a.seed() != null ? a.seed() : ThreadLocalRandom.current().nextLong();
        List<String> replies = new java.util.ArrayList<>(a.choices());
        List<SimulatedModel.TokenProb> top = null;
        int completionTokens = 0;
        int reasoning = 0;
        try {
            if (a.topLogprobs() != null && a.topLogprobs() > 0) top = sim.firstTokenLogprobs(a.system(), a.user(), a.topLogprobs());
            for (int i = 0; i < a.choices(); i++) {
                // independent draws: choice i has the seed the i-th next repetition would be sent alone
                String reply = top != null ? top.get(0).token() : sim.reply(a.system(), a.user(), a.temperature(), SamplingSeed.choice(seed, i));
                if (a.reasoningTokens() >= a.maxTokens()) {
                    // reasoning used the whole output limit: no answer (OpenAI: empty content, finish_reason length;
                    // Gemini: a candidate without parts, finishReason MAX_TOKENS)
                    replies.add("");
                    completionTokens += a.maxTokens();
                    reasoning += a.maxTokens();
                    continue;
                }
                replies.add(reply);
                completionTokens += a.reasoningTokens() + Math.min(a.maxTokens() - a.reasoningTokens(), Math.max(1, (int) Math.ceil(reply.length() / 4.0)));
                reasoning += a.reasoningTokens();
            }
        } catch (IllegalArgumentException cannotAnswer) {
            // a replay model asked what its file does not hold (a self prompt without a _self file, a non-MFQ question)
            return count(new Served(400, "invalid_request", cannotAnswer.getMessage(), null, null, 0, 0, 0, limit, limiter));
        }
        Served s = new Served(200, malformed ? "malformed" : kind, null, replies, top, promptTokens, completionTokens, delay, limit, limiter, reasoning);
        counter("q|" + sim.name(), () -> Counter.builder("pmc_sim_requests_total").description("Chat completions answered by simulated model")
                .tag("model", sim.name()).register(registry)).increment();
        if (a.choices() > 1) {
            counter("x|" + sim.name(), () -> Counter.builder("pmc_sim_extra_choices_total").description("Answers beyond the first in calls asking for several (n, candidateCount)")
                    .tag("model", sim.name()).register(registry)).increment(a.choices() - 1);
        }
        return count(s);
    }

    private Served count(Served s) {
        stats.count(s.kind());
        counter("c|" + s.kind(), () -> Counter.builder("pmc_sim_calls_total").description("Provider calls by outcome (ok, rate_limited, server_error, hung, malformed, slow, ...)")
                .tag("outcome", s.kind()).register(registry)).increment();
        return s;
    }

    /** Counters registered once and reused; keys bounded by the served models and the outcome kinds (issue #29). */
    private final java.util.Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();

    private Counter counter(String key, java.util.function.Supplier<Counter> make) {
        Counter c = counters.get(key);
        return c != null ? c : counters.computeIfAbsent(key, k -> make.get());
    }
}
