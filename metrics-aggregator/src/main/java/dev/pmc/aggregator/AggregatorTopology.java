package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.metrics.PersonaStats;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.Stores;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The aggregator's Kafka Streams topology.
 * <pre>
 * pmc.ratings (key target|run|persona)
 *   ├─ undecodable → pmc.ratings.dlq (header dead-letter-reason)
 *   └─ aggregate per key into PersonaStats (store "persona-stats", changelogged, first valid rating per slot wins)
 *        → pmc.persona-stats (compacted; cache-deduplicated, flushed every commit)
 *             → global table "persona-stats-global" on every instance, reduced per target by {@link TargetMetricsView}
 * </pre>
 * Per-persona state lives on the partition that owns the persona (so the work scales with partitions); the
 * per-target reduction needs every persona, which the compacted topic and global table give each instance.
 */
public final class AggregatorTopology {
    public static final String PERSONA_STORE = "persona-stats";
    public static final String GLOBAL_STORE = "persona-stats-global";

    private AggregatorTopology() {
    }

    /** A decoded rating or the raw payload with the reason it could not be decoded. */
    record Decoded(RatingEvent event, String raw, String error) {
    }

    public static Topology build() {
        StreamsBuilder b = new StreamsBuilder();
        Serde<String> str = Serdes.String();
        Serde<PersonaStats> statsSerde = JsonSerde.of(PersonaStats.class);
        Serde<RatingEvent> ratingSerde = JsonSerde.of(RatingEvent.class);

        KStream<String, Decoded> decoded = b.stream(Topics.RATINGS, Consumed.with(str, str).withName("ratings"))
                .processValues(DecodeProcessor::new, Named.as("decode"));
        Map<String, KStream<String, Decoded>> branches = decoded.split(Named.as("rating-"))
                .branch((k, d) -> d.error() != null, Branched.as("invalid"))
                .defaultBranch(Branched.as("ok"));
        branches.get("rating-invalid").mapValues(Decoded::raw, Named.as("raw-payload"))
                .to(Topics.RATINGS_DLQ, Produced.with(str, str).withName("dead-letters"));
        branches.get("rating-ok").mapValues(Decoded::event, Named.as("event"))
                .groupByKey(Grouped.with(str, ratingSerde))
                .aggregate(() -> new PersonaStats(null, null, null), AggregatorTopology::apply,
                        Named.as("cell-statistics"),
                        Materialized.<String, PersonaStats>as(Stores.inMemoryKeyValueStore(PERSONA_STORE))
                                .withKeySerde(str).withValueSerde(statsSerde).withCachingEnabled())
                .toStream(Named.as("persona-updates"))
                .to(Topics.PERSONA_STATS, Produced.with(str, statsSerde).withName("persona-stats-sink"));
        b.globalTable(Topics.PERSONA_STATS, Consumed.with(str, statsSerde).withName("persona-stats-source"),
                Materialized.<String, PersonaStats>as(Stores.inMemoryKeyValueStore(GLOBAL_STORE))
                        .withKeySerde(str).withValueSerde(statsSerde));
        return b.build();
    }

    /** Folds one rating into the persona's statistics (the store hands us a fresh copy each time). */
    static PersonaStats apply(String key, RatingEvent e, PersonaStats stats) {
        PersonaStats s = stats.getTarget() == null ? new PersonaStats(e.slot().target(), e.slot().runId(), e.slot().personaId()) : stats;
        s.accept(e);
        return s;
    }

    static final class DecodeProcessor implements FixedKeyProcessor<String, String, Decoded> {
        private FixedKeyProcessorContext<String, Decoded> ctx;

        @Override
        public void init(FixedKeyProcessorContext<String, Decoded> context) {
            this.ctx = context;
        }

        @Override
        public void process(FixedKeyRecord<String, String> rec) {
            try {
                RatingEvent e = EventCodec.decodeRating(rec.value());
                if (rec.key() == null || !rec.key().equals(e.slot().kafkaKey())) {
                    throw new InvalidEventException("record key " + rec.key() + " does not match slot key " + e.slot().kafkaKey());
                }
                ctx.forward(rec.withValue(new Decoded(e, null, null)));
            } catch (InvalidEventException ex) {
                rec.headers().add(EventCodec.DLQ_REASON_HEADER, ex.getMessage().getBytes(StandardCharsets.UTF_8));
                ctx.forward(rec.withValue(new Decoded(null, rec.value(), ex.getMessage())));
            }
        }
    }
}
