package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.metrics.PersonaStats;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The aggregator's Kafka Streams topology.
 * <pre>
 * pmc.ratings (key target|run|persona)
 *   └─ cell-statistics: decode and admit (full event checks, key = slot key, registered target, repetition ≤ the
 *      run's n), then fold into the persona's PersonaStats (store "persona-stats", changelogged; a slot settles once)
 *        ├─ refused or failing records → pmc.ratings.dlq (header dead-letter-reason), and the stream goes on
 *        ├─ control records (header pmc-control: expire) delete the persona → tombstone
 *        └─ changed personas, at most once per commit interval → pmc.persona-stats (compacted)
 * </pre>
 * Store, changelog and both outputs commit in one transaction (exactly-once v2). Per-persona state lives on the
 * partition that owns the persona (the work scales with partitions); the per-target reduction reads pmc.persona-stats
 * ({@link PersonaIndex}).
 */
public final class AggregatorTopology {
    public static final String PERSONA_STORE = "persona-stats";
    /**
     * Personas changed since the last flush to pmc.persona-stats. A store (changelogged, in the same transaction) rather
     * than a field, so a task that moves to another instance between a change and its flush is flushed there.
     */
    public static final String DIRTY_STORE = "persona-stats-dirty";
    /** Header of control records on pmc.ratings; value {@link #EXPIRE}: delete the persona's statistics (retention). */
    public static final String CONTROL_HEADER = "pmc-control";
    public static final String EXPIRE = "expire";
    static final String PROCESSOR = "cell-statistics", DLQ_SINK = "dead-letters", STATS_SINK = "persona-stats-sink";

    /** Whether a decoded rating may enter state: null if so, else the reason it goes to the dead-letter topic. */
    public interface Admission {
        String refuse(RatingEvent e);

        Admission ALL = e -> null;
    }

    private AggregatorTopology() {
    }

    public static Topology build() {
        return build(Admission.ALL, Duration.ofMillis(200));
    }

    public static Topology build(Admission admission, Duration flushInterval) {
        Serde<PersonaStats> statsSerde = JsonSerde.of(PersonaStats.class);
        Topology t = new Topology();
        t.addSource("ratings", new StringDeserializer(), new StringDeserializer(), Topics.RATINGS);
        t.addProcessor(PROCESSOR, () -> new PersonaProcessor(admission, flushInterval), "ratings");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PERSONA_STORE), Serdes.String(), PersonaStatsSerde.serde())
                .withCachingEnabled(), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DIRTY_STORE), Serdes.String(), Serdes.Long())
                .withCachingEnabled(), PROCESSOR);
        t.addSink(DLQ_SINK, Topics.RATINGS_DLQ, new StringSerializer(), new StringSerializer(), PROCESSOR);
        t.addSink(STATS_SINK, Topics.PERSONA_STATS, new StringSerializer(), statsSerde.serializer(), PROCESSOR);
        return t;
    }

    /** Folds ratings into per-persona statistics; never throws on a record (a bad one is dead-lettered). */
    static final class PersonaProcessor implements Processor<String, String, String, Object> {
        private final Admission admission;
        private final Duration flushInterval;
        private ProcessorContext<String, Object> ctx;
        private KeyValueStore<String, PersonaStats> store;
        private KeyValueStore<String, Long> dirty;

        PersonaProcessor(Admission admission, Duration flushInterval) {
            this.admission = admission;
            this.flushInterval = flushInterval;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.ctx = context;
            this.store = context.getStateStore(PERSONA_STORE);
            this.dirty = context.getStateStore(DIRTY_STORE);
            context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
        }

        @Override
        public void process(Record<String, String> rec) {
            try {
                var control = rec.headers().lastHeader(CONTROL_HEADER);
                if (control != null) {
                    control(rec, new String(control.value(), StandardCharsets.UTF_8));
                    return;
                }
                RatingEvent e = EventCodec.decodeRating(rec.value());
                EventCodec.checkKey(rec.key(), e.slot());
                String refused = admission.refuse(e);
                if (refused != null) throw new InvalidEventException(refused);
                PersonaStats stats = store.get(rec.key());
                if (stats == null) stats = new PersonaStats(e.slot().target(), e.slot().runId(), e.slot().personaId(), e.slot().instrument());
                stats.accept(e);
                store.put(rec.key(), stats);
                dirty.put(rec.key(), rec.timestamp());
            } catch (RuntimeException ex) {
                deadLetter(rec, ex);
            }
        }

        private void control(Record<String, String> rec, String command) {
            if (!EXPIRE.equals(command) || rec.key() == null) throw new InvalidEventException("unknown control record " + command);
            if (store.get(rec.key()) == null) return;
            store.delete(rec.key());
            dirty.delete(rec.key());
            ctx.forward(new Record<String, Object>(rec.key(), null, rec.timestamp()), STATS_SINK);
        }

        private void deadLetter(Record<String, String> rec, RuntimeException ex) {
            String reason = ex instanceof InvalidEventException ? ex.getMessage() : ex.getClass().getSimpleName() + ": " + ex.getMessage();
            rec.headers().remove(EventCodec.DLQ_REASON_HEADER);
            rec.headers().add(EventCodec.DLQ_REASON_HEADER, String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
            ctx.forward(new Record<String, Object>(rec.key(), rec.value(), rec.timestamp(), rec.headers()), DLQ_SINK);
        }

        /** Publishes the personas that changed since the last flush (one record per persona, however many ratings). */
        private void flush() {
            long now = System.currentTimeMillis();
            java.util.List<String> keys = new java.util.ArrayList<>();
            try (var it = dirty.all()) {
                it.forEachRemaining(kv -> keys.add(kv.key));
            }
            for (String key : keys) {
                PersonaStats s = store.get(key);
                if (s != null) ctx.forward(new Record<String, Object>(key, s, now), STATS_SINK);
                dirty.delete(key);
            }
        }
    }
}
