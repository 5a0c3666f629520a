package dev.pmc.scorer;

import dev.pmc.core.Mfq30;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

/**
 * pmc.responses → {@link RatingParser} → pmc.ratings. Every response becomes exactly one rating event
 * (valid, or invalid with its outcome); undecodable responses go to pmc.responses.dlq with the reason.
 */
@ApplicationScoped
public class ScorerProcessor {
    @Inject
    MeterRegistry registry;

    @Incoming("responses")
    @Outgoing("ratings")
    public Multi<Message<String>> process(Multi<Message<String>> responses) {
        return responses.onItem().transformToMultiAndConcatenate(m -> {
            Message<String> out = score(m);
            return out == null ? Multi.createFrom().empty() : Multi.createFrom().item(out);
        });
    }

    Message<String> score(Message<String> in) {
        ResponseEvent resp;
        try {
            resp = EventCodec.decodeResponse(in.getPayload());
        } catch (InvalidEventException e) {
            registry.counter("pmc_scorer_dead_letters_total").increment();
            in.nack(e);
            return null;
        }
        RatingEvent rating = rate(resp);
        registry.counter("pmc_scorer_outcomes_total", "target", resp.slot().target(), "outcome", rating.outcome().wire()).increment();
        return in.withPayload(EventCodec.encode(rating))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(rating.slot().kafkaKey()).build());
    }

    /** Scores one response: provider errors are their own outcome; replies go through the parser. */
    static RatingEvent rate(ResponseEvent resp) {
        ParsedRating parsed = resp.error() != null
                ? ParsedRating.invalid(RatingOutcome.PROVIDER_ERROR, "provider_error")
                : RatingParser.parse(Mfq30.get().item(resp.slot().itemId()).type(), resp.reply());
        return new RatingEvent(RatingEvent.VERSION, resp.slot(), resp.attempt(), parsed.outcome(), parsed.rating(),
                parsed.rule(), System.currentTimeMillis());
    }
}
