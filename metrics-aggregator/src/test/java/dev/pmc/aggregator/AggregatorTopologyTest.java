package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.core.metrics.PersonaStats;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator's topology without a broker (Kafka Streams' TopologyTestDriver): a published reference file folded
 * into per-persona statistics gives the published S, R and ū; duplicates count once; records that decode but are wrong
 * (key of another slot, a target the admission refuses) and records that do not decode go to pmc.ratings.dlq with
 * their reason while the good ones go on; a retention control record tombstones the persona.
 */
class AggregatorTopologyTest {
    private static final Duration FLUSH = Duration.ofMillis(200);

    private static TopologyTestDriver driver() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        AggregatorTopology.Admission admission = e -> e.slot().target().equals("unregistered") ? "target 'unregistered' is not registered" : null;
        return new TopologyTestDriver(AggregatorTopology.build(admission, FLUSH), p);
    }

    private static TestInputTopic<String, String> ratings(TopologyTestDriver d) {
        return d.createInputTopic(Topics.RATINGS, new StringSerializer(), new StringSerializer());
    }

    private static TestOutputTopic<String, PersonaStats> stats(TopologyTestDriver d) {
        return d.createOutputTopic(Topics.PERSONA_STATS, new StringDeserializer(), JsonSerde.of(PersonaStats.class).deserializer());
    }

    private static String rating(SlotId slot, Integer value) {
        return EventCodec.encode(value == null ? new RatingEvent(RatingEvent.VERSION, slot, 1, RatingOutcome.NO_RATING, null, "test", 0)
                : new RatingEvent(RatingEvent.VERSION, slot, 1, RatingOutcome.VALID, value, "test", 0));
    }

    @Test
    void aReferenceFileFoldsIntoThePublishedMetricsAndDuplicatesCountOnce() throws Exception {
        List<ReferenceCsv.Row> rows = ReferenceCsv.read(AggregatorStreamsTest.reference("gemini-2.5-flash-lite_temp01.csv"));
        try (TopologyTestDriver d = driver()) {
            var in = ratings(d);
            var out = stats(d);
            for (ReferenceCsv.Row r : rows) {
                SlotId slot = new SlotId("run-1", "ref-gemini", Integer.toString(r.personaId()), r.questionId(), r.runIndex());
                in.pipeInput(slot.kafkaKey(), rating(slot, r.valid() ? r.rating() : null));
            }
            // the same first 3,000 slots again with other ratings: the first rating of a slot wins
            for (ReferenceCsv.Row r : rows.subList(0, 3000)) {
                SlotId slot = new SlotId("run-1", "ref-gemini", Integer.toString(r.personaId()), r.questionId(), r.runIndex());
                in.pipeInput(slot.kafkaKey(), rating(slot, r.valid() ? Math.min(5, r.rating() + 1) : null));
            }
            d.advanceWallClockTime(FLUSH.multipliedBy(2));
            Map<String, PersonaStats> latest = out.readKeyValuesToMap();
            TargetMetrics t = TargetMetricsView.compute(latest.values()).get("ref-gemini");
            // expected_metrics.csv: gemini-2.5-flash-lite, 97 personas
            assertEquals(97, t.personas());
            assertEquals(0.8092012907159629, t.susceptibility(), 1e-9);
            assertEquals(27.730647418524374, t.robustness(), 1e-9);
            assertEquals(0.0360611847573378, t.withinSd(), 1e-9);
            assertEquals(rows.stream().filter(ReferenceCsv.Row::valid).count(), t.ratingsCounted());
            assertEquals(rows.subList(0, 3000).stream().filter(ReferenceCsv.Row::valid).count(), t.runs().get(0).duplicates());
        }
    }

    @Test
    void wrongRecordsAreDeadLetteredWithTheirReasonAndTheStreamGoesOn() {
        try (TopologyTestDriver d = driver()) {
            var in = ratings(d);
            var dlq = d.createOutputTopic(Topics.RATINGS_DLQ, new StringDeserializer(), new StringDeserializer());
            SlotId good = new SlotId("run-2", "sim-base", "7", 3, 1);
            SlotId other = new SlotId("run-2", "sim-base", "8", 3, 1);
            in.pipeInput("junk-key", "definitely not json");                                   // does not decode
            in.pipeInput(other.kafkaKey(), rating(good, 4));                                      // key of another persona
            SlotId refused = new SlotId("run-2", "unregistered", "7", 3, 1);
            in.pipeInput(refused.kafkaKey(), rating(refused, 4));                                 // admission refuses it
            in.pipeInput(good.kafkaKey(), rating(good, 4));                                       // and the stream goes on
            List<TestRecord<String, String>> dead = new ArrayList<>(dlq.readRecordsToList());
            assertEquals(3, dead.size(), dead.toString());
            assertEquals("definitely not json", dead.get(0).value(), "dead-lettered as it arrived");
            List<String> reasons = dead.stream().map(r -> new String(r.headers().lastHeader(EventCodec.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8)).toList();
            assertTrue(reasons.get(0).contains("undecodable RatingEvent"), reasons.get(0));
            assertTrue(reasons.get(1).contains("key"), reasons.get(1));
            assertTrue(reasons.get(2).contains("not registered"), reasons.get(2));
            d.advanceWallClockTime(FLUSH.multipliedBy(2));
            Map<String, PersonaStats> latest = stats(d).readKeyValuesToMap();
            assertEquals(1, latest.size(), latest.keySet().toString());
            assertEquals(1, latest.get(good.kafkaKey()).validCount());
        }
    }

    @Test
    void aRetentionControlRecordTombstonesThePersona() {
        try (TopologyTestDriver d = driver()) {
            var in = ratings(d);
            var out = stats(d);
            SlotId slot = new SlotId("run-3", "sim-base", "1", 1, 1);
            in.pipeInput(slot.kafkaKey(), rating(slot, 2));
            d.advanceWallClockTime(FLUSH.multipliedBy(2));
            assertNotNull(out.readKeyValuesToMap().get(slot.kafkaKey()));
            RecordHeaders control = new RecordHeaders();
            control.add(AggregatorTopology.CONTROL_HEADER, AggregatorTopology.EXPIRE.getBytes(StandardCharsets.UTF_8));
            in.pipeInput(new TestRecord<>(slot.kafkaKey(), "", control));
            var tombstone = out.readRecord();
            assertEquals(slot.kafkaKey(), tombstone.key());
            assertNull(tombstone.value());
        }
    }
}
