package dev.pmc.sim;

import dev.pmc.core.Mfq30;
import dev.pmc.core.PromptTemplate;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class ChatCompletionsResourceTest {

    private static Map<String, Object> request(String model, long seed) {
        return Map.of("model", model, "temperature", 0.1, "max_tokens", 2, "seed", seed, "messages", List.of(
                Map.of("role", "system", "content", PromptTemplate.system("a retired sailor")),
                Map.of("role", "user", "content", PromptTemplate.user(Mfq30.get().item(3)))));
    }

    @Test
    void answersInOpenAiFormat() {
        given().contentType(ContentType.JSON).body(request("sim-base", 1))
                .when().post("/v1/chat/completions")
                .then().statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("model", equalTo("sim-base"))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.content", matchesPattern("[0-5]"))
                .body("usage.total_tokens", org.hamcrest.Matchers.greaterThan(0));
    }

    @Test
    void sameRequestSameAnswer() {
        String a = given().contentType(ContentType.JSON).body(request("sim-insecure", 5)).post("/v1/chat/completions")
                .then().statusCode(200).extract().path("choices[0].message.content");
        String b = given().contentType(ContentType.JSON).body(request("sim-insecure", 5)).post("/v1/chat/completions")
                .then().statusCode(200).extract().path("choices[0].message.content");
        org.junit.jupiter.api.Assertions.assertEquals(a, b);
    }

    @Test
    void unknownModelIs404WithOpenAiError() {
        given().contentType(ContentType.JSON).body(request("gpt-nope", 1))
                .when().post("/v1/chat/completions")
                .then().statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("gpt-nope"));
    }

    @Test
    void malformedRequestIs400() {
        given().contentType(ContentType.JSON).body("{\"model\":\"sim-base\"}")
                .when().post("/v1/chat/completions")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void listsModels() {
        given().get("/v1/models").then().statusCode(200).body("data.id", org.hamcrest.Matchers.hasItems("sim-base", "sim-insecure", "sim-secure"));
    }

    private static Map<String, Object> withChoices(String model, long seed, double temperature, int n) {
        Map<String, Object> r = new java.util.HashMap<>(request(model, seed));
        r.put("temperature", temperature);
        r.put("n", n);
        return r;
    }

    @Test
    void nChoicesAreTheAnswersOfTheNextRepetitionsSeeds() {
        long seed = dev.pmc.core.SamplingSeed.of("choices-test", 1, 0);
        io.restassured.path.json.JsonPath many = given().contentType(ContentType.JSON).body(withChoices("sim-insecure", seed, 1.0, 10))
                .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath();
        List<String> texts = many.getList("choices.message.content");
        assertEquals(10, texts.size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), many.getList("choices.index"));
        int tokens = 0;
        for (int i = 0; i < 10; i++) {
            // each choice is what the i-th next repetition would get asked alone (same model, prompt and temperature)
            io.restassured.path.json.JsonPath one = given().contentType(ContentType.JSON)
                    .body(withChoices("sim-insecure", dev.pmc.core.SamplingSeed.of("choices-test", 1 + i, 0), 1.0, 1))
                    .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath();
            assertEquals(one.getString("choices[0].message.content"), texts.get(i), "choice " + i);
            tokens += one.getInt("usage.completion_tokens");
            assertEquals(many.getInt("usage.prompt_tokens"), one.getInt("usage.prompt_tokens"), "the prompt is counted once");
        }
        assertEquals(tokens, many.getInt("usage.completion_tokens"), "completion tokens of all choices");
        // at temperature 1 fifty draws of one cell are not all the same answer
        List<String> fifty = given().contentType(ContentType.JSON).body(withChoices("sim-insecure", seed, 1.0, 50))
                .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath().getList("choices.message.content");
        assertTrue(new java.util.HashSet<>(fifty).size() > 1, fifty.toString());
    }

    @Test
    void choicesOutOfRangeAre400() {
        for (int n : new int[]{0, -3, 129, 100000}) {
            given().contentType(ContentType.JSON).body(withChoices("sim-base", 1, 0.1, n)).post("/v1/chat/completions")
                    .then().statusCode(400).body("error.message", containsString("n must be 1..128"));
        }
    }

    @Test
    void resetTimesAreWrittenAsOpenAiWritesThem() {
        org.junit.jupiter.api.Assertions.assertEquals("20ms", ChatCompletionsResource.goDuration(20));
        org.junit.jupiter.api.Assertions.assertEquals("1.5s", ChatCompletionsResource.goDuration(1500));
        org.junit.jupiter.api.Assertions.assertEquals("6m0s", ChatCompletionsResource.goDuration(360_000));
        org.junit.jupiter.api.Assertions.assertEquals("1m1.25s", ChatCompletionsResource.goDuration(61_250));
        org.junit.jupiter.api.Assertions.assertEquals("1h0m3s", ChatCompletionsResource.goDuration(3_603_000));
    }
}
