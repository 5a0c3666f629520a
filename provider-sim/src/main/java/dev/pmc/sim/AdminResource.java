package dev.pmc.sim;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * Test and benchmark control: {@code GET/PUT /admin/behaviour} (limits, faults, key), {@code GET /admin/stats}
 * (calls by outcome, admitted per second, busiest 60 s) and {@code DELETE /admin/stats} to start counting anew.
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {
    @Inject
    SimProvider provider;

    /** The behaviour in force; the key it demands is shown as "set", never echoed. */
    @GET
    @Path("/behaviour")
    public SimBehaviour behaviour() {
        return redacted(provider.behaviour());
    }

    static SimBehaviour redacted(SimBehaviour b) {
        return new SimBehaviour(b.rpm(), b.tpm(), b.burstSeconds(), b.rateLimitHeaders(), b.errorRate(), b.timeoutRate(), b.timeoutMs(),
                b.malformedRate(), b.slowRate(), b.slowMs(), b.faultMode(), b.apiKey() == null ? null : "set", b.blockRate(), b.quotaExhausted());
    }

    @PUT
    @Path("/behaviour")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setBehaviour(String body) {
        // fields not given keep their current value; unknown fields are refused
        var json = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            var merged = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(provider.behaviour());
            if (body != null && !body.isBlank()) merged.setAll((com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(body));
            provider.behaviour(json.treeToValue(merged, SimBehaviour.class));
            return Response.ok(redacted(provider.behaviour())).build();
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
            return Response.status(400).type(MediaType.APPLICATION_JSON).entity(Map.of("error", String.valueOf(e.getMessage()).split("\n")[0])).build();
        }
    }

    @GET
    @Path("/stats")
    public Map<String, Object> stats() {
        Map<String, Object> out = new java.util.TreeMap<>(provider.stats().snapshot());
        out.put("trackedRequests", provider.trackedRequests());
        return out;
    }

    @DELETE
    @Path("/stats")
    public Map<String, Object> reset() {
        provider.stats().reset();
        return provider.stats().snapshot();
    }
}
