package dev.pmc.generator;

import dev.pmc.core.Names;
import dev.pmc.core.security.StrictJson;
import dev.pmc.core.targets.ModelCapabilities;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Runs: {@code POST /api/v1/runs} starts one, {@code GET} lists them and shows publishing progress. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    /** Unknown fields are refused so that a misspelt field name gets a 400 instead of being ignored. */
    private static final com.fasterxml.jackson.databind.ObjectMapper REQUEST_JSON = StrictJson.json();
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
    @POST
    @Path("/runs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(String body, @jakarta.ws.rs.QueryParam("dryRun") boolean dryRun) {
        RunRequest request = parse(body);
        if (dryRun) {
            RunPlanner.Plan plan = runs.plan(request);
            return Response.ok(CostEstimate.of(registry.get(plan.target()).orElseThrow(), plan)).build();
        }
        Run run = runs.start(request, "manual");
        return Response.accepted(run).location(URI.create("/api/v1/runs/" + run.runId())).build();
    }

    /** Parsed here rather than by the framework so that malformed JSON gets a 400 that says what is wrong. */
    static RunRequest parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            RunRequest r = REQUEST_JSON.readValue(body, RunRequest.class);
            if (r == null) throw new BadRequestException("the body must be a JSON object such as {\"target\": \"...\"}");
            return r;
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String field = e.getPath().isEmpty() ? "body" : "field '" + e.getPath().get(0).getFieldName() + "'";
            throw new BadRequestException(field + ": " + Names.quote(firstLine(e.getOriginalMessage())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequestException("malformed JSON body: " + Names.quote(firstLine(e.getOriginalMessage())));
        }
    }

    /** A page of runs, newest first; {@code next} is the {@code before} of the following page (null on the last). */
    public record Page(List<RunView> runs, String next) {
    }

    /**
     * A run as the API shows it: the record, plus {@code paused} while it is active and its target's calls wait
     * (the gateway's reason, e.g. "quota exhausted: …", and since when), so a run that stands still says why.
     */
    public record RunView(@com.fasterxml.jackson.annotation.JsonUnwrapped Run run,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String paused,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Long pausedSinceMs,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String temperatureFixedBy) {
    }

    @jakarta.inject.Inject
    TargetStatuses statuses;

    RunView view(Run r) {
        var s = r.active() ? statuses.pausedOf(r.target()) : null;
        // every run of a fixed-temperature model ran at that temperature (the planner refuses any other)
        String fixedBy = registry.get(r.target()).map(t -> ModelCapabilities.of(t).temperatureFixedBy()).orElse(null);
        return new RunView(r, s == null ? null : s.paused(), s == null ? null : s.sinceMs(), fixedBy);
    }

    static final int MAX_PAGE = 500;

    /**
     * Runs, newest first, a page at a time: {@code limit} (1..500, default 50), {@code before} (a run id: runs older
     * than it), {@code target} and {@code state} filters.
     */
    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @GET
    @Path("/runs")
    public Page list(@QueryParam("limit") Integer limit, @QueryParam("before") String before, @QueryParam("target") String target,
                     @QueryParam("state") String state) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > MAX_PAGE) throw new BadRequestException("'limit' must be 1.." + MAX_PAGE + ", was " + n);
        List<Run> out = new ArrayList<>(n + 1);
        for (Run r : store.all()) {
            if (before != null && r.runId().compareTo(before) >= 0) continue;
            if (target != null && !target.equals(r.target())) continue;
            if (state != null && !state.equals(r.state())) continue;
            out.add(r);
            if (out.size() > n) break;
        }
        String next = out.size() > n ? out.get(n - 1).runId() : null;
        return new Page((out.size() > n ? out.subList(0, n) : out).stream().map(this::view).toList(), next);
    }

    @GET
    @Path("/runs/{runId}")
    public RunView get(@PathParam("runId") String runId) {
        return view(store.get(runId).orElseThrow(() -> new NotFoundException("no run " + runId)));
    }

    /** Cancels a queued or running run: it stops publishing (200 with the run; 404 unknown; 409 already finished). */
    @DELETE
    @Path("/runs/{runId}")
    public Response cancel(@PathParam("runId") String runId) {
        Run before = store.get(runId).orElseThrow(() -> new NotFoundException("no run " + runId));
        if (!before.active()) return ErrorMappers.json(409, "run " + runId + " is already " + before.state());
        return Response.ok(runs.cancel(runId, "cancelled over the API").orElseThrow()).build();
    }
}
