package dev.pmc.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** OpenAI-compatible Chat Completions (OpenAI, vLLM, Ollama, OpenRouter, provider-sim, …). */
@Path("/chat/completions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface OpenAiChatApi {

    @POST
    Uni<ChatResponse> complete(@HeaderParam("Authorization") String authorization, ChatRequest request);

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatMessage(String role, String content) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatRequest(String model, List<ChatMessage> messages, Double temperature,
                       @JsonProperty("max_tokens") Integer maxTokens, Long seed) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Choice(int index, ChatMessage message, @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Usage(@JsonProperty("prompt_tokens") Integer promptTokens,
                 @JsonProperty("completion_tokens") Integer completionTokens) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ChatResponse(String id, String model, List<Choice> choices, Usage usage) {
        /** The first choice's text, or null when the provider returned none. */
        String text() {
            if (choices == null || choices.isEmpty() || choices.get(0).message() == null) return null;
            return choices.get(0).message().content();
        }
    }
}
