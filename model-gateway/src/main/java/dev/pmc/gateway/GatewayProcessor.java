package dev.pmc.gateway;

import dev.pmc.core.SamplingSeed;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.gateway.provider.ProviderRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;

/**
 * pmc.prompts → provider call ({@link ProviderCaller}: limits, retries, circuit breaker) → pmc.responses. Up
 * to {@code pmc.gateway.max-pending} prompts are handled at once (waiting for a limiter or in flight); each
 * prompt is acknowledged only once its response event is written. Undecodable prompts go to pmc.prompts.dlq
 * with the reason; a call that still fails after the retry policy becomes a response event with {@code error}
 * set (the scorer may re-ask the slot).
 */
@ApplicationScoped
public class GatewayProcessor {
    private static final Logger LOG = Logger.getLogger(GatewayProcessor.class);

    @Inject
    GatewayTargets targets;
    @Inject
    ProviderCaller caller;
    @Inject
    MeterRegistry registry;
    @ConfigProperty(name = "pmc.gateway.max-pending")
    int maxPending;

    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

    @jakarta.annotation.PostConstruct
    void meters() {
        io.micrometer.core.instrument.Gauge.builder("pmc_gateway_pending", pending, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Prompts taken from pmc.prompts and not yet answered (waiting for a limiter, a circuit or a reply)").register(registry);
    }

    @Incoming("prompts")
    @Outgoing("responses")
    public Multi<Message<String>> process(Multi<Message<String>> prompts) {
        // Not merge(maxPending): Mutiny's flatMap scans its array of in-flight inners on every completion, a cost
        // that grows with the prompts in flight (JFR: 10 % of the gateway's CPU in a paper-scale run). Here each
        // completed call simply asks the broker-side stream for one more prompt.
        return Multi.createFrom().emitter(out -> {
            BoundedCalls calls = new BoundedCalls(out);
            out.onTermination(calls::cancel);
            prompts.subscribe().withSubscriber(calls);
        }, io.smallrye.mutiny.subscription.BackPressureStrategy.BUFFER);
    }

    /**
     * Takes at most {@code pmc.gateway.max-pending} prompts at a time: it requests that many, and one more each time a
     * prompt's call has ended (answered, failed after its retries, or dead-lettered). Responses go to the emitter,
     * which serializes concurrent emissions from the HTTP client's threads.
     */
    private final class BoundedCalls implements io.smallrye.mutiny.subscription.MultiSubscriber<Message<String>> {
        private final io.smallrye.mutiny.subscription.MultiEmitter<? super Message<String>> out;
        private volatile java.util.concurrent.Flow.Subscription upstream;

        BoundedCalls(io.smallrye.mutiny.subscription.MultiEmitter<? super Message<String>> out) {
            this.out = out;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            upstream = s;
            s.request(maxPending);
        }

        @Override
        public void onItem(Message<String> m) {
            pending.incrementAndGet();
            handle(m).subscribe().with(response -> {
                pending.decrementAndGet();
                if (response != null) out.emit(response);
                more();
            }, failure -> {
                // handle() dead-letters every failure itself; this is a bug guard, the stream goes on
                pending.decrementAndGet();
                LOG.errorf(failure, "prompt handling failed");
                more();
            });
        }

        /** Request and cancel must not run concurrently (Reactive Streams 2.7); completions come from many threads. */
        private synchronized void more() {
            upstream.request(1);
        }

        synchronized void cancel() {
            if (upstream != null) upstream.cancel();
        }

        @Override
        public void onFailure(Throwable t) {
            out.fail(t);
        }

        @Override
        public void onCompletion() {
            out.complete();
        }
    }

    Uni<Message<String>> handle(Message<String> in) {
        try {
            return call(in).onFailure().recoverWithUni(e -> deadLetter(in, e));
        } catch (RuntimeException e) {
            return deadLetter(in, e);
        }
    }

    /** Never fails the stream: the prompt goes to pmc.prompts.dlq with the reason. */
    private Uni<Message<String>> deadLetter(Message<String> in, Throwable e) {
        io.micrometer.core.instrument.Counter.builder("pmc_gateway_dead_letters_total").description("Prompt events sent to pmc.prompts.dlq (undecodable, wrong or for an unregistered target)").register(registry).increment();
        Throwable reason = e instanceof InvalidEventException ? e : new InvalidEventException(e.getClass().getSimpleName() + ": " + e.getMessage());
        return Uni.createFrom().completionStage(in.nack(reason)).onItem().transform(x -> (Message<String>) null);
    }

    private Uni<Message<String>> call(Message<String> in) {
        PromptEvent prompt = EventCodec.decodePrompt(in.getPayload());
        in.getMetadata(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                .ifPresent(md -> EventCodec.checkKey((String) md.getKey(), prompt.slot()));
        TargetRuntime known = targets.get(prompt.slot().target());
        if (known != null) return call(in, prompt, known);
        // a target is registered before its prompts are published, but this replica may not have read it yet
        // (just started, or a prompt overtaking the registry record): read pmc.targets up to now, then decide
        return Uni.createFrom().completionStage(targets::sync).flatMap(synced -> {
            TargetRuntime t = targets.get(prompt.slot().target());
            if (t == null) throw new InvalidEventException("target '" + prompt.slot().target() + "' is not registered (pmc.targets)");
            return call(in, prompt, t);
        });
    }

    private Uni<Message<String>> call(Message<String> in, PromptEvent prompt, TargetRuntime t) {
        String system = prompt.system();
        if (t.config().systemPrompt() != null) system = system == null ? t.config().systemPrompt() : t.config().systemPrompt() + "\n\n" + system;
        var request = new ProviderRequest(system, prompt.user(), prompt.temperature(), prompt.maxTokens(),
                SamplingSeed.of(prompt.slot().runId(), prompt.slot().repetition(), prompt.attempt()),
                prompt.logprobMode() ? prompt.topLogprobs() : null);
        long start = System.nanoTime();
        return Uni.createFrom().completionStage(() -> caller.call(t, request, targets.timer()))
                .flatMap(o -> {
                    if (o.dropped()) {
                        // the target was deleted while this prompt waited: nothing to answer
                        return Uni.createFrom().completionStage(in.ack()).onItem().transform(x -> (Message<String>) null);
                    }
                    if (o.error() != null) LOG.debugf("slot %s attempt %d failed after %d calls: %s", prompt.slot().id(), prompt.attempt(), o.calls(), o.error());
                    ResponseEvent ev = new ResponseEvent(ResponseEvent.VERSION, prompt.slot(), prompt.attempt(), t.config().model(),
                            o.reply() == null ? null : o.reply().text(), o.error(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), System.currentTimeMillis(), prompt,
                            o.reply() == null ? null : o.reply().topLogprobs(), costUsd(t.config().price(), o.reply()));
                    return Uni.createFrom().item(in.withPayload(EventCodec.encode(ev))
                            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(ev.slot().kafkaKey()).build()));
                });
    }

    /** The call's cost by the target's price table and the provider's token counts; null without either. */
    static Double costUsd(dev.pmc.core.targets.TargetConfig.Price price, dev.pmc.gateway.provider.ProviderReply reply) {
        if (price == null || reply == null) return null;
        return (reply.inputTokens() * price.inputPerMTok() + reply.outputTokens() * price.outputPerMTok()) / 1e6;
    }
}
