package dev.pmc.sim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The subset of the OpenAI Chat Completions wire format provider-sim speaks. */
public final class ChatApi {
    private ChatApi() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, String content) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Request(String model, List<Message> messages, Double temperature,
                          @JsonProperty("max_tokens") Integer maxTokens, Long seed, Boolean logprobs,
                          @JsonProperty("top_logprobs") Integer topLogprobs, Integer n,
                          @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
                          @JsonProperty("reasoning_effort") String reasoningEffort) {
        /** The output limit, whichever field carried it (16 when neither did). */
        int maxTokensOr16() {
            return maxCompletionTokens != null ? maxCompletionTokens : maxTokens == null ? 16 : maxTokens;
        }
    }

    public record TopLogprob(String token, double logprob) {
    }

    public record TokenLogprobs(String token, double logprob, @JsonProperty("top_logprobs") List<TopLogprob> topLogprobs) {
    }

    public record Logprobs(List<TokenLogprobs> content) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Choice(int index, Message message, Logprobs logprobs, @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens,
                        @JsonProperty("completion_tokens_details") CompletionDetails completionTokensDetails) {
    }

    /** Reasoning tokens among completion_tokens (reasoning models), billed as output. */
    public record CompletionDetails(@JsonProperty("reasoning_tokens") int reasoningTokens) {
    }

    public record Response(String id, String object, long created, String model, List<Choice> choices, Usage usage) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String message, String type, String param, String code) {
    }

    public record ErrorBody(Error error) {
        public static ErrorBody of(String message, String type, String code) {
            return new ErrorBody(new Error(message, type, null, code));
        }
    }

    public record Model(String id, String object, @JsonProperty("owned_by") String ownedBy) {
    }

    public record ModelList(String object, List<Model> data) {
    }
}
