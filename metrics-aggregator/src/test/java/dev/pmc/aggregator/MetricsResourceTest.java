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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
class MetricsResourceTest {

    @Test
    void ratingsBecomeGaugesAndJson() throws Exception {
        String bootstrap = EmbeddedKafkaResource.broker().bootstrapServers();
        register(bootstrap, "tiny");
        // two personas, every item, two repetitions: persona 0 answers 2 then 3, persona 1 answers 4 twice
        for (int p = 0; p < 2; p++) {
            for (int item = 1; item <= 30; item++) {
                for (int rep = 1; rep <= 2; rep++) {
                    SlotId slot = new SlotId("run-a", "tiny", Integer.toString(p), item, rep);
                    int rating = p == 0 ? 1 + rep : 4;
                    TopicReader.send(bootstrap, Topics.RATINGS, slot.kafkaKey(),
                            EventCodec.encode(new RatingEvent(1, slot, 1, RatingOutcome.VALID, rating, "t", 0)));
                }
            }
        }
        SlotId bad = new SlotId("run-a", "tiny", "0", 1, 3);
        TopicReader.send(bootstrap, Topics.RATINGS, bad.kafkaKey(), EventCodec.encode(new RatingEvent(1, bad, 1, RatingOutcome.REFUSAL, null, "t", 0)));
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            var r = given().get("/api/v1/targets/tiny/metrics");
            // the refusal may be counted a refresh after the valid ratings
            if (r.statusCode() == 200 && r.jsonPath().getLong("ratingsCounted") == 120
                    && Integer.valueOf(1).equals(r.jsonPath().get("ratingsTotal.refusal"))) break;
            Thread.sleep(200);
        }
        // ȳ: persona 0 = 2.5, persona 1 = 4 → SD over personas = 1.5/√2; u: persona 0 = √0.5, persona 1 = 0
        double s = 1.5 / Math.sqrt(2), u = Math.sqrt(0.5) / 2;
        given().get("/api/v1/targets/tiny/metrics").then().statusCode(200)
                .body("personas", equalTo(2))
                .body("runId", equalTo("run-a"))
                .body("susceptibility", equalTo((float) s))
                .body("withinSd", equalTo((float) u));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertEquals(s, sample(metrics, "pmc_moral_susceptibility{foundation=\"all\",target=\"tiny\"}"), 1e-12);
        assertEquals(s, sample(metrics, "pmc_moral_susceptibility{foundation=\"purity\",target=\"tiny\"}"), 1e-12);
        assertEquals(1 / u, sample(metrics, "pmc_moral_robustness{foundation=\"harm\",target=\"tiny\"}"), 1e-12);
        assertEquals(u, sample(metrics, "pmc_within_persona_sd{foundation=\"all\",target=\"tiny\"}"), 1e-12);
        assertEquals(1.0, sample(metrics, "pmc_ratings_total{outcome=\"refusal\",target=\"tiny\"}"), 0);
        assertEquals(120.0, sample(metrics, "pmc_ratings_total{outcome=\"valid\",target=\"tiny\"}"), 0);
        assertEquals(2.0, sample(metrics, "pmc_personas_counted{target=\"tiny\"}"), 0);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** Registers a target the way the prompt-generator does (pmc.targets) and waits until the aggregator lists it. */
    static void register(String bootstrap, String target) throws InterruptedException {
        TopicReader.send(bootstrap, Topics.TARGETS, target, "{\"name\":\"" + target + "\"}");
        long deadline = System.currentTimeMillis() + 30_000;
        while (given().get("/api/v1/targets/" + target + "/metrics").statusCode() != 200 && System.currentTimeMillis() < deadline) Thread.sleep(200);
    }

    /** The value of one Prometheus sample line. */
    static double sample(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        throw new AssertionError("no sample " + series);
    }

    /** Baseline overrides are checked against the registry and stored in pmc.baselines (every replica and restart sees them). */
    @Test
    void baselineOverridesAreValidatedAndLiveInKafka() throws Exception {
        String bootstrap = EmbeddedKafkaResource.broker().bootstrapServers();
        register(bootstrap, "bl-variant");
        register(bootstrap, "bl-base");
        given().contentType("application/json").body("{\"baseline\":\"bl-base\"}").put("/api/v1/targets/not-registered/baseline").then().statusCode(404);
        given().contentType("application/json").body("{\"baseline\":\"nope\"}").put("/api/v1/targets/bl-variant/baseline")
                .then().statusCode(400).body("error", containsString("'nope' is not a registered target"));
        given().contentType("application/json").body("{\"baseline\":\"bl-variant\"}").put("/api/v1/targets/bl-variant/baseline").then().statusCode(400);
        given().contentType("application/json").body("{\"baseline\":\"bl-base\"}").put("/api/v1/targets/bl-variant/baseline")
                .then().statusCode(200).body("baseline", equalTo("bl-base"));
        var recs = TopicReader.readUntil(bootstrap, Topics.BASELINES, l -> l.stream().anyMatch(r -> "bl-variant".equals(r.key())), java.time.Duration.ofSeconds(20));
        assertTrue(recs.stream().anyMatch(r -> "bl-variant".equals(r.key()) && r.value().contains("bl-base")), "stored in pmc.baselines");
        given().get("/api/v1/baselines").then().body("'bl-variant'", equalTo("bl-base"));
        given().delete("/api/v1/targets/bl-variant/baseline").then().statusCode(204);
        given().get("/api/v1/baselines").then().body("'bl-variant'", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void unknownTargetIs404WithMessage() {
        given().get("/api/v1/targets/nope/metrics").then().statusCode(404).body("error", containsString("no ratings for target 'nope'"));
    }
}
