package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.kafka.TopicReader;
import dev.pmc.kafka.quarkus.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
class TargetResourceTest {
    static String bootstrap() {
        return EmbeddedKafkaResource.broker().bootstrapServers();
    }

    @Test
    void createReadUpdateDeleteAndEveryChangeIsOnTheRegistryTopic() {
        given().get("/api/v1/targets").then().statusCode(200).body("name", hasItem("sim-base"));
        given().contentType(ContentType.JSON).body("{\"name\":\"ft-a\",\"provider\":\"anthropic\",\"baseUrl\":\"https://api.anthropic.com/v1\","
                        + "\"model\":\"claude-x\",\"apiKey\":\"anthropic\",\"limits\":{\"rpm\":500},\"baseline\":\"sim-base\"}")
                .post("/api/v1/targets").then().statusCode(201).body("model", equalTo("claude-x")).body("n", equalTo(10))
                .body("limits.rpm", equalTo(500)).body("mode", equalTo("sampling"));
        given().contentType(ContentType.JSON).body("{\"name\":\"ft-a\"}").post("/api/v1/targets").then().statusCode(409);
        given().contentType("application/yaml").body("provider: anthropic\nmodel: claude-y\nbaseline: sim-base\nlimits:\n  rpm: 100\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .put("/api/v1/targets/ft-a").then().statusCode(200).body("name", equalTo("ft-a")).body("model", equalTo("claude-y"));
        given().get("/api/v1/targets/ft-a").then().statusCode(200).body("limits.rpm", equalTo(100));
        given().delete("/api/v1/targets/sim-base").then().statusCode(409).body("error", containsString("baseline"));
        given().delete("/api/v1/targets/ft-a").then().statusCode(204);
        given().get("/api/v1/targets/ft-a").then().statusCode(404);
        var recs = TopicReader.readUntil(bootstrap(), Topics.TARGETS,
                l -> l.stream().anyMatch(r -> "ft-a".equals(r.key()) && r.value() == null), Duration.ofSeconds(30));
        var ftA = recs.stream().filter(r -> "ft-a".equals(r.key())).toList();
        assertEquals(3, ftA.size(), "created, replaced, tombstone");
        assertTrue(ftA.get(1).value().contains("claude-y"));
        assertNull(ftA.get(2).value());
        assertTrue(recs.stream().anyMatch(r -> "sim-base".equals(r.key())), "start-up targets are published too");
    }

    @Test
    void badTargetsGet400NamingTheField() {
        given().contentType(ContentType.JSON).body("{\"name\":\"x1\",\"limits\":{\"rpm\":0}}").post("/api/v1/targets")
                .then().statusCode(400).body("error", containsString("limits.rpm must be >= 1"));
        given().contentType(ContentType.JSON).body("{\"name\":\"x1\",\"limits\":{\"rpmm\":5}}").post("/api/v1/targets")
                .then().statusCode(400).body("error", containsString("limits.rpmm: unknown field"));
        given().contentType(ContentType.JSON).body("{\"name\":\"x1\",\"provider\":\"cohere\"}").post("/api/v1/targets")
                .then().statusCode(400).body("error", containsString("provider must be one of"));
        given().contentType(ContentType.JSON).body("{\"name\":\"x1\",\"n\":\"ten\"}").post("/api/v1/targets")
                .then().statusCode(400).body("error", containsString("n:"));
        given().contentType(ContentType.JSON).body("{\"name\":\"x1\",\"schedule\":{\"every\":\"soon\"}}").post("/api/v1/targets")
                .then().statusCode(400).body("error", containsString("schedule.every"));
        given().contentType(ContentType.JSON).body("{\"name\":\"x1\",\"schedule\":{\"cron\":\"61 * * * *\"}}").post("/api/v1/targets")
                .then().statusCode(400).body("error", containsString("schedule.cron minute"));
        given().contentType(ContentType.JSON).body("{\"name\":\"x1\",\"baseline\":\"nope\"}").post("/api/v1/targets")
                .then().statusCode(400).body("error", containsString("baseline 'nope'"));
        given().contentType(ContentType.JSON).body("{\"name\":\"Bad Name\"}").post("/api/v1/targets")
                .then().statusCode(400).body("error", containsString("name 'Bad Name'"));
    }

    @Test
    void dryRunEstimatesCallsTokensCostAndTimeWithoutPublishing() {
        given().contentType(ContentType.JSON).body("{\"name\":\"priced\",\"model\":\"sim-base\",\"limits\":{\"rpm\":3000},"
                + "\"price\":{\"inputPerMTok\":2.5,\"outputPerMTok\":10}}").put("/api/v1/targets/priced").then().statusCode(200);
        var r = given().contentType(ContentType.JSON).body("{\"target\":\"priced\"}").post("/api/v1/runs?dryRun=true")
                .then().statusCode(200).body("calls", equalTo(30000)).body("outputTokens", equalTo(120000))
                .body("minutesAtLimit", equalTo(10.0f)).extract();
        long input = ((Number) r.path("inputTokens")).longValue();
        assertTrue(input > 30000L * 20, "persona prompts are long: " + input);
        assertEquals((input * 2.5 + 120000 * 10) / 1e6, ((Number) r.path("costUsd")).doubleValue(), 1e-5);
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\"}").post("/api/v1/runs?dryRun=true")
                .then().statusCode(200).body("costUsd", nullValue()).body("note", containsString("no price table"));
        // ten answers per call: a tenth of the calls and of the prompt tokens, the same answers' tokens
        given().contentType(ContentType.JSON).body("{\"name\":\"priced-ten\",\"model\":\"sim-base\",\"limits\":{\"rpm\":3000},\"choicesPerCall\":10,"
                + "\"price\":{\"inputPerMTok\":2.5,\"outputPerMTok\":10}}").put("/api/v1/targets/priced-ten").then().statusCode(200);
        var ten = given().contentType(ContentType.JSON).body("{\"target\":\"priced-ten\"}").post("/api/v1/runs?dryRun=true")
                .then().statusCode(200).body("slots", equalTo(30000)).body("calls", equalTo(3000)).body("outputTokens", equalTo(120000))
                .body("minutesAtLimit", equalTo(1.0f)).extract();
        assertEquals(input / 10, ((Number) ten.path("inputTokens")).longValue());
        // n = 4 with k = 10: one call per cell; n = 15: two
        given().contentType(ContentType.JSON).body("{\"target\":\"priced-ten\",\"n\":15}").post("/api/v1/runs?dryRun=true")
                .then().statusCode(200).body("slots", equalTo(45000)).body("calls", equalTo(6000));
        given().get("/api/v1/runs").then().body("target", org.hamcrest.Matchers.not(hasItem("priced")));
    }

    @Test
    void logprobRunAsksOnceAPerCellForTwentyTopLogprobs() {
        String runId = given().contentType(ContentType.JSON).body("{\"target\":\"sim-secure\",\"personas\":\"toxic\",\"mode\":\"logprob\"}")
                .post("/api/v1/runs").then().statusCode(202).body("slots", equalTo(300)).body("mode", equalTo("logprob"))
                .extract().path("runId");
        var recs = TopicReader.readUntil(bootstrap(), Topics.PROMPTS,
                l -> l.stream().filter(r -> r.key().contains(runId)).count() >= 300, Duration.ofSeconds(30));
        Set<String> cells = new HashSet<>();
        for (var r : recs) {
            if (!r.key().contains(runId)) continue;
            PromptEvent e = EventCodec.decodePrompt(r.value());
            assertEquals(20, e.topLogprobs());
            assertEquals(1, e.maxTokens());
            assertEquals(1, e.slot().repetition());
            cells.add(e.slot().personaId() + "/" + e.slot().itemId());
        }
        assertEquals(300, cells.size());
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-secure\",\"mode\":\"logprob\",\"n\":10}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("n' must be 1 in logprob mode"));
    }

    @Test
    void aReasoningModelWithoutLogprobsFallsBackToSamplingToo() {
        given().contentType(ContentType.JSON).body("{\"model\":\"o4-mini\",\"mode\":\"logprob\",\"n\":3,\"personas\":\"toxic\"}")
                .put("/api/v1/targets/o4-lp").then().statusCode(200);
        // 900 calls of 4 answer tokens each, plus the family's 1,024-token reasoning reserve per call (billed as output)
        given().contentType(ContentType.JSON).body("{\"target\":\"o4-lp\"}").post("/api/v1/runs?dryRun=true")
                .then().statusCode(200).body("calls", equalTo(900)).body("outputTokens", equalTo(900 * 4 + 900 * 1024))
                .body("note", containsString("reasoning tokens per call"));
        given().contentType(ContentType.JSON).body("{\"target\":\"o4-lp\",\"mode\":\"logprob\",\"n\":1}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("family openai-reasoning-o) has no logprobs"));
        given().contentType(ContentType.JSON).body("{\"model\":\"o4-mini\",\"baseline\":\"sim-base\"}").put("/api/v1/targets/o4-vs-chat")
                .then().statusCode(400).body("error", containsString("a baseline must be read at the same temperature"));
        given().contentType(ContentType.JSON).body("{\"target\":\"o4-lp\",\"temperature\":0.1}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("field 'temperature'"));
    }

    @Test
    void aProviderWithoutLogprobsFallsBackToSampling() {
        given().contentType(ContentType.JSON).body("{\"provider\":\"anthropic\",\"model\":\"sim-base\",\"mode\":\"logprob\",\"n\":3,\"personas\":\"toxic\"}")
                .put("/api/v1/targets/claude-lp").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"target\":\"claude-lp\"}").post("/api/v1/runs?dryRun=true")
                .then().statusCode(200).body("calls", equalTo(900));
        given().contentType(ContentType.JSON).body("{\"target\":\"claude-lp\",\"mode\":\"logprob\",\"n\":1}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("falls back to sampling"));
        given().contentType(ContentType.JSON).body("{\"target\":\"claude-lp\",\"mode\":\"logprob\"}").post("/api/v1/runs")
                .then().statusCode(202).body("mode", equalTo("sampling")).body("slots", equalTo(900));
        given().delete("/api/v1/targets/claude-lp").then().statusCode(204);
    }
}
