package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.kafka.TopicReader;
import dev.pmc.kafka.quarkus.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration") // needs a Kafka broker: runs in ./mvnw verify, not in the fast ./mvnw test
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
class RunResourceTest {

    @Test
    void toxicRunPublishesOnePromptPerSlotKeyedByTargetRunPersona() {
        String runId = given().contentType(ContentType.JSON)
                .body("{\"target\":\"sim-insecure\",\"personas\":\"toxic\",\"n\":2}")
                .post("/api/v1/runs")
                .then().statusCode(202).body("slots", equalTo(600)).body("personas", equalTo(10))
                .extract().path("runId");
        String bootstrap = EmbeddedKafkaResource.broker().bootstrapServers();
        List<ConsumerRecord<String, String>> recs = TopicReader.readUntil(bootstrap, Topics.PROMPTS,
                l -> l.stream().filter(r -> r.key().contains(runId)).count() >= 600, Duration.ofSeconds(30));
        Set<String> slots = new HashSet<>();
        for (var r : recs) {
            if (!r.key().contains(runId)) continue;
            PromptEvent e = EventCodec.decodePrompt(r.value());
            assertEquals(e.slot().kafkaKey(), r.key());
            assertEquals(1, e.attempt());
            assertTrue(e.system().contains("role-playing"));
            slots.add(e.slot().id());
        }
        assertEquals(600, slots.size(), "one event per distinct slot");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Integer.valueOf(600).equals(given().get("/api/v1/runs/" + runId).path("published")) && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        // published but not answered (no gateway here): running, with nothing settled
        given().get("/api/v1/runs/" + runId).then().statusCode(200).body("published", equalTo(600)).body("state", equalTo("running"))
                .body("settled", equalTo(0)).body("trigger", equalTo("manual"));
    }

    /** A BFI-44 run: 44 items per persona, each prompt the instrument's wording on its 1-5 scale, every slot naming bfi44. */
    @Test
    void bfiRunAsksEveryItemOfTheInstrument() {
        String runId = given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"toxic\",\"n\":1,\"instrument\":\"bfi44\"}")
                .post("/api/v1/runs").then().statusCode(202).body("slots", equalTo(440)).body("items", equalTo(44))
                .body("instrument", equalTo("bfi44")).extract().path("runId");
        var recs = TopicReader.readUntil(EmbeddedKafkaResource.broker().bootstrapServers(), Topics.PROMPTS,
                l -> l.stream().filter(r -> r.key().contains(runId)).count() >= 440, Duration.ofSeconds(30));
        dev.pmc.core.instruments.Instrument bfi = dev.pmc.core.instruments.Instruments.get("bfi44");
        Set<Integer> items = new HashSet<>();
        recs.stream().filter(r -> r.key().contains(runId)).forEach(r -> {
            PromptEvent e = EventCodec.decodePrompt(r.value());
            assertEquals("bfi44", e.slot().instrument());
            assertEquals(bfi.userPrompt(bfi.item(e.slot().itemId())), e.user());
            assertTrue(e.user().contains("1 = "), "the 1-5 scale");
            items.add(e.slot().itemId());
        });
        assertEquals(44, items.size());
        // MFQ runs name their instrument too
        String mfq = given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"self\",\"n\":1}")
                .post("/api/v1/runs").then().statusCode(202).body("instrument", equalTo("mfq30")).body("slots", equalTo(30)).extract().path("runId");
        assertTrue(mfq != null);
    }

    /** The probe is asked without persona; modes other than sampling and unknown instruments are refused naming the field. */
    @Test
    void instrumentRequestsThatCannotWorkAreRefused() {
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"n\":2,\"instrument\":\"self-probe\"}")
                .post("/api/v1/runs").then().statusCode(202).body("personaSet", equalTo("self")).body("slots", equalTo(20));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"toxic\",\"instrument\":\"self-probe\"}")
                .post("/api/v1/runs").then().statusCode(400).body(containsString("without persona"));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"instrument\":\"mfq31\"}")
                .post("/api/v1/runs").then().statusCode(400).body(containsString("field 'instrument': 'mfq31' is not a known instrument"));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"instrument\":\"bfi44\",\"mode\":\"logprob\"}")
                .post("/api/v1/runs").then().statusCode(400).body(containsString("bfi44 is read by sampling"));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"instrument\":\"bfi44\",\"mode\":\"sequential\"}")
                .post("/api/v1/runs").then().statusCode(400).body(containsString("bfi44 is read by sampling"));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"instrument\":\"" + "b".repeat(5000) + "\"}")
                .post("/api/v1/runs").then().statusCode(400).body(containsString("is not a known instrument"));
    }

    @Test
    void selfRunHasNoSystemMessage() {
        String runId = given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"self\",\"n\":1}")
                .post("/api/v1/runs").then().statusCode(202).body("slots", equalTo(30)).extract().path("runId");
        var recs = TopicReader.readUntil(EmbeddedKafkaResource.broker().bootstrapServers(), Topics.PROMPTS,
                l -> l.stream().filter(r -> r.key().contains(runId)).count() >= 30, Duration.ofSeconds(30));
        recs.stream().filter(r -> r.key().contains(runId)).forEach(r -> {
            PromptEvent e = EventCodec.decodePrompt(r.value());
            assertNull(e.system());
            assertEquals("self", e.slot().personaId());
        });
    }

    @Test
    void inlinePersonaFile() {
        given().contentType(ContentType.JSON)
                .body("{\"target\":\"sim-base\",\"personas\":\"file\",\"personaTexts\":[\"a baker\",\"a judge\"],\"n\":1}")
                .post("/api/v1/runs").then().statusCode(202).body("personas", equalTo(2)).body("slots", equalTo(60));
    }

    /** Persona files by name from the operator's directory (src/test/resources/personas here), never by path. */
    @Test
    void personaFilesOnlyByNameFromTheOperatorsDirectory() throws Exception {
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"file\",\"personaFile\":\"three.json\",\"n\":1}")
                .post("/api/v1/runs").then().statusCode(202).body("personas", equalTo(3)).body("slots", equalTo(90));
        // a link in the directory that leads out of it is not followed
        java.nio.file.Path link = java.nio.file.Path.of("src/test/resources/personas/escape.json");
        java.nio.file.Files.deleteIfExists(link);
        java.nio.file.Files.createSymbolicLink(link, java.nio.file.Path.of("/etc/hostname"));
        try {
            for (String name : new String[]{"/etc/passwd", "../application.properties", "../../../pom.xml", "escape.json", "three", "dir/three.json"}) {
                String error = given().contentType(ContentType.JSON)
                        .body("{\"target\":\"sim-base\",\"personas\":\"file\",\"personaFile\":\"" + name + "\"}")
                        .post("/api/v1/runs").then().statusCode(400).extract().path("error");
                assertTrue(error.contains("personaFile"), name + ": " + error);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(link);
        }
        // a file that is not a persona list: refused without quoting it
        String error = given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"file\",\"personaFile\":\"not-a-list.json\"}")
                .post("/api/v1/runs").then().statusCode(400).extract().path("error");
        assertTrue(error.contains("not a JSON array of persona texts") && !error.contains("secret-looking"), error);
    }

    @Test
    void badRequestsGet400WithAMessage() {
        given().contentType(ContentType.JSON).body("{\"target\":\"gpt-9\"}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("unknown target 'gpt-9'"));
        given().contentType(ContentType.JSON).body("{\"personas\":\"default\"}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("'target' is required"));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"n\":0}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("'n' must be"));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"weird\"}").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("'personas' must be one of"));
        given().contentType(ContentType.JSON).body("{\"target\":\"sim-base\",\"personas\":\"file\",\"personaFile\":\"nope.json\"}")
                .post("/api/v1/runs").then().statusCode(400).body("error", containsString("no persona file 'nope.json' in the persona directory"));
        given().contentType(ContentType.JSON).body("{\"target\": sim-base").post("/api/v1/runs")
                .then().statusCode(400).body("error", containsString("malformed JSON"));
    }
}
