package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.SlotId;
import dev.pmc.kafka.TopicReader;
import dev.pmc.kafka.quarkus.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the periodic refresh an hour apart, a run's reading still appears as soon as its last slot settles: the
 * milestone check refreshes at once. Until then (half the slots in) nothing beyond the start-up refresh happens.
 */
@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
@TestProfile(MilestoneRefreshTest.HourlyRefresh.class)
class MilestoneRefreshTest {
    public static class HourlyRefresh implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pmc.aggregator.refresh-interval", "1h");
        }
    }

    @Test
    void aCompletedRunIsReadAtOnceWithoutWaitingForTheRefreshTick() throws Exception {
        String bootstrap = EmbeddedKafkaResource.broker().bootstrapServers();
        TopicReader.send(bootstrap, Topics.TARGETS, "milestone", "{\"name\":\"milestone\"}");
        // two personas × 30 items × 2 repetitions, announced the way the prompt-generator does
        TopicReader.send(bootstrap, Topics.RUNS, "run-m", "{\"target\":\"milestone\",\"slots\":120,\"n\":2,\"personas\":2,"
                + "\"personaSet\":\"default\",\"state\":\"running\",\"mode\":\"sampling\"}");
        // persona 1 first: 60 of 120 slots, no milestone
        double held = personasHeld();
        sendPersona(bootstrap, 1);
        long deadline = System.currentTimeMillis() + 60_000;
        while (personasHeld() < held + 1 && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertEquals(held + 1, personasHeld(), "persona 1 is in the aggregator's index");
        Thread.sleep(1000);
        assertEquals(404, given().get("/api/v1/targets/milestone/metrics").statusCode(),
                "half a run is no milestone: no refresh since start-up (which found no target yet)");

        sendPersona(bootstrap, 0);
        JsonPath j = null;
        deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            var r = given().get("/api/v1/targets/milestone/metrics");
            if (r.statusCode() == 200) {
                j = r.jsonPath();
                if (j.getLong("ratingsCounted") == 120) break;
            }
            Thread.sleep(100);
        }
        assertTrue(j != null && j.getLong("ratingsCounted") == 120, "the completed run was read within 30 s, not at the next hourly refresh");
        assertEquals("run-m", j.getString("runId"));
        assertEquals(2, j.getInt("personas"));
        assertTrue((Boolean) j.get("runs.find { it.runId == 'run-m' }.complete"), "the run is complete");
        // ȳ: persona 0 = 2.5, persona 1 = 4 → S = SD over personas = 1.5/√2
        assertEquals(1.5 / Math.sqrt(2), j.getDouble("susceptibility"), 1e-6);
        assertFalse(Double.isNaN(j.getDouble("robustness")));
    }

    private static double personasHeld() {
        return MetricsResourceTest.sample(given().get("/q/metrics").asString(), "pmc_aggregator_personas_held");
    }

    /** One persona's 60 valid ratings: persona 0 answers 2 then 3, persona 1 answers 4 twice. */
    private static void sendPersona(String bootstrap, int p) throws Exception {
        for (int item = 1; item <= 30; item++) {
            for (int rep = 1; rep <= 2; rep++) {
                SlotId slot = new SlotId("run-m", "milestone", Integer.toString(p), item, rep);
                int rating = p == 0 ? 1 + rep : 4;
                TopicReader.send(bootstrap, Topics.RATINGS, slot.kafkaKey(), EventCodec.encode(new RatingEvent(1, slot, 1, RatingOutcome.VALID, rating, "t", 0)));
            }
        }
    }
}
