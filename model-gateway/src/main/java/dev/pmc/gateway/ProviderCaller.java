package dev.pmc.gateway;

import dev.pmc.core.targets.TargetConfig;
import dev.pmc.gateway.limits.Backoff;
import dev.pmc.gateway.provider.ProviderException;
import dev.pmc.gateway.provider.ProviderReply;
import dev.pmc.gateway.provider.ProviderRequest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One slot attempt's provider call with the gateway's policies: wait while the target's circuit is open, pace
 * through the account limiter, cap calls in flight, then on 429 pause the account for Retry-After and try
 * again (not counted against the retry budget: the provider said when), on 5xx/timeout/malformed/connect
 * failures retry with exponential backoff and full jitter while the retry budget allows, and never retry other
 * 4xx. The result is the reply or the last error's key-free message.
 */
@ApplicationScoped
public class ProviderCaller {
    @jakarta.inject.Inject
    GatewayConfig config;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ProviderCaller.class);
    /** The reply, or error set; calls = HTTP calls made for it. dropped: the target was deleted while the call waited. */
    public record Outcome(ProviderReply reply, String error, int calls, boolean dropped) {
        Outcome(ProviderReply reply, String error, int calls) {
            this(reply, error, calls, false);
        }
    }

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();


    public ProviderCaller(MeterRegistry registry) {
        this.registry = registry;
        io.micrometer.core.instrument.Gauge.builder("pmc_gateway_in_flight", inFlight, AtomicInteger::get).description("Provider calls in flight").register(registry);
    }

    public CompletableFuture<Outcome> call(TargetRuntime rt, ProviderRequest req, java.util.concurrent.ScheduledExecutorService timer) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        if (rt.keyProblem() != null) {
            count(rt, "client_error");
            result.complete(new Outcome(null, rt.keyProblem(), 0));
            return result;
        }
        new Attempt(rt, req, timer, result).next();
        return result;
    }

    private final class Attempt {
        final TargetRuntime rt;
        final ProviderRequest req;
        final java.util.concurrent.ScheduledExecutorService timer;
        final CompletableFuture<Outcome> result;
        int retries, rateLimited, calls;

        Attempt(TargetRuntime rt, ProviderRequest req, java.util.concurrent.ScheduledExecutorService timer, CompletableFuture<Outcome> result) {
            this.rt = rt;
            this.req = req;
            this.timer = timer;
            this.result = result;
        }

        void later(long nanos) {
            timer.schedule(this::next, nanos, TimeUnit.NANOSECONDS);
        }

        void next() {
            if (rt.isRetired()) {
                dropped();
                return;
            }
            long wait = rt.breaker().tryAcquire(System.nanoTime());
            if (wait > 0) {
                later(wait);
                return;
            }
            // reasoning and thinking reserve output tokens beyond the answer's, and the provider counts them
            int est = req.estimatedTokens() + rt.adapter().reservedTokens() * req.choices();
            rt.limiter().acquire(est, rt::isRetired).thenRun(() -> {
                if (rt.isRetired()) {
                    dropped();
                    return;
                }
                rt.inFlight().acquire().thenRun(() -> {
                    if (rt.isRetired()) {
                        rt.inFlight().release();
                        dropped();
                        return;
                    }
                    send(est);
                });
            });
        }

        /** The target was deleted while this call waited: nothing is sent or answered. */
        void dropped() {
            result.complete(new Outcome(null, "target " + rt.name() + " was deleted", calls, true));
        }

        void send(int est) {
            long start = System.nanoTime();
            // the budget grows with first calls actually sent, not with prompts still waiting for the limiter
            if (calls++ == 0) rt.budget().onFirstAttempt();
            inFlight.incrementAndGet();
            CompletableFuture<ProviderReply> call;
            try {
                call = rt.adapter().call(req);
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            call.whenComplete((reply, err) -> {
                inFlight.decrementAndGet();
                rt.inFlight().release();
                rt.meters().duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                if (err == null) succeeded(reply, est);
                else failed(err, est);
            });
        }

        void succeeded(ProviderReply reply, int est) {
            rt.breaker().onSuccess();
            rt.limiter().onReply(reply.limits(), reply.inputTokens() + reply.outputTokens(), est);
            count(rt, "ok");
            rt.meters().tokensIn.increment(reply.inputTokens());
            rt.meters().tokensOut.increment(reply.outputTokens());
            TargetConfig.Price price = rt.config().price();
            if (price != null) {
                rt.meters().costUsd.increment((reply.inputTokens() * price.inputPerMTok() + reply.outputTokens() * price.outputPerMTok()) / 1e6);
            }
            result.complete(new Outcome(reply, null, calls));
        }

        void failed(Throwable err, int est) {
            ProviderException pe = err instanceof ProviderException p ? p
                    : err.getCause() instanceof ProviderException p2 ? p2
                    : new ProviderException(ProviderException.Kind.CONNECT, 0, err.getClass().getSimpleName(), null);
            count(rt, pe.kind().label);
            if (pe.kind() == ProviderException.Kind.QUOTA_EXHAUSTED) {
                // no retry can succeed: the account holds every unsent call (this one too) until the quota is back
                rt.breaker().onNeutral();
                if (rt.limiter().quotaExhausted() == null) {
                    LOG.warnf("target %s: the provider says the account's quota is exhausted (%s); its calls wait until a check call "
                            + "succeeds or POST /api/v1/targets/%s/resume", rt.name(), pe.getMessage(), rt.name());
                }
                rt.limiter().onQuotaExhausted(pe.getMessage());
                next();
                return;
            }
            if (pe.kind() != ProviderException.Kind.RATE_LIMITED) rt.limiter().onOtherFailure();
            if (pe.kind() == ProviderException.Kind.RATE_LIMITED) {
                rt.breaker().onNeutral();
                rt.limiter().onRateLimited(pe.limits());
                rt.meters().rateLimited.increment();
                if (rateLimited++ < config.retry().maxRateLimited()) {
                    retry("rate_limited");
                    next(); // the limiter holds it until the Retry-After pause ends
                    return;
                }
            } else if (pe.kind().retryable()) {
                rt.breaker().onFailure(System.nanoTime());
                if (retries < config.retry().maxRetries() && rt.budget().tryRetry()) {
                    retry(pe.kind().label);
                    later(TimeUnit.MILLISECONDS.toNanos(Backoff.delayMillis(retries++, config.retry().backoffBaseMs(), config.retry().backoffCapMs())));
                    return;
                }
            } else {
                rt.breaker().onNeutral();
            }
            result.complete(new Outcome(null, pe.getMessage(), calls));
        }

        void retry(String reason) {
            rt.meters().retry(reason).increment();
        }
    }

    private void count(TargetRuntime rt, String outcome) {
        rt.meters().outcome(outcome).increment();
    }
}
