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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
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

    /** A cron schedule is read when it is seen and read again when it changes: period and next due time follow it. */
    @Test
    void aCronScheduleShowsItsPeriodAndNextTimeAndFollowsAChange() throws Exception {
        given().contentType(ContentType.JSON).body("{\"model\":\"sim-base\",\"personas\":\"toxic\",\"n\":1,\"schedule\":{\"cron\":\"*/5 * * * *\"}}")
                .put("/api/v1/targets/cron-5m").then().statusCode(200);
        assertEquals(300.0, awaitPeriod("cron-5m", 300.0), 1e-9);
        String due = given().get("/api/v1/schedules").path("find { it.target == 'cron-5m' }.nextDueAt");
        java.time.Instant next = java.time.Instant.parse(due);
        assertTrue(next.isAfter(java.time.Instant.now()) && next.getEpochSecond() % 300 == 0, due);
        given().contentType(ContentType.JSON).body("{\"model\":\"sim-base\",\"personas\":\"toxic\",\"n\":1,\"schedule\":{\"cron\":\"0 * * * *\"}}")
                .put("/api/v1/targets/cron-5m").then().statusCode(200);
        assertEquals(3600.0, awaitPeriod("cron-5m", 3600.0), 1e-9);
        given().delete("/api/v1/targets/cron-5m").then().statusCode(204);
    }

    private static double awaitPeriod(String target, double expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        Number p = null;
        while (System.currentTimeMillis() < deadline) {
            p = given().get("/api/v1/schedules").then().statusCode(200).extract().path("find { it.target == '" + target + "' }.periodSeconds");
            if (p != null && p.doubleValue() == expected) break;
            Thread.sleep(250);
        }
        return p == null ? Double.NaN : p.doubleValue();
    }

    /** A target reading several instruments: each period starts one run per instrument, with ids that say which. */
    @Test
    void aScheduleStartsOneRunPerInstrument() throws Exception {
        given().contentType(ContentType.JSON).body("{\"model\":\"sim-base\",\"personas\":\"toxic\",\"n\":1,\"schedule\":{\"every\":\"10s\"},"
                + "\"instruments\":[\"mfq30\",\"bfi44\",\"self-probe\"]}").put("/api/v1/targets/three-instruments").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"model\":\"sim-base\",\"instruments\":[\"bfi44\",\"bfi44\",\"mfq31\"]}")
                .put("/api/v1/targets/bad-instruments").then().statusCode(400)
                .body(containsString("instruments lists 'bfi44' twice")).body(containsString("'mfq31' is not a known instrument"));
        long deadline = System.currentTimeMillis() + 25_000;
        io.restassured.path.json.JsonPath runs = null;
        while (System.currentTimeMillis() < deadline) {
            runs = given().get("/api/v1/runs?target=three-instruments").then().statusCode(200).extract().jsonPath();
            if (runs.getList("runs").size() >= 3) break;
            Thread.sleep(500);
        }
        java.util.List<String> ids = runs.getList("runs.runId");
        java.util.Map<String, Object> byInstrument = new java.util.TreeMap<>();
        for (int i = 0; i < ids.size(); i++) byInstrument.put(runs.getString("runs[" + i + "].instrument"), ids.get(i));
        assertEquals(java.util.Set.of("mfq30", "bfi44", "self-probe"), byInstrument.keySet(), ids.toString());
        String mfq = (String) byInstrument.get("mfq30");
        assertTrue(mfq.endsWith("-three-instruments"), mfq);
        assertEquals(mfq + ".bfi44", byInstrument.get("bfi44"));
        assertEquals(mfq + ".self-probe", byInstrument.get("self-probe"));
        assertEquals(440, runs.getInt("runs.find { it.instrument == 'bfi44' }.slots"), "10 toxic personas × 44 items");
        assertEquals(10, runs.getInt("runs.find { it.instrument == 'self-probe' }.slots"), "the probe without persona: 10 items");
        given().delete("/api/v1/targets/three-instruments").then().statusCode(204);
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

    /** Settles every published slot of a run (valid ratings), per persona, as the aggregator would. */
    private static java.util.Set<String> settleAllPublished(String runId, int expected) {
        var recs = TopicReader.readUntil(bootstrap(), Topics.PROMPTS, l -> l.stream().filter(r -> r.key().contains(runId)).count() >= expected,
                Duration.ofSeconds(20));
        java.util.Map<String, dev.pmc.core.metrics.PersonaStats> stats = new java.util.TreeMap<>();
        java.util.Set<String> cells = new java.util.HashSet<>();
        for (var r : recs) {
            if (!r.key().contains(runId)) continue;
            SlotId slot = EventCodec.decodePrompt(r.value()).slot();
            cells.add(slot.personaId() + "/" + slot.itemId() + "/" + slot.repetition());
            stats.computeIfAbsent(slot.personaId(), p -> new dev.pmc.core.metrics.PersonaStats("sim-base", runId, p))
                    .accept(new RatingEvent(1, slot, 1, RatingOutcome.VALID, 2, "t", 0, true));
        }
        stats.forEach((p, st) -> TopicReader.send(bootstrap(), Topics.PERSONA_STATS, SlotId.personaKey("sim-base", runId, p), EventCodec.encode(st)));
        return cells;
    }

    private static void decide(String runId, int stage, int stages, String action) {
        var d = new dev.pmc.core.events.RunDecision(runId, "sim-base", stage, stages, "test", action, "stop".equals(action) ? "collapsed" : null,
                null, "test", 0, null, null, null, null, null, null, null, null, null, null, System.currentTimeMillis());
        TopicReader.send(bootstrap(), Topics.RUN_DECISIONS, runId, EventCodec.encode(d));
    }

    private static void awaitPath(String runId, String path, Object value) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!value.equals(given().get("/api/v1/runs/" + runId).path(path)) && System.currentTimeMillis() < deadline) Thread.sleep(100);
        given().get("/api/v1/runs/" + runId).then().body(path, equalTo(value));
    }

    /**
     * A sequential run (10 toxic personas, n = 4: stages 5 x 2, 10 x 2, 10 x 4 of 300, 600 and 1,200 slots) publishes
     * its first stage only, every slot of that design once; the aggregator's decision to continue releases the next
     * stage, a decision to stop ends the run at the stage it read.
     */
    @Test
    void aSequentialRunPublishesStageByStageAndEndsWhereTheAggregatorDecides() throws Exception {
        String runId = given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"toxic\",\"n\":4,\"mode\":\"sequential\"}")
                .post("/api/v1/runs").then().statusCode(202).body("slots", equalTo(1200)).body("limit", equalTo(300)).body("stage", equalTo(0))
                .body("mode", equalTo("sequential")).extract().path("runId");
        awaitPath(runId, "published", 100);
        settleAllPublished(runId, 100);
        awaitPath(runId, "published", 200);
        settleAllPublished(runId, 200);
        awaitPath(runId, "published", 300);
        java.util.Set<String> stage0 = settleAllPublished(runId, 300);
        awaitPath(runId, "settled", 300);
        Thread.sleep(1000);
        assertEquals(300, (int) given().get("/api/v1/runs/" + runId).path("published"), "waits at the stage for a decision");
        assertEquals(300, stage0.size(), "every slot of 5 x 2 once");
        int[] order = dev.pmc.core.metrics.SequentialDesign.personaOrder(runId, 10);
        java.util.Set<String> firstHalf = new java.util.HashSet<>();
        for (int j = 0; j < 5; j++) firstHalf.add(Integer.toString(order[j]));
        assertTrue(stage0.stream().allMatch(c -> firstHalf.contains(c.split("/")[0]) && Integer.parseInt(c.split("/")[2]) <= 2), "stage 0 is 5 personas x 2");
        decide(runId, 1, 3, "continue");   // a decision about another stage changes nothing
        decide(runId, 0, 3, "continue");
        awaitPath(runId, "stage", 1);
        awaitPath(runId, "published", 400);  // the window: 100 ahead of the settled slots
        settleAllPublished(runId, 400);
        awaitPath(runId, "published", 500);
        settleAllPublished(runId, 500);
        awaitPath(runId, "published", 600);
        java.util.Set<String> stage1 = settleAllPublished(runId, 600);
        assertEquals(600, stage1.size(), "stage 1 adds the other 5 personas' 2 repetitions");
        awaitPath(runId, "settled", 600);
        decide(runId, 1, 3, "stop");
        awaitPath(runId, "state", "completed");
        given().get("/api/v1/runs/" + runId).then().body("slots", equalTo(600)).body("sequential.verdict", equalTo("collapsed"));
        var recs = TopicReader.readUntil(bootstrap(), Topics.PROMPTS, l -> false, Duration.ofSeconds(2));
        assertEquals(600, recs.stream().filter(r -> r.key().contains(runId)).count(), "nothing published beyond the stage it stopped at");
        // modes that cannot be sequential are refused with the reason
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"self\",\"mode\":\"sequential\"}")
                .post("/api/v1/runs").then().statusCode(400).body(containsString("at least 4 personas"));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"n\":1,\"mode\":\"sequential\"}")
                .post("/api/v1/runs").then().statusCode(400).body(containsString("n >= 2"));
    }
}
