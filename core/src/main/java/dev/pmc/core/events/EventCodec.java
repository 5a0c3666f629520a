package dev.pmc.core.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pmc.core.Names;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.Instruments;

/**
 * JSON encoding of the versioned event records, with full checks on decode: the edge of every consumer. Unknown
 * fields are ignored and optional fields may be absent (compatibility within a version); a different {@code v}, a
 * missing slot, a malformed id, a value out of range, an oversized text or a response inconsistent with the prompt it
 * carries raise {@link InvalidEventException} whose message says why, so the stage can dead-letter the record and go
 * on. Decoded events are safe to fold into state: no check downstream can throw on them.
 */
public final class EventCodec {
    /** Header set on dead-letter records, holding the reason. */
    public static final String DLQ_REASON_HEADER = "dead-letter-reason";
    /** Largest event accepted, in characters (a prompt with a long persona is ~3 KB, a response with its prompt ~5 KB). */
    public static final int MAX_EVENT_CHARS = 256 * 1024;
    /** Repetitions per cell: the generator's largest n. */
    public static final int MAX_REPETITION = 64;
    /** Attempts per slot (first ask and re-asks). */
    public static final int MAX_ATTEMPT = 16;
    static final int MAX_PROMPT_CHARS = 32 * 1024, MAX_REPLY_CHARS = 64 * 1024, MAX_ERROR_CHARS = 4096, MAX_SHORT_CHARS = 256;
    static final int MAX_TOP_LOGPROBS = 20, MAX_TOKENS = 4096;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private EventCodec() {
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    public static String encode(Object event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
        }
    }

    public static PromptEvent decodePrompt(String json) {
        PromptEvent e = decode(json, PromptEvent.class);
        checkPrompt(e);
        return e;
    }

    private static void checkPrompt(PromptEvent e) {
        check(e.v() == PromptEvent.VERSION, () -> "unsupported prompt event version " + e.v());
        checkSlot(e.slot(), e.attempt());
        check(e.user() != null && !e.user().isBlank(), () -> "prompt event without user message");
        checkLength("user", e.user(), MAX_PROMPT_CHARS);
        checkLength("system", e.system(), MAX_PROMPT_CHARS);
        check(Double.isFinite(e.temperature()) && e.temperature() >= 0 && e.temperature() <= 2,
                () -> "temperature must be within 0..2, is " + e.temperature());
        check(e.maxTokens() >= 1 && e.maxTokens() <= MAX_TOKENS, () -> "maxTokens must be 1.." + MAX_TOKENS + ", is " + e.maxTokens());
        check(e.topLogprobs() == null || (e.topLogprobs() >= 1 && e.topLogprobs() <= MAX_TOP_LOGPROBS),
                () -> "topLogprobs must be 1.." + MAX_TOP_LOGPROBS + " or absent, is " + e.topLogprobs());
    }

    public static ResponseEvent decodeResponse(String json) {
        ResponseEvent e = decode(json, ResponseEvent.class);
        check(e.v() == ResponseEvent.VERSION, () -> "unsupported response event version " + e.v());
        checkSlot(e.slot(), e.attempt());
        checkLength("reply", e.reply(), MAX_REPLY_CHARS);
        checkLength("error", e.error(), MAX_ERROR_CHARS);
        checkLength("model", e.model(), MAX_SHORT_CHARS);
        check(e.latencyMs() >= 0, () -> "latencyMs must be >= 0, is " + e.latencyMs());
        checkCost(e.costUsd());
        if (e.prompt() != null) {
            // the prompt rides along for re-asks: it must be a valid prompt of this very slot and attempt
            try {
                checkPrompt(e.prompt());
            } catch (InvalidEventException bad) {
                throw new InvalidEventException("embedded prompt: " + bad.getMessage());
            }
            check(e.slot().equals(e.prompt().slot()), () -> "embedded prompt is for slot " + e.prompt().slot().id() + ", not " + e.slot().id());
            check(e.attempt() == e.prompt().attempt(), () -> "embedded prompt is attempt " + e.prompt().attempt() + ", response is attempt " + e.attempt());
        }
        if (e.topLogprobs() != null) {
            check(e.topLogprobs().size() <= MAX_TOP_LOGPROBS, () -> "at most " + MAX_TOP_LOGPROBS + " top logprobs, has " + e.topLogprobs().size());
            for (var t : e.topLogprobs()) {
                check(t != null && t.token() != null && t.token().length() <= 64, () -> "top logprob without token or with a token over 64 chars");
                check(!Double.isNaN(t.logprob()) && t.logprob() <= 0, () -> "top logprob must be <= 0, is " + t.logprob());
            }
        }
        return e;
    }

    public static RatingEvent decodeRating(String json) {
        RatingEvent e = decode(json, RatingEvent.class);
        check(e.v() == RatingEvent.VERSION, () -> "unsupported rating event version " + e.v());
        checkSlot(e.slot(), e.attempt());
        check(e.outcome() != null, () -> "rating event without outcome");
        checkCost(e.costUsd());
        checkLength("rule", e.rule(), MAX_SHORT_CHARS);
        if (e.outcome() == RatingOutcome.VALID) {
            Instrument in = Instruments.get(e.slot().instrument());
            check(e.rating() != null && e.rating() >= in.min() && e.rating() <= in.max(),
                    () -> "valid rating event needs a rating " + in.min() + "-" + in.max() + ", has " + e.rating());
        } else {
            check(e.rating() == null, () -> e.outcome().wire() + " rating event must not carry a rating, has " + e.rating());
            check(e.distribution() == null, () -> e.outcome().wire() + " rating event must not carry a distribution");
        }
        if (e.distribution() != null) {
            double[] d = e.distribution();
            check(d.length == 6, () -> "distribution must hold 6 probabilities (ratings 0..5), has " + d.length);
            double mass = 0;
            for (double p : d) {
                check(Double.isFinite(p) && p >= 0, () -> "distribution probabilities must be finite and >= 0, has " + p);
                mass += p;
            }
            check(mass > 1e-9, () -> "distribution has no mass");
        }
        return e;
    }

    /** A call's cost: absent, or finite within 0..{@link #MAX_CALL_COST_USD}. */
    private static void checkCost(Double cost) {
        check(cost == null || (Double.isFinite(cost) && cost >= 0 && cost <= MAX_CALL_COST_USD),
                () -> "costUsd must be within 0.." + MAX_CALL_COST_USD + " or absent, is " + cost);
    }

    /** No single call costs more (4,096 output tokens at a few hundred USD per million tokens is below 10). */
    public static final double MAX_CALL_COST_USD = 100;

    private static <T> T decode(String json, Class<T> type) {
        if (json == null || json.isBlank()) throw new InvalidEventException("empty " + type.getSimpleName() + " payload");
        if (json.length() > MAX_EVENT_CHARS) {
            throw new InvalidEventException(type.getSimpleName() + " of " + json.length() + " chars exceeds " + MAX_EVENT_CHARS);
        }
        try {
            T t = JSON.readValue(json, type);
            if (t == null) throw new InvalidEventException("null " + type.getSimpleName());
            return t;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("undecodable " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static void checkSlot(SlotId s, int attempt) {
        check(s != null, () -> "event without slot");
        check(Names.isRunId(s.runId()), () -> "slot runId must match " + Names.RUN_ID + ", is " + Names.quote(s.runId()));
        check(Names.isTarget(s.target()), () -> "slot target must match " + Names.TARGET + ", is " + Names.quote(s.target()));
        check(Names.isPersonaId(s.personaId()), () -> "slot personaId must match " + Names.PERSONA_ID + ", is " + Names.quote(s.personaId()));
        check(s.instrument() == null || s.instrument().length() <= MAX_SHORT_CHARS, () -> "slot instrument of " + (s.instrument() == null ? 0 : s.instrument().length()) + " chars exceeds " + MAX_SHORT_CHARS);
        Instrument in = Instruments.find(s.instrument());
        check(in != null, () -> "slot instrument " + Names.quote(s.instrument()) + " is not known here; known: " + Instruments.names());
        check(s.itemId() >= 1 && s.itemId() <= in.size(), () -> "slot itemId must be 1.." + in.size() + ", is " + s.itemId());
        check(s.repetition() >= 1 && s.repetition() <= MAX_REPETITION, () -> "slot repetition must be 1.." + MAX_REPETITION + ", is " + s.repetition());
        check(attempt >= 1 && attempt <= MAX_ATTEMPT, () -> "attempt must be 1.." + MAX_ATTEMPT + ", is " + attempt);
    }

    private static void checkLength(String field, String value, int max) {
        check(value == null || value.length() <= max, () -> field + " of " + (value == null ? 0 : value.length()) + " chars exceeds " + max);
    }

    /**
     * The record key every event of a slot must carry ({@link SlotId#kafkaKey()}); a mismatch would put the event on
     * another persona's partition and state.
     */
    public static void checkKey(String key, SlotId slot) {
        check(key != null && key.equals(slot.kafkaKey()), () -> "record key " + Names.quote(key) + " does not match the slot's key " + slot.kafkaKey());
    }

    /** The reason is built only for a refused event: every stage checks every event, and most are fine. */
    private static void check(boolean ok, java.util.function.Supplier<String> reason) {
        if (!ok) throw new InvalidEventException(reason.get());
    }
}
