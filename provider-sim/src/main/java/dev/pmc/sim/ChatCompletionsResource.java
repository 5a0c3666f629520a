package dev.pmc.sim;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** OpenAI-compatible {@code POST /v1/chat/completions}; the model name selects the simulated deployment. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ChatCompletionsResource {
    private static final AtomicLong IDS = new AtomicLong();

    @Inject
    SimModels models;
    @Inject
    MeterRegistry registry;

    @POST
    @Path("/chat/completions")
    public Uni<Response> complete(ChatApi.Request req) {
        if (req == null || req.model() == null || req.messages() == null || req.messages().isEmpty()) {
            return Uni.createFrom().item(error(400, "request needs 'model' and a non-empty 'messages' array", "invalid_request_error", null));
        }
        var model = models.get(req.model());
        if (model.isEmpty()) {
            return Uni.createFrom().item(error(404, "The model '" + req.model() + "' does not exist; served: "
                    + models.all().keySet(), "invalid_request_error", "model_not_found"));
        }
        String system = null;
        StringBuilder user = new StringBuilder();
        for (ChatApi.Message m : req.messages()) {
            if ("system".equals(m.role())) system = m.content();
            else if ("user".equals(m.role()) && m.content() != null) user.append(m.content());
        }
        double temperature = req.temperature() == null ? 1.0 : req.temperature();
        long seed = req.seed() == null ? 0 : req.seed();
        SimulatedModel sim = model.get();
        String reply = sim.reply(system, user.toString(), temperature, seed);
        int promptTokens = (int) Math.ceil(((system == null ? 0 : system.length()) + user.length()) / 4.0);
        int completionTokens = Math.max(1, (int) Math.ceil(reply.length() / 4.0));
        ChatApi.Response body = new ChatApi.Response("chatcmpl-sim-" + IDS.incrementAndGet(), "chat.completion",
                System.currentTimeMillis() / 1000, sim.name(),
                List.of(new ChatApi.Choice(0, new ChatApi.Message("assistant", reply), "stop")),
                new ChatApi.Usage(promptTokens, completionTokens, promptTokens + completionTokens));
        io.micrometer.core.instrument.Counter.builder("pmc_sim_requests_total").description("Chat completions answered by simulated model").tag("model", sim.name()).register(registry).increment();
        Uni<Response> out = Uni.createFrom().item(Response.ok(body).build());
        long latency = sim.params().latencyMs();
        return latency > 0 ? out.onItem().delayIt().by(Duration.ofMillis(latency)) : out;
    }

    @GET
    @Path("/models")
    public ChatApi.ModelList list() {
        List<ChatApi.Model> data = new ArrayList<>();
        for (String name : models.all().keySet()) data.add(new ChatApi.Model(name, "model", "pmc-provider-sim"));
        return new ChatApi.ModelList("list", data);
    }

    static Response error(int status, String message, String type, String code) {
        return Response.status(status).entity(ChatApi.ErrorBody.of(message, type, code)).type(MediaType.APPLICATION_JSON).build();
    }
}
