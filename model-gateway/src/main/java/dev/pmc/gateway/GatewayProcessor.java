package dev.pmc.gateway;

import dev.pmc.core.SamplingSeed;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.ResponseEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pmc.prompts → provider call → pmc.responses. Up to {@code pmc.gateway.max-in-flight} calls run at once;
 * each prompt is acknowledged only once its response event is written. Undecodable prompts go to
 * pmc.prompts.dlq with the reason; provider failures become response events with {@code error} set.
 */
@ApplicationScoped
public class GatewayProcessor {
    private static final Logger LOG = Logger.getLogger(GatewayProcessor.class);

    @Inject
    ProviderTargets targets;
    @Inject
    MeterRegistry registry;
    @ConfigProperty(name = "pmc.gateway.max-in-flight")
    int maxInFlight;

    private final AtomicInteger inFlight = new AtomicInteger();

    @jakarta.annotation.PostConstruct
    void init() {
        io.micrometer.core.instrument.Gauge.builder("pmc_gateway_in_flight", inFlight, AtomicInteger::get).description("Provider calls in flight").register(registry);
    }

    @Incoming("prompts")
    @Outgoing("responses")
    public Multi<Message<String>> process(Multi<Message<String>> prompts) {
        return prompts.onItem().transformToMulti(m -> handle(m).toMulti()).merge(maxInFlight);
    }

    Uni<Message<String>> handle(Message<String> in) {
        PromptEvent prompt;
        try {
            prompt = EventCodec.decodePrompt(in.getPayload());
        } catch (InvalidEventException e) {
            io.micrometer.core.instrument.Counter.builder("pmc_gateway_dead_letters_total").description("Undecodable prompt events sent to pmc.prompts.dlq").register(registry).increment();
            return Uni.createFrom().completionStage(in.nack(e)).onItem().transform(x -> (Message<String>) null);
        }
        ProviderTargets.Target t = targets.get(prompt.slot().target());
        List<OpenAiChatApi.ChatMessage> messages = new ArrayList<>(2);
        if (prompt.system() != null) messages.add(new OpenAiChatApi.ChatMessage("system", prompt.system()));
        messages.add(new OpenAiChatApi.ChatMessage("user", prompt.user()));
        var request = new OpenAiChatApi.ChatRequest(t.model(), messages, prompt.temperature(), prompt.maxTokens(),
                SamplingSeed.of(prompt.slot().runId(), prompt.slot().repetition(), prompt.attempt()));
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        return t.client().complete(t.authorization(), request)
                .ifNoItem().after(targets.timeout()).fail()
                .map(resp -> response(prompt, t, resp.text(), null, start))
                .onFailure().recoverWithItem(err -> response(prompt, t, null, describe(err), start))
                .eventually(inFlight::decrementAndGet)
                .map(ev -> in.withPayload(EventCodec.encode(ev))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(ev.slot().kafkaKey()).build()));
    }

    private ResponseEvent response(PromptEvent p, ProviderTargets.Target t, String reply, String error, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        String outcome = error == null ? "ok" : "error";
        io.micrometer.core.instrument.Counter.builder("pmc_gateway_requests_total").description("Provider calls by outcome (ok, error)").tags("target", t.name(), "outcome", outcome).register(registry).increment();
        Timer.builder("pmc_gateway_request_duration_seconds").description("Provider call duration").tag("target", t.name()).publishPercentileHistogram()
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        if (error != null) LOG.debugf("slot %s attempt %d: %s", p.slot().id(), p.attempt(), error);
        return new ResponseEvent(ResponseEvent.VERSION, p.slot(), p.attempt(), t.model(), reply, error,
                TimeUnit.NANOSECONDS.toMillis(nanos), System.currentTimeMillis(), p);
    }

    /** A short, key-free description of a provider failure. */
    static String describe(Throwable err) {
        if (err instanceof WebApplicationException w) {
            return "HTTP " + w.getResponse().getStatus();
        }
        if (err instanceof io.smallrye.mutiny.TimeoutException) return "timeout";
        return err.getClass().getSimpleName() + (err.getMessage() == null ? "" : ": " + err.getMessage());
    }
}
