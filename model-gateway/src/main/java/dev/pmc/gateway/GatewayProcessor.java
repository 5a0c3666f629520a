package dev.pmc.gateway;

import dev.pmc.core.SamplingSeed;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.gateway.provider.ProviderRequest;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.gateway.provider.ProviderReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
    @jakarta.inject.Inject
    GatewayConfig config;
    private static final Logger LOG = Logger.getLogger(GatewayProcessor.class);

    @Inject
    GatewayTargets targets;
    @Inject
    ProviderCaller caller;
    @Inject
    MeterRegistry registry;
    /** How long a cell's group waits for its next repetition before it is asked as it is. */

    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

    private Counter deadLetters;

    @jakarta.annotation.PostConstruct
    void meters() {
        deadLetters = Counter.builder("pmc_gateway_dead_letters_total")
                .description("Prompt events sent to pmc.prompts.dlq (undecodable, wrong or for an unregistered target)").register(registry);
        io.micrometer.core.instrument.Gauge.builder("pmc_gateway_pending", pending, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Prompts taken from pmc.prompts and not yet answered (waiting for a limiter, a circuit or a reply)").register(registry);
    }

    @Incoming("prompts")
    @Outgoing("responses")
    public Multi<Message<String>> process(Multi<Message<String>> prompts) {
        // Not merge(max-pending): Mutiny's flatMap scans its array of in-flight inners on every completion, a cost
        // that grows with the prompts in flight (JFR: 10 % of the gateway's CPU in a paper-scale run). Here each
        // completed call simply asks the broker-side stream for one more prompt.
        return Multi.createFrom().emitter(out -> {
            BoundedCalls calls = new BoundedCalls(out);
            out.onTermination(calls::cancel);
            prompts.subscribe().withSubscriber(calls);
        }, io.smallrye.mutiny.subscription.BackPressureStrategy.BUFFER);
    }

    /**
     * Takes at most {@code pmc.gateway.max-pending} prompts at a time (plus what a cell's open group still lacks): it
     * requests that many, and more each time prompts are done (answered, failed after their retries, or dead-lettered).
     * A target with {@code choicesPerCall} k > 1 gets a cell's consecutive repetitions asked in one call for k answers
     * (see {@link CellGroup}). Responses go to the emitter, which serializes concurrent emissions from the HTTP client's
     * threads.
     */
    private final class BoundedCalls implements io.smallrye.mutiny.subscription.MultiSubscriber<Message<String>> {
        private final io.smallrye.mutiny.subscription.MultiEmitter<? super Message<String>> out;
        private volatile java.util.concurrent.Flow.Subscription upstream;
        // guarded by this: prompts requested and not yet received, received and not yet done, the group being filled
        private long outstanding;
        private long held;
        private CellGroup open;

        BoundedCalls(io.smallrye.mutiny.subscription.MultiEmitter<? super Message<String>> out) {
            this.out = out;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            upstream = s;
            topUp();
        }

        @Override
        public void onItem(Message<String> m) {
            pending.incrementAndGet();
            Prepared p = prepare(m);
            boolean grouped = p != null && p.groupable();
            CellGroup ready = null;
            synchronized (this) {
                outstanding--;
                held++;
                if (grouped) {
                    if (open != null && open.accepts(p)) {
                        open.add(m, p);
                        if (open.full()) {
                            ready = open;
                            open = null;
                        }
                    } else {
                        // another cell (or the next attempt, or a gap): the open group goes as it is
                        ready = open;
                        CellGroup g = new CellGroup(m, p);
                        open = g;
                        targets.timer().schedule(() -> flushIfIdle(g), config.coalesceWaitMs(), TimeUnit.MILLISECONDS);
                    }
                }
            }
            if (ready != null) send(ready);
            if (!grouped) handle(m, p).subscribe().with(response -> {
                if (response != null) out.emit(response);
                done(1);
            }, failure -> {
                // handle() dead-letters every failure itself; this is a bug guard, the stream goes on
                LOG.errorf(failure, "prompt handling failed");
                done(1);
            });
            topUp();
        }

        /** No repetition of the cell came for pmc.gateway.coalesce-wait-ms (end of a run, or of a poll): ask what is there. */
        private void flushIfIdle(CellGroup g) {
            synchronized (this) {
                if (open != g) return;
                long idle = System.nanoTime() - g.lastAddNanos;
                long wait = TimeUnit.MILLISECONDS.toNanos(config.coalesceWaitMs());
                if (idle < wait) {
                    targets.timer().schedule(() -> flushIfIdle(g), wait - idle, TimeUnit.NANOSECONDS);
                    return;
                }
                open = null;
            }
            send(g);
        }

        private void send(CellGroup g) {
            callGroup(g).subscribe().with(responses -> {
                for (Message<String> r : responses) if (r != null) out.emit(r);
                done(g.size());
            }, failure -> {
                LOG.errorf(failure, "prompt group handling failed");
                for (Message<String> m : g.messages) deadLetter(m, failure).subscribe().with(x -> { }, e -> { });
                done(g.size());
            });
        }

        private synchronized void done(int prompts) {
            pending.addAndGet(-prompts);
            held -= prompts;
            topUp();
        }

        /** Request and cancel must not run concurrently (Reactive Streams 2.7); completions come from many threads. */
        private synchronized void topUp() {
            if (upstream == null) return;
            // an open group may always fill up, or it would wait for its timer whenever max-pending is reached
            long want = config.maxPending() - held + (open == null ? 0 : open.room());
            if (want > outstanding) {
                upstream.request(want - outstanding);
                outstanding = want;
            }
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
            CellGroup last;
            synchronized (this) {
                last = open;
                open = null;
            }
            if (last != null) send(last);
            out.complete();
        }
    }

    /** A decoded prompt and its target's runtime (null while the target is not known to this replica). */
    record Prepared(PromptEvent prompt, TargetRuntime target) {
        /** Whether it may share a call with its cell's neighbours: a first attempt, sampled, for a target taking k > 1 answers per call. */
        boolean groupable() {
            return target != null && target.config().choices() > 1 && !prompt.logprobMode() && prompt.attempt() == 1;
        }
    }

    /** Null when the prompt cannot be decoded or its key does not match: {@link #handle} then dead-letters it with the reason. */
    private Prepared prepare(Message<String> in) {
        try {
            return decode(in);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The prompt, checked against its record key, and its target's runtime; throws with the reason for a wrong record. */
    private Prepared decode(Message<String> in) {
        PromptEvent prompt = EventCodec.decodePrompt(in.getPayload());
        in.getMetadata(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                .ifPresent(md -> EventCodec.checkKey((String) md.getKey(), prompt.slot()));
        return new Prepared(prompt, targets.get(prompt.slot().target()));
    }

    /**
     * Consecutive repetitions r, r+1, … of one cell (same run, persona, item, instrument, prompt text, temperature and
     * max tokens; first attempts), at most the target's choicesPerCall. They are asked in one call with the first one's
     * sampling seed: {@link SamplingSeed#choice} makes choice i the seed of repetition r+i, so a simulated provider gives
     * each slot the answer it would give it alone.
     */
    static final class CellGroup {
        final TargetRuntime target;
        final java.util.List<Message<String>> messages = new java.util.ArrayList<>();
        final java.util.List<PromptEvent> prompts = new java.util.ArrayList<>();

        long lastAddNanos;

        CellGroup(Message<String> m, Prepared p) {
            this.target = p.target();
            add(m, p);
        }

        void add(Message<String> m, Prepared p) {
            lastAddNanos = System.nanoTime();
            messages.add(m);
            prompts.add(p.prompt());
        }

        int size() {
            return prompts.size();
        }

        boolean full() {
            return size() >= target.config().choices();
        }

        int room() {
            return Math.max(0, target.config().choices() - size());
        }

        boolean accepts(Prepared p) {
            if (p.target() != target || full()) return false;
            PromptEvent last = prompts.get(prompts.size() - 1), e = p.prompt();
            SlotId a = last.slot(), b = e.slot();
            return b.repetition() == a.repetition() + 1 && e.attempt() == last.attempt() && a.itemId() == b.itemId()
                    && a.runId().equals(b.runId()) && a.personaId().equals(b.personaId()) && java.util.Objects.equals(a.instrument(), b.instrument())
                    && java.util.Objects.equals(last.system(), e.system()) && java.util.Objects.equals(last.user(), e.user())
                    && last.temperature() == e.temperature() && last.maxTokens() == e.maxTokens();
        }
    }

    Uni<Message<String>> handle(Message<String> in, Prepared p) {
        try {
            return call(in, p == null ? decode(in) : p).onFailure().recoverWithUni(e -> deadLetter(in, e));
        } catch (RuntimeException e) {
            return deadLetter(in, e);
        }
    }

    /** Never fails the stream: the prompt goes to pmc.prompts.dlq with the reason. */
    private Uni<Message<String>> deadLetter(Message<String> in, Throwable e) {
        deadLetters.increment();
        Throwable reason = InvalidEventException.reason(e);
        return Uni.createFrom().completionStage(in.nack(reason)).onItem().transform(x -> (Message<String>) null);
    }

    private Uni<Message<String>> call(Message<String> in, Prepared p) {
        PromptEvent prompt = p.prompt();
        if (p.target() != null) return call(in, prompt, p.target());
        // a target is registered before its prompts are published, but this replica may not have read it yet
        // (just started, or a prompt overtaking the registry record): read pmc.targets up to now, then decide
        return Uni.createFrom().completionStage(targets::sync).flatMap(synced -> {
            TargetRuntime t = targets.get(prompt.slot().target());
            if (t == null) throw new InvalidEventException("target '" + prompt.slot().target() + "' is not registered (pmc.targets)");
            return call(in, prompt, t);
        });
    }

    private Uni<Message<String>> call(Message<String> in, PromptEvent prompt, TargetRuntime t) {
        CellGroup one = new CellGroup(in, new Prepared(prompt, t));
        return callGroup(one).onItem().transform(list -> list.get(0));
    }

    /**
     * One provider call for the group's prompts (n = its size when more than one), split into one response event per
     * prompt: choice i answers prompt i. Input tokens are paid once, so the call's cost is shared equally. A reply with
     * fewer choices than asked leaves the rest with an error (the scorer re-asks those slots one by one). A null entry:
     * the target was deleted while the call waited (the prompt is acknowledged, nothing is answered).
     */
    private Uni<java.util.List<Message<String>>> callGroup(CellGroup g) {
        TargetRuntime t = g.target;
        PromptEvent first = g.prompts.get(0);
        String system = first.system();
        if (t.config().systemPrompt() != null) system = system == null ? t.config().systemPrompt() : t.config().systemPrompt() + "\n\n" + system;
        int k = g.size();
        var request = new ProviderRequest(system, first.user(), first.temperature(), first.maxTokens(),
                SamplingSeed.of(first.slot().runId(), first.slot().repetition(), first.attempt()),
                first.logprobMode() ? first.topLogprobs() : null, k);
        long start = System.nanoTime();
        return Uni.createFrom().completionStage(() -> caller.call(t, request, targets.timer()))
                .flatMap(o -> {
                    java.util.List<Message<String>> out = new java.util.ArrayList<>(k);
                    if (o.dropped()) {
                        // the target was deleted while these prompts waited: nothing to answer
                        java.util.concurrent.CompletableFuture<?>[] acks = new java.util.concurrent.CompletableFuture<?>[k];
                        for (int i = 0; i < k; i++) {
                            acks[i] = g.messages.get(i).ack().toCompletableFuture();
                            out.add(null);
                        }
                        return Uni.createFrom().completionStage(java.util.concurrent.CompletableFuture.allOf(acks)).onItem().transform(x -> out);
                    }
                    if (o.error() != null) LOG.debugf("slot %s attempt %d (%d prompts) failed after %d calls: %s", first.slot().id(), first.attempt(), k, o.calls(), o.error());
                    java.util.List<ResponseEvent> events = responses(g.prompts, t.config().model(), o, t.config().price(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), System.currentTimeMillis());
                    if (o.reply() != null && o.reply().refusal() == null && o.reply().texts().size() < k) fewerChoices(t, o.reply().texts().size(), k);
                    for (int i = 0; i < k; i++) {
                        ResponseEvent ev = events.get(i);
                        out.add(g.messages.get(i).withPayload(EventCodec.encode(ev))
                                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(ev.slot().kafkaKey()).build()));
                    }
                    t.meters().responses.increment(k);
                    return Uni.createFrom().item(out);
                });
    }

    /**
     * The response events of one call made for {@code prompts}: choice i answers prompt i; a prompt without a choice (the
     * provider returned fewer than asked) gets an error, so the scorer re-asks it; a failed call gives every prompt its
     * error. The call's cost is shared equally (the prompt's input tokens were paid once for all of them).
     */
    static java.util.List<ResponseEvent> responses(java.util.List<PromptEvent> prompts, String model, ProviderCaller.Outcome o,
                                                   TargetConfig.Price price, long latencyMs, long nowMs) {
        int k = prompts.size();
        Double cost = costUsd(price, o.reply());
        int answered = o.reply() == null ? 0 : Math.min(k, o.reply().texts().size());
        java.util.List<ResponseEvent> out = new java.util.ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            PromptEvent prompt = prompts.get(i);
            String text = i < answered ? o.reply().texts().get(i) : null;
            String error = o.error() != null ? o.error()
                    : o.reply().refusal() != null ? ResponseEvent.PROVIDER_REFUSAL + o.reply().refusal()
                    : i < answered ? null : "the provider returned " + answered + " of " + k + " choices asked for (n)";
            out.add(new ResponseEvent(ResponseEvent.VERSION, prompt.slot(), prompt.attempt(), model, text, error, latencyMs, nowMs, prompt,
                    i == 0 && o.reply() != null ? o.reply().topLogprobs() : null, cost == null ? null : cost / k));
        }
        return out;
    }

    /** Once per target runtime: an endpoint that ignores n costs a re-ask per missing answer; say how to stop it. */
    private void fewerChoices(TargetRuntime t, int answered, int asked) {
        if (t.fewerChoicesWarned().compareAndSet(false, true)) {
            LOG.warnf("target %s: the provider returned %d of %d choices asked for; the missing slots are re-asked one by one."
                    + " If its endpoint ignores n, set choicesPerCall: 1 for it", t.name(), answered, asked);
        }
    }

    /** The call's cost by the target's price table and the provider's token counts; null without either. */
    static Double costUsd(TargetConfig.Price price, ProviderReply reply) {
        if (price == null || reply == null) return null;
        return (reply.inputTokens() * price.inputPerMTok() + reply.outputTokens() * price.outputPerMTok()) / 1e6;
    }
}
