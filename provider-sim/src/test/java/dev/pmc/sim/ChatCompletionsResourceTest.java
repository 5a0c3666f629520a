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
}
