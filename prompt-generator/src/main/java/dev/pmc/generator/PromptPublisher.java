package dev.pmc.generator;

import dev.pmc.core.Mfq30;
import dev.pmc.core.MfqItem;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.SlotId;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes one {@link PromptEvent} per slot of a run to pmc.prompts, keyed by target|run|persona, on a
 * background thread with a bounded window of unacknowledged sends (so a 30,000-slot run cannot overflow
 * the emitter and the HTTP request returns at once).
 */
@ApplicationScoped
public class PromptPublisher {
    private static final Logger LOG = Logger.getLogger(PromptPublisher.class);

    @Inject
    @Channel("prompts")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
    Emitter<String> emitter;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "pmc.run.publish-window")
    int window;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "prompt-publisher"));

    /** Starts publishing; progress and the final state are reported to {@code progress}. */
    public void publish(Run run, RunPlanner.Plan plan, java.util.function.BiConsumer<Long, Throwable> progress) {
        executor.submit(() -> {
            try {
                publishNow(run, plan, progress);
            } catch (Throwable t) {
                LOG.errorf(t, "publishing run %s failed", run.runId());
                progress.accept(-1L, t);
            }
        });
    }

    private void publishNow(Run run, RunPlanner.Plan plan, java.util.function.BiConsumer<Long, Throwable> progress)
            throws InterruptedException {
        int window = Math.min(this.window, 16000);
        Semaphore permits = new Semaphore(window);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        var counter = io.micrometer.core.instrument.Counter.builder("pmc_prompts_published_total").description("Prompt events published (acknowledged by Kafka)").tag("target", run.target()).register(registry);
        int personas = plan.self() ? 1 : plan.personas().size();
        long now = System.currentTimeMillis();
        for (int p = 0; p < personas && failure.get() == null; p++) {
            String personaId = plan.self() ? PersonaCatalog.SELF : Integer.toString(p);
            String system = plan.self() ? null : PromptTemplate.system(plan.personas().get(p));
            for (MfqItem item : Mfq30.get().items()) {
                String user = PromptTemplate.user(item);
                for (int rep = 1; rep <= plan.n(); rep++) {
                    SlotId slot = new SlotId(run.runId(), run.target(), personaId, item.id(), rep);
                    PromptEvent ev = new PromptEvent(PromptEvent.VERSION, slot, 1, system, user, plan.temperature(), plan.maxTokens(), now,
                            plan.topLogprobs());
                    permits.acquire();
                    Message<String> msg = Message.of(EventCodec.encode(ev))
                            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(slot.kafkaKey()).build())
                            .withAck(() -> {
                                counter.increment();
                                long a = acked.incrementAndGet();
                                permits.release();
                                if (a % 1000 == 0) progress.accept(a, null);
                                return CompletableFuture.completedFuture(null);
                            })
                            .withNack(t -> {
                                permits.release();
                                failure.compareAndSet(null, t);
                                return CompletableFuture.completedFuture(null);
                            });
                    emitter.send(msg);
                }
            }
        }
        permits.acquire(window); // wait until every send was acknowledged
        if (failure.get() != null) throw new IllegalStateException("Kafka refused prompt events", failure.get());
        progress.accept(acked.get(), null);
        LOG.infof("run %s: published %d prompt events for %s", run.runId(), acked.get(), run.target());
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
