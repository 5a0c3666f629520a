package dev.pmc.generator;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.Collection;

/** Runs: {@code POST /api/v1/runs} starts one, {@code GET} lists them and shows publishing progress. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    /** Unknown fields are refused so that a misspelt field name gets a 400 instead of being ignored. */
    private static final com.fasterxml.jackson.databind.ObjectMapper REQUEST_JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    @Inject
    RunService runs;
    @Inject
    RunStore store;

    @Inject
    TargetRegistry registry;

    /**
     * Starts a run; with {@code ?dryRun=true} only returns what it would cost: slots, calls, estimated tokens,
     * USD (from the target's price table) and minutes at the target's request limit.
     */
    /**
     * Starts a run; with {@code ?dryRun=true} only returns what it would cost: slots, calls, estimated tokens,
     * USD (from the target's price table) and minutes at the target's request limit.
     */
    @POST
    @Path("/runs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(String body, @jakarta.ws.rs.QueryParam("dryRun") boolean dryRun) {
        RunRequest request = parse(body);
        if (dryRun) {
            RunPlanner.Plan plan = RunPlanner.plan(request, registry);
            return Response.ok(CostEstimate.of(registry.get(plan.target()).orElseThrow(), plan)).build();
        }
        Run run = runs.start(request, "manual");
        return Response.accepted(run).location(URI.create("/api/v1/runs/" + run.runId())).build();
    }

    /** Parsed here rather than by the framework so that malformed JSON gets a 400 that says what is wrong. */
    static RunRequest parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            return REQUEST_JSON.readValue(body, RunRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequestException("malformed JSON body: " + e.getOriginalMessage());
        }
    }

    @GET
    @Path("/runs")
    public Collection<Run> list() {
        return store.all();
    }

    @GET
    @Path("/runs/{runId}")
    public Run get(@PathParam("runId") String runId) {
        return store.get(runId).orElseThrow(() -> new NotFoundException("no run " + runId));
    }
}
