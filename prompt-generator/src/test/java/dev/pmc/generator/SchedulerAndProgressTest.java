package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.SlotId;
import dev.pmc.kafka.TopicReader;
import dev.pmc.kafka.quarkus.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
@io.quarkus.test.junit.TestProfile(SchedulerAndProgressTest.SmallWindow.class)
class SchedulerAndProgressTest {
    /** A run window of 100 prompts, so flow control shows on a small run. */
    public static class SmallWindow implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("pmc.run.window", "100");
        }
    }

    static String bootstrap() {
        return EmbeddedKafkaResource.broker().bootstrapServers();
    }

    /**
     * Folds a rating into the persona's statistics and writes them to pmc.persona-stats, as the aggregator does: the
     * generator's progress is what the aggregator counted.
     */
    static void rating(dev.pmc.core.metrics.PersonaStats stats, String runId, String target, String persona, int item, RatingOutcome outcome, boolean last) {
        SlotId slot = new SlotId(runId, target, persona, item, 1);
        stats.accept(new RatingEvent(1, slot, 1, outcome, outcome == RatingOutcome.VALID ? 3 : null, "test", System.currentTimeMillis(), last));
        TopicReader.send(bootstrap(), Topics.PERSONA_STATS, slot.kafkaKey(), EventCodec.encode(stats));
    }

    @Test
    void aRunCompletesWhenEverySlotIsSettledOnceAndItsRecordIsOnPmcRuns() throws Exception {
        String runId = given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"self\",\"n\":1}")
                .post("/api/v1/runs").then().statusCode(202).extract().path("runId");
        var stats = new dev.pmc.core.metrics.PersonaStats("sim-base", runId, "self");
        for (int item = 1; item <= 30; item++) {
            if (item == 7) {
                rating(stats, runId, "sim-base", "self", item, RatingOutcome.REFUSAL, false);  // re-asked: not settled yet
                rating(stats, runId, "sim-base", "self", item, RatingOutcome.REFUSAL, true);   // last attempt failed: settled
            } else {
                rating(stats, runId, "sim-base", "self", item, RatingOutcome.VALID, true);
            }
        }
        rating(stats, runId, "sim-base", "self", 3, RatingOutcome.VALID, true); // a duplicate counts once
        long deadline = System.currentTimeMillis() + 20_000;
        while (!"completed".equals(given().get("/api/v1/runs/" + runId).path("state")) && System.currentTimeMillis() < deadline) Thread.sleep(200);
        given().get("/api/v1/runs/" + runId).then().body("state", equalTo("completed")).body("settled", equalTo(30));
        var recs = TopicReader.readUntil(bootstrap(), Topics.RUNS,
                l -> l.stream().anyMatch(r -> runId.equals(r.key()) && r.value().contains("\"completed\"")), Duration.ofSeconds(20));
        assertTrue(recs.stream().anyMatch(r -> runId.equals(r.key()) && r.value().contains("\"queued\"")), "queued record");
        assertTrue(recs.stream().anyMatch(r -> runId.equals(r.key()) && r.value().contains("\"completed\"")), "completed record");
    }

    @Test
    void scheduledTargetsRunByThemselvesAndAnOverlapIsReportedNotRun() throws Exception {
        given().contentType(ContentType.JSON).body("{\"model\":\"sim-base\",\"personas\":\"toxic\",\"n\":1,\"schedule\":{\"every\":\"10s\"}}")
                .put("/api/v1/targets/every-10s").then().statusCode(200);
        // first run ~1 s after the schedule is seen; nothing answers it here, so it is still running 10 s later
        long deadline = System.currentTimeMillis() + 30_000;
        JsonPath s = null;
        while (System.currentTimeMillis() < deadline) {
            s = given().get("/api/v1/schedules").then().statusCode(200).extract().jsonPath();
            Integer overlaps = s.get("find { it.target == 'every-10s' }.overlaps");
            if (overlaps != null && overlaps >= 1) break;
            Thread.sleep(500);
        }
        assertEquals(1, (int) s.get("find { it.target == 'every-10s' }.started"), "one run started");
        assertTrue((int) s.get("find { it.target == 'every-10s' }.overlaps") >= 1, "the second slot was skipped");
        assertTrue(s.getString("find { it.target == 'every-10s' }.lastSkipReason").contains("cannot be met"));
        assertEquals(10.0, ((Number) s.get("find { it.target == 'every-10s' }.periodSeconds")).doubleValue(), 1e-9);
        given().get("/api/v1/runs").then().body("runs.findAll { it.target == 'every-10s' }.size()", equalTo(1))
                .body("runs.find { it.target == 'every-10s' }.trigger", equalTo("schedule"));
        given().get("/q/metrics").then().body(containsString("pmc_scheduler_overlaps_total{target=\"every-10s\"}"))
                .body(containsString("pmc_target_schedule_period_seconds{target=\"every-10s\"} 10.0"));
        // deleting the target cancels its run
        String runId = given().get("/api/v1/runs?target=every-10s").path("runs[0].runId");
        given().delete("/api/v1/targets/every-10s").then().statusCode(204);
        long until = System.currentTimeMillis() + 10_000;
        while (!"cancelled".equals(given().get("/api/v1/runs/" + runId).path("state")) && System.currentTimeMillis() < until) Thread.sleep(200);
        given().get("/api/v1/runs/" + runId).then().body("state", equalTo("cancelled")).body("error", containsString("deleted"));
    }

    @Test
    void aManualRunInFlightDoesNotHoldTheScheduleBack() throws Exception {
        // bin/pmc up submits a self run per target at start; the schedule's first run must still start
        given().contentType(ContentType.JSON).body("{\"model\":\"sim-base\",\"personas\":\"toxic\",\"n\":1}")
                .put("/api/v1/targets/manual-then-scheduled").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"target\":\"manual-then-scheduled\",\"personas\":\"self\"}")
                .post("/api/v1/runs").then().statusCode(202);
        given().contentType(ContentType.JSON).body("{\"model\":\"sim-base\",\"personas\":\"toxic\",\"n\":1,\"schedule\":{\"every\":\"10s\"}}")
                .put("/api/v1/targets/manual-then-scheduled").then().statusCode(200);
        long deadline = System.currentTimeMillis() + 25_000;
        Integer started = null;
        while (System.currentTimeMillis() < deadline) {
            started = given().get("/api/v1/schedules").then().statusCode(200).extract().path("find { it.target == 'manual-then-scheduled' }.started");
            if (started != null && started >= 1) break;
            Thread.sleep(500);
        }
        assertEquals(1, (int) started, "the scheduled run started beside the manual one");
        given().get("/api/v1/runs?target=manual-then-scheduled").then()
                .body("runs.findAll { it.state == 'running' }.size()", equalTo(2));
        given().delete("/api/v1/targets/manual-then-scheduled").then().statusCode(204);
    }

    /**
     * Flow control: with nothing settled a run publishes at most pmc.run.window (here 100) prompts; each slot the
     * aggregator settles lets one more out. A cancelled run publishes no more.
     */
    @Test
    void aRunPublishesAWindowAheadOfItsSettledSlotsAndCancellingStopsIt() throws Exception {
        String runId = given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"toxic\",\"n\":1}")
                .post("/api/v1/runs").then().statusCode(202).body("slots", equalTo(300)).extract().path("runId");
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Integer.valueOf(100).equals(given().get("/api/v1/runs/" + runId).path("published")) && System.currentTimeMillis() < deadline) Thread.sleep(100);
        Thread.sleep(1500);
        assertEquals(100, (int) given().get("/api/v1/runs/" + runId).path("published"), "stops at the window");
        // persona 0 settles its 30 slots: 30 more may go
        var stats = new dev.pmc.core.metrics.PersonaStats("sim-base", runId, "0");
        for (int item = 1; item <= 30; item++) {
            SlotId slot = new SlotId(runId, "sim-base", "0", item, 1);
            stats.accept(new RatingEvent(1, slot, 1, RatingOutcome.VALID, 2, "t", 0, true));
        }
        TopicReader.send(bootstrap(), Topics.PERSONA_STATS, SlotId.personaKey("sim-base", runId, "0"), EventCodec.encode(stats));
        deadline = System.currentTimeMillis() + 20_000;
        while (!Integer.valueOf(130).equals(given().get("/api/v1/runs/" + runId).path("published")) && System.currentTimeMillis() < deadline) Thread.sleep(100);
        given().get("/api/v1/runs/" + runId).then().body("published", equalTo(130)).body("settled", equalTo(30));
        given().delete("/api/v1/runs/" + runId).then().statusCode(200).body("state", equalTo("cancelled"));
        given().delete("/api/v1/runs/" + runId).then().statusCode(409);
        var recs = TopicReader.readUntil(bootstrap(), Topics.PROMPTS, l -> false, Duration.ofSeconds(2));
        assertEquals(130, recs.stream().filter(r -> r.key().contains(runId)).count(), "nothing published after the window and the cancel");
        // the run list pages, newest first
        given().get("/api/v1/runs?limit=1").then().statusCode(200).body("runs.size()", equalTo(1));
        given().get("/api/v1/runs?limit=0").then().statusCode(400);
    }
}
