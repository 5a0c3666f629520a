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
import dev.pmc.core.events.SlotId;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.Instruments;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.util.ArrayList;
import java.util.List;

/**
 * pmc.responses → {@link RatingParser} → pmc.ratings. Every response becomes one rating event. An invalid
 * reply whose prompt is known is re-asked: the same slot's next attempt goes back to pmc.prompts (before the
 * response is acknowledged), up to {@code pmc.scorer.max-attempts} attempts in all (the reference protocol
 * uses 4); the rating event says whether it settles the slot. Undecodable responses go to pmc.responses.dlq.
 *
 * <p>Responses arrive a poll at a time ({@code batch=true}): one event-loop task and one acknowledgement per poll
 * instead of per record (docs/BENCHMARKS.md, "Per-record costs"). A batch is acknowledged once every record of it is
 * settled (its rating, and re-ask, acknowledged by the broker, or the record itself nacked to the channel's
 * dead-letter queue with its reason), so a bad record never holds up or fails the others.
 */
@ApplicationScoped
public class ScorerProcessor {
    /**
     * Counters registered once and reused (registering one per record cost a registry lookup, an id and a tag sort on
     * the hot path, issue #29); keys are bounded by the registered targets × outcomes × instruments, like the meters.
     */
    private final java.util.Map<String, io.micrometer.core.instrument.Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();

    private io.micrometer.core.instrument.Counter meter(String key, java.util.function.Supplier<io.micrometer.core.instrument.Counter> make) {
        io.micrometer.core.instrument.Counter c = counters.get(key);
        return c != null ? c : counters.computeIfAbsent(key, k -> make.get());
    }

    @Inject
    MeterRegistry registry;
    private io.micrometer.core.instrument.Counter deadLetterCount;

    @jakarta.annotation.PostConstruct
    void meters() {
        deadLetterCount = io.micrometer.core.instrument.Counter.builder("pmc_scorer_dead_letters_total")
                .description("Response events sent to pmc.responses.dlq (undecodable, inconsistent or failing)").register(registry);
    }

    // a poll brings at most max.poll.records (1000) responses, each at most one rating and one re-ask
    @Inject
    @Channel("ratings")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> ratings;

    @Inject
    @Channel("reasks")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> reasks;

    @Inject
    ScorerConfig config;

    @Inject
    ScorerTargets targets;

    @Incoming("responses")
    public Uni<Void> process(KafkaRecordBatch<String, String> batch) {
        List<Uni<Void>> settled = new ArrayList<>(batch.getRecords().size());
        for (KafkaRecord<String, String> in : batch.getRecords()) settled.add(scoreOrDeadLetter(in));
        if (settled.isEmpty()) return Uni.createFrom().completionStage(batch.ack());
        // each record's Uni already recovers by dead-lettering; a failure here means even that failed, and the
        // connector's failure strategy (dead-letter-queue) takes the batch
        return Uni.join().all(settled).andCollectFailures().onItemOrFailure().transformToUni((x, err) ->
                Uni.createFrom().completionStage(err == null ? batch.ack() : batch.nack(err)));
    }

    /** Never fails: a response that cannot be scored, or whose rating cannot be published, goes to pmc.responses.dlq with the reason. */
    Uni<Void> scoreOrDeadLetter(KafkaRecord<String, String> in) {
        try {
            return score(in.getPayload(), in.getKey()).onFailure().recoverWithUni(e -> deadLetter(in, e));
        } catch (RuntimeException e) {
            return deadLetter(in, e);
        }
    }

    /**
     * Nacks the one record: the channel's failure strategy (SmallRye's dead-letter queue) writes it, as it was, to
     * pmc.responses.dlq with the reason and where it came from in its headers, then acknowledges it.
     */
    private Uni<Void> deadLetter(KafkaRecord<String, String> in, Throwable e) {
        deadLetterCount.increment();
        Throwable reason = InvalidEventException.reason(e);
        return Uni.createFrom().completionStage(in.nack(reason));
    }

    /** Scores one response: publishes its re-ask (if any, first) and then its rating; fails if either cannot be. */
    Uni<Void> score(String payload, String key) {
        ResponseEvent resp = EventCodec.decodeResponse(payload);
        EventCodec.checkKey(key, resp.slot());
        // counters are labelled by registered targets only, so a name seen in an event mints no series
        String target = targets.label(resp.slot().target());
        ParsedRating parsed;
        double[] distribution = null;
        // logprob readings are MFQ-30's (the planner refuses others); other instruments' replies are always parsed
        if (resp.error() == null && resp.topLogprobs() != null && Instruments.isDefault(resp.slot().instrument())) {
            LogprobRating.Result lp = LogprobRating.read(resp.topLogprobs(), config.logprobMinMass(), config.logprobTemperature().orElse(LogprobRating.samplingTemperature(resp.prompt())));
            parsed = lp.outcome() == RatingOutcome.VALID ? ParsedRating.valid(lp.mode(), "logprobs")
                    : ParsedRating.invalid(lp.outcome(), "logprobs");
            distribution = lp.distribution();
        } else {
            parsed = parse(resp);
        }
        boolean reask = parsed.outcome() != RatingOutcome.VALID && resp.prompt() != null && resp.attempt() < config.maxAttempts();
        RatingEvent rating = new RatingEvent(RatingEvent.VERSION, resp.slot(), resp.attempt(), parsed.outcome(), parsed.rating(),
                parsed.rule(), System.currentTimeMillis(), !reask, distribution, resp.costUsd());
        String instrument = resp.slot().instrumentName();
        meter("o|" + target + "|" + parsed.outcome().wire() + "|" + instrument, () -> io.micrometer.core.instrument.Counter.builder("pmc_scorer_outcomes_total")
                .description("Scored replies by outcome (every attempt)").tags("target", target, "outcome", parsed.outcome().wire(), "instrument", instrument)
                .register(registry)).increment();
        Message<String> out = keyed(EventCodec.encode(rating), rating.slot().kafkaKey());
        if (!reask) {
            if (parsed.outcome() != RatingOutcome.VALID) {
                meter("f|" + target, () -> io.micrometer.core.instrument.Counter.builder("pmc_scorer_failed_slots_total")
                        .description("Slots without a valid rating after the last attempt").tag("target", target).register(registry)).increment();
            }
            return ratings.sendMessage(out);
        }
        PromptEvent p = resp.prompt();
        PromptEvent next = p.nextAttempt(System.currentTimeMillis());
        meter("r|" + target, () -> io.micrometer.core.instrument.Counter.builder("pmc_scorer_reasks_total")
                .description("Invalid replies re-asked (next attempt published)").tag("target", target).register(registry)).increment();
        // the re-ask first: a rating that does not settle its slot is only published once the next attempt is
        return reasks.sendMessage(keyed(EventCodec.encode(next), next.slot().kafkaKey())).chain(() -> ratings.sendMessage(out));
    }

    private static Message<String> keyed(String payload, String key) {
        return Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }

    /** Provider errors are their own outcome; replies go through the parser. */
    static ParsedRating parse(ResponseEvent resp) {
        if (resp.error() != null) {
            // the provider declined the prompt itself (Gemini's blocked prompt): a refusal, not a failed call
            return resp.error().startsWith(ResponseEvent.PROVIDER_REFUSAL) ? ParsedRating.invalid(RatingOutcome.REFUSAL, "provider_refusal")
                    : ParsedRating.invalid(RatingOutcome.PROVIDER_ERROR, "provider_error");
        }
        return parse(resp.slot(), resp.reply());
    }

    /** MFQ-30 replies as before instruments (byte-identical outcomes); others on their instrument's scale. */
    private static ParsedRating parse(SlotId slot, String reply) {
        if (Instruments.isDefault(slot.instrument())) return RatingParser.parse(Mfq30.get().item(slot.itemId()).type(), reply);
        Instrument in = Instruments.get(slot.instrument());
        return RatingParser.parse(in, in.item(slot.itemId()), reply);
    }
}
