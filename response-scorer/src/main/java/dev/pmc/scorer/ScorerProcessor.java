package dev.pmc.scorer;

import dev.pmc.core.Mfq30;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.core.scoring.LogprobRating;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

/**
 * pmc.responses → {@link RatingParser} → pmc.ratings. Every response becomes one rating event. An invalid
 * reply whose prompt is known is re-asked: the same slot's next attempt goes back to pmc.prompts (before the
 * response is acknowledged), up to {@code pmc.scorer.max-attempts} attempts in all (the reference protocol
 * uses 4); the rating event says whether it settles the slot. Undecodable responses go to pmc.responses.dlq.
 */
@ApplicationScoped
public class ScorerProcessor {
    @Inject
    MeterRegistry registry;

    @Inject
    @Channel("reasks")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> reasks;

    @ConfigProperty(name = "pmc.scorer.max-attempts")
    int maxAttempts;
    @ConfigProperty(name = "pmc.scorer.logprob-min-mass")
    double logprobMinMass;
    /** Unset: the run's sampling temperature (the reading then matches a sampled one); set: this temperature. */
    @ConfigProperty(name = "pmc.scorer.logprob-temperature")
    java.util.Optional<Double> logprobTemperature;

    @Inject
    ScorerTargets targets;

    @Incoming("responses")
    @Outgoing("ratings")
    public Multi<Message<String>> process(Multi<Message<String>> responses) {
        return responses.onItem().transformToUniAndConcatenate(this::scoreOrDeadLetter).onItem().transformToMultiAndConcatenate(
                m -> m == null ? Multi.createFrom().empty() : Multi.createFrom().item(m));
    }

    /** Never fails the stream: a response that cannot be scored goes to pmc.responses.dlq with the reason. */
    Uni<Message<String>> scoreOrDeadLetter(Message<String> in) {
        try {
            return score(in).onFailure().recoverWithUni(e -> deadLetter(in, e));
        } catch (RuntimeException e) {
            return deadLetter(in, e);
        }
    }

    private Uni<Message<String>> deadLetter(Message<String> in, Throwable e) {
        io.micrometer.core.instrument.Counter.builder("pmc_scorer_dead_letters_total").description("Response events sent to pmc.responses.dlq (undecodable, inconsistent or failing)").register(registry).increment();
        Throwable reason = e instanceof InvalidEventException ? e : new InvalidEventException(e.getClass().getSimpleName() + ": " + e.getMessage());
        return Uni.createFrom().completionStage(in.nack(reason)).onItem().transform(x -> (Message<String>) null);
    }

    Uni<Message<String>> score(Message<String> in) {
        ResponseEvent resp = EventCodec.decodeResponse(in.getPayload());
        in.getMetadata(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                .ifPresent(md -> EventCodec.checkKey((String) md.getKey(), resp.slot()));
        // counters are labelled by registered targets only, so a name seen in an event mints no series
        String target = targets.label(resp.slot().target());
        ParsedRating parsed;
        double[] distribution = null;
        // logprob readings are MFQ-30's (the planner refuses others); other instruments' replies are always parsed
        if (resp.error() == null && resp.topLogprobs() != null && dev.pmc.core.instruments.Instruments.isDefault(resp.slot().instrument())) {
            LogprobRating.Result lp = LogprobRating.read(resp.topLogprobs(), logprobMinMass, logprobTemperature.orElse(LogprobRating.samplingTemperature(resp.prompt())));
            parsed = lp.outcome() == RatingOutcome.VALID ? ParsedRating.valid(lp.mode(), "logprobs")
                    : ParsedRating.invalid(lp.outcome(), "logprobs");
            distribution = lp.distribution();
        } else {
            parsed = parse(resp);
        }
        boolean reask = parsed.outcome() != RatingOutcome.VALID && resp.prompt() != null && resp.attempt() < maxAttempts;
        RatingEvent rating = new RatingEvent(RatingEvent.VERSION, resp.slot(), resp.attempt(), parsed.outcome(), parsed.rating(),
                parsed.rule(), System.currentTimeMillis(), !reask, distribution, resp.costUsd());
        io.micrometer.core.instrument.Counter.builder("pmc_scorer_outcomes_total").description("Scored replies by outcome (every attempt)").tags("target", target, "outcome", parsed.outcome().wire(), "instrument", resp.slot().instrumentName()).register(registry).increment();
        Message<String> out = in.withPayload(EventCodec.encode(rating))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(rating.slot().kafkaKey()).build());
        if (!reask) {
            if (parsed.outcome() != RatingOutcome.VALID) io.micrometer.core.instrument.Counter.builder("pmc_scorer_failed_slots_total").description("Slots without a valid rating after the last attempt").tag("target", target).register(registry).increment();
            return Uni.createFrom().item(out);
        }
        PromptEvent p = resp.prompt();
        PromptEvent next = p.nextAttempt(System.currentTimeMillis());
        io.micrometer.core.instrument.Counter.builder("pmc_scorer_reasks_total").description("Invalid replies re-asked (next attempt published)").tag("target", target).register(registry).increment();
        return reasks.sendMessage(Message.of(EventCodec.encode(next))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(next.slot().kafkaKey()).build()))
                .replaceWith(out);
    }

    /** Provider errors are their own outcome; replies go through the parser. */
    static ParsedRating parse(ResponseEvent resp) {
        return resp.error() != null
                ? ParsedRating.invalid(RatingOutcome.PROVIDER_ERROR, "provider_error")
                : parse(resp.slot(), resp.reply());
    }

    /** MFQ-30 replies as before instruments (byte-identical outcomes); others on their instrument's scale. */
    private static ParsedRating parse(dev.pmc.core.events.SlotId slot, String reply) {
        if (dev.pmc.core.instruments.Instruments.isDefault(slot.instrument())) return RatingParser.parse(Mfq30.get().item(slot.itemId()).type(), reply);
        dev.pmc.core.instruments.Instrument in = dev.pmc.core.instruments.Instruments.get(slot.instrument());
        return RatingParser.parse(in, in.item(slot.itemId()), reply);
    }
}
