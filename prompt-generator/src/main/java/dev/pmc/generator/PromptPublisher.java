package dev.pmc.generator;

import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.metrics.SequentialDesign;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * On the leader, publishes every active run's prompt events to pmc.prompts (keyed target|run|persona), one publisher
 * thread per run, in a fixed slot order (persona, item, repetition) with credit-based flow control: at most
 * {@code pmc.run.window} of a run's slots are published but not yet settled. The window bounds what a run can park in
 * the gateway, so a slow or failing target never fills the gateway's capacity and never delays another target's
 * prompts. A run resumes where Kafka acknowledged a contiguous prefix of its slots (recorded in pmc.runs), so a
 * leader change or a crash never loses a slot (a few may be published twice; the aggregator counts a slot once). A
 * cancelled run, or one whose target was deleted, stops publishing.
 */
@ApplicationScoped
public class PromptPublisher implements LeaderElection.Listener {
    private static final Logger LOG = Logger.getLogger(PromptPublisher.class);

    @Inject
    @Channel("prompts")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
    Emitter<String> emitter;
    @Inject
    MeterRegistry registry;
    @Inject
    RunStore store;
    @Inject
    ProgressTracker progress;
    @Inject
    TargetRegistry targets;
    @Inject
    LeaderElection leader;
    @ConfigProperty(name = "pmc.run.window")
    int window;

    private final Map<String, Publisher> publishers = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "prompt-publisher");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-publishing");
        t.setDaemon(true);
        return t;
    });

    void start(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 700) StartupEvent ev) {
        leader.addListener(this);
        supervisor.scheduleWithFixedDelay(this::superviseSafely, 200, 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public void elected() {
        LOG.info("leader: resuming the publication of every active run");
    }

    @Override
    public void demoted() {
        publishers.values().forEach(Publisher::stop);
        publishers.clear();
    }

    private void superviseSafely() {
        try {
            supervise();
        } catch (RuntimeException e) {
            LOG.errorf(e, "run publishing supervisor");
        }
    }

    /** Starts a publisher for every active run that still has slots to publish (leader only). */
    void supervise() {
        publishers.values().removeIf(p -> p.done);
        if (!leader.isLeader()) return;
        for (Run r : store.all()) {
            if (!r.active()) continue;
            if (targets.get(r.target()).isEmpty()) {
                stop(r.runId());
                store.cancel(r.runId(), "target " + r.target() + " was deleted");
                continue;
            }
            if (r.published() >= r.released() || publishers.containsKey(r.runId())) continue;
            Publisher p = new Publisher(r);
            publishers.put(r.runId(), p);
            threads.submit(p);
        }
    }

    /** Looks for runs to publish now instead of at the next supervision tick (a run was just added). */
    public void wake() {
        supervisor.execute(this::superviseSafely);
    }

    /** Stops publishing a run (cancelled, or its target deleted). */
    public void stop(String runId) {
        Publisher p = publishers.remove(runId);
        if (p != null) p.stop();
    }

    /** One run's publication from its recorded prefix on. */
    private final class Publisher implements Runnable {
        final Run run;
        volatile boolean stopped, done;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Publisher(Run run) {
            this.run = run;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            try {
                publish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                LOG.errorf(t, "publishing run %s failed", run.runId());
                store.update(run.runId(), r -> r.withFailure("publishing failed: " + t.getMessage()));
            } finally {
                done = true;
            }
        }

        private void publish() throws InterruptedException {
            List<String> personas = personas(run);
            int n = run.n();
            long start = run.published(), total = run.slots();
            // a sequential run's slots in stage order (each stage a prefix); others by persona, item, repetition
            SequentialDesign design = run.isSequential()
                    ? SequentialDesign.of(run.runId(), run.personas(), n) : null;
            if (start > 0) LOG.infof("run %s of %s: resuming publication at slot %d of %d", run.runId(), run.target(), start, total);
            Instrument instrument = Instruments.get(run.instrument());
            int items = instrument.size();
            // every slot of an item asks the same user message: built once per run
            String[] userPrompts = new String[items + 1];
            for (Instrument.Item it : instrument.items()) userPrompts[it.id()] = instrument.userPrompt(it);
            String instrumentField = instrument.name();
            Counter counter = Counter.builder("pmc_prompts_published_total").description("Prompt events published (acknowledged by Kafka)")
                    .tags("target", run.target(), "instrument", instrument.name()).register(registry);
            // acknowledged slots above the contiguous prefix, and the prefix itself (what a successor resumes from)
            BitSet acked = new BitSet();
            long[] prefix = {start};
            Object lock = new Object();
            long createdAt = System.currentTimeMillis();
            for (long i = start; i < total; i++) {
                while (i - progress.settled(run.runId()) >= window || i - prefix[0] >= window) {
                    if (!stillPublishing()) return;
                    Thread.sleep(20);
                }
                if (!stillPublishing()) return;
                if (design != null) {
                    // wait until the aggregator's decision releases slot i (next stage) or ends the run before it
                    Run now;
                    while ((now = store.get(run.runId()).orElse(null)) != null && now.active() && i < now.slots() && i >= now.released()) {
                        if (!stillPublishing()) return;
                        Thread.sleep(50);
                    }
                    if (now == null || !now.active()) return;
                    total = now.slots();
                    if (i >= total) break;
                }
                if (failure.get() != null) throw new IllegalStateException("Kafka refused prompt events", failure.get());
                int persona, rep, itemId;
                if (design != null) {
                    SequentialDesign.Slot s = design.slot(i);
                    persona = s.persona();
                    itemId = s.itemId();
                    rep = s.repetition();
                } else {
                    persona = (int) (i / ((long) items * n));
                    int rest = (int) (i % ((long) items * n));
                    itemId = rest / n + 1;
                    rep = rest % n + 1;
                }
                boolean self = personas == null;
                SlotId slot = new SlotId(run.runId(), run.target(), self ? PersonaCatalog.SELF : Integer.toString(persona), itemId, rep, instrumentField);
                PromptEvent ev = new PromptEvent(PromptEvent.VERSION, slot, 1, self ? null : PromptTemplate.system(personas.get(persona)),
                        userPrompts[itemId], run.temperature(), run.maxTokens() == null ? 4 : run.maxTokens(), createdAt, run.topLogprobs());
                final long index = i;
                Message<String> msg = Message.of(EventCodec.encode(ev))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(slot.kafkaKey()).build())
                        .withAck(() -> {
                            counter.increment();
                            long p;
                            synchronized (lock) {
                                acked.set((int) (index - start));
                                while (acked.get((int) (prefix[0] - start))) prefix[0]++;
                                p = prefix[0];
                            }
                            final long published = p;
                            store.update(run.runId(), r -> r.withPublished(published));
                            return CompletableFuture.completedFuture(null);
                        })
                        .withNack(t -> {
                            failure.compareAndSet(null, t);
                            return CompletableFuture.completedFuture(null);
                        });
                emitter.send(msg);
            }
            long end = total;
            while (prefix[0] < end && stillPublishing() && failure.get() == null) {
                Thread.sleep(20);
                end = Math.min(end, store.get(run.runId()).map(Run::slots).orElse(end));
            }
            if (failure.get() != null) throw new IllegalStateException("Kafka refused prompt events", failure.get());
            if (prefix[0] >= end) LOG.infof("run %s: published %d prompt events for %s", run.runId(), end - start, run.target());
        }

        private boolean stillPublishing() {
            if (stopped || !leader.isLeader()) return false;
            Run now = store.get(run.runId()).orElse(null);
            return now != null && now.active();
        }
    }

    /** The run's persona texts (null for a self run). */
    static List<String> personas(Run run) {
        return switch (run.personaSet()) {
            case "self" -> null;
            case "default" -> PersonaCatalog.defaultSet();
            case "toxic" -> PersonaCatalog.toxicSet();
            default -> run.personaTexts();
        };
    }

    @PreDestroy
    void shutdown() throws InterruptedException {
        publishers.values().forEach(Publisher::stop);
        supervisor.shutdownNow();
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
