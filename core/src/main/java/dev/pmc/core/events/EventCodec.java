package dev.pmc.core.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON encoding of the versioned event records, with schema checks on decode. Unknown fields are ignored and
 * optional fields may be absent (compatibility within a version); a different {@code v}, a missing slot or
 * impossible values raise {@link InvalidEventException} whose message says why.
 */
public final class EventCodec {
    /** Header set on dead-letter records, holding the reason. */
    public static final String DLQ_REASON_HEADER = "dead-letter-reason";

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
        check(e.v() == PromptEvent.VERSION, "unsupported prompt event version " + e.v());
        checkSlot(e.slot(), e.attempt());
        check(e.user() != null && !e.user().isEmpty(), "prompt event without user message");
        return e;
    }

    public static ResponseEvent decodeResponse(String json) {
        ResponseEvent e = decode(json, ResponseEvent.class);
        check(e.v() == ResponseEvent.VERSION, "unsupported response event version " + e.v());
        checkSlot(e.slot(), e.attempt());
        return e;
    }

    public static RatingEvent decodeRating(String json) {
        RatingEvent e = decode(json, RatingEvent.class);
        check(e.v() == RatingEvent.VERSION, "unsupported rating event version " + e.v());
        checkSlot(e.slot(), e.attempt());
        check(e.outcome() != null, "rating event without outcome");
        if (e.outcome() == RatingOutcome.VALID) {
            check(e.rating() != null && e.rating() >= 0 && e.rating() <= 5,
                    "valid rating event needs a rating 0-5, has " + e.rating());
        }
        return e;
    }

    private static <T> T decode(String json, Class<T> type) {
        if (json == null || json.isBlank()) throw new InvalidEventException("empty " + type.getSimpleName() + " payload");
        try {
            T t = JSON.readValue(json, type);
            if (t == null) throw new InvalidEventException("null " + type.getSimpleName());
            return t;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("undecodable " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static void checkSlot(SlotId s, int attempt) {
        check(s != null, "event without slot");
        check(!s.runId().isBlank() && !s.target().isBlank() && !s.personaId().isBlank(), "slot with blank runId/target/personaId");
        check(s.itemId() >= 1 && s.itemId() <= 30, "slot itemId must be 1..30, is " + s.itemId());
        check(s.repetition() >= 1, "slot repetition must be >= 1, is " + s.repetition());
        check(attempt >= 1, "attempt must be >= 1, is " + attempt);
    }

    private static void check(boolean ok, String reason) {
        if (!ok) throw new InvalidEventException(reason);
    }
}
