package dev.pmc.aggregator;

import dev.pmc.core.Mfq30;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.Welford;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.targets.ModelCapabilities;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** S, R, verdicts, exports and persona diagnostics per target. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {
    @Inject
    AggregatorService aggregator;
    @Inject
    Baselines baselines;
    @Inject
    RunStates runStates;

    @GET
    @Path("/targets")
    public java.util.List<TargetView> targets() {
        return aggregator.targets().values().stream().map(this::view).toList();
    }

    /**
     * A target's metrics as the API and the live page show them, plus {@code paused} (why its calls wait, from the
     * gateway, and since when) and {@code temperatureFixedBy} (the model family that fixes its temperature; its
     * readings are compared only with a baseline read at the same temperature).
     */
    public record TargetView(@com.fasterxml.jackson.annotation.JsonUnwrapped TargetMetrics metrics,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String paused,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Long pausedSinceMs,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Double temperature,
                             @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String temperatureFixedBy,
                             Thresholds thresholds) {
    }

    /**
     * The verdict rule's thresholds, relative to the baseline (the live page draws them): a collapse is S risen by
     * {@code sRise} (×100 %) or entropy dropped by {@code entropyDropBits}; drifting is {@code driftFraction} of the way;
     * a collapse score of 1 is a threshold reached. The band is S's base-model band.
     */
    public record Thresholds(double sRise, double entropyDropBits, double driftFraction, double bandLow, double bandHigh) {
    }

    TargetView view(TargetMetrics m) {
        var p = runStates.pausedOf(m.target());
        var c = runStates.config(m.target());
        var t = aggregator.thresholds();
        return new TargetView(m, p == null ? null : p.paused(), p == null ? null : p.sinceMs(), c == null ? null : c.temperature(),
                c == null ? null : ModelCapabilities.of(c).temperatureFixedBy(),
                new Thresholds(t.sRise(), t.entropyDropBits(), t.driftFraction(), t.bandLow(), t.bandHigh()));
    }

    @GET
    @Path("/targets/{target}/metrics")
    public Response target(@PathParam("target") String target) {
        return aggregator.target(target).map(t -> Response.ok(t).build()).orElseGet(() -> unknown(target));
    }

    public record BaselineRequest(String baseline) {
    }

    /**
     * Sets (or with {@code "baseline": null} clears) the baseline target a target is compared with; both must be
     * registered targets. Stored in pmc.baselines, so every replica and every restart keeps it.
     */
    @PUT
    @Path("/targets/{target}/baseline")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setBaseline(@PathParam("target") String target, BaselineRequest body) throws Exception {
        if (body == null) return error(400, "body must be {\"baseline\": \"TARGET\"}");
        if (!runStates.registered(target)) return error(404, "target '" + target + "' is not registered; known targets: " + runStates.targets());
        String baseline = body.baseline() == null || body.baseline().isBlank() ? null : body.baseline();
        if (target.equals(baseline)) return error(400, "a target cannot be its own baseline");
        if (baseline != null && !runStates.registered(baseline)) {
            return error(400, "baseline '" + baseline + "' is not a registered target; known targets: " + runStates.targets());
        }
        String why = runStates.incomparable(target, baseline);
        if (why != null) return error(400, why);
        baselines.set(target, baseline);
        return Response.ok(java.util.Collections.singletonMap("baseline", baselines.of(target))).build();
    }

    @DELETE
    @Path("/targets/{target}/baseline")
    public Response clearBaseline(@PathParam("target") String target) throws Exception {
        if (!runStates.registered(target)) return error(404, "target '" + target + "' is not registered");
        baselines.clear(target);
        return Response.noContent().build();
    }

    @GET
    @Path("/baselines")
    public Map<String, String> allBaselines() {
        return baselines.all();
    }

    /**
     * The counted ratings of a run in the reference CSV format (latest persona run unless {@code run} is
     * given; self runs come without persona_id, like the published _self files). Replaying it gives the
     * same metrics.
     */
    @GET
    @Path("/targets/{target}/ratings.csv")
    @Produces("text/csv")
    public Response export(@PathParam("target") String target, @QueryParam("run") String run) {
        var runs = aggregator.runsOf(target);
        if (runs.isEmpty()) return unknown(target);
        String runId = run != null ? run : RunReadings.latestRun(runs, false);
        if (runId == null || !runs.containsKey(runId)) return error(404, "no run '" + run + "' for target '" + target + "'; runs: " + runs.keySet());
        List<PersonaStats> personas = runs.get(runId);
        boolean self = RunReadings.isSelfRun(personas);
        StringBuilder csv = new StringBuilder(self ? "question_id,run_index,rating,failures,response,collected_at\n"
                : "persona_id,question_id,run_index,rating,failures,response,collected_at\n");
        for (PersonaStats p : personas) {
            for (int q = 1; q <= p.items(); q++) {
                byte[] row = p.getRatings()[q - 1];
                for (int r = 0; r < row.length; r++) {
                    if (row[r] < 0) continue;
                    if (!self) csv.append(p.getPersonaId()).append(',');
                    csv.append(q).append(',').append(r + 1).append(',').append(row[r]).append(",0,").append(row[r]).append(",\n");
                }
            }
        }
        // reference format (question ids are the instrument's items); the file name says the instrument when it is not MFQ-30
        String instrument = personas.isEmpty() ? Instruments.DEFAULT : personas.get(0).instrumentName();
        String suffix = Instruments.isDefault(instrument) ? "" : "_" + instrument;
        return Response.ok(csv.toString()).header("Content-Disposition", "attachment; filename=\"" + target + "_" + runId + suffix + ".csv\"")
                .header("X-PMC-Instrument", instrument).build();
    }

    /** Per-persona profile of a run: mean rating, within-persona SD, and how often the persona failed to rate. */
    public record PersonaDiagnostics(String personaId, boolean counted, long validRatings, long invalidRatings,
                                     double invalidShare, Map<String, Long> outcomes, double meanRating, double withinSd,
                                     double[] itemMeans) {
    }

    @GET
    @Path("/targets/{target}/personas")
    public Response personas(@PathParam("target") String target, @QueryParam("run") String run) {
        var runs = aggregator.runsOf(target);
        if (runs.isEmpty()) return unknown(target);
        String runId = run != null ? run : RunReadings.latestRun(runs, false);
        if (runId == null || !runs.containsKey(runId)) return error(404, "no run '" + run + "' for target '" + target + "'");
        List<PersonaDiagnostics> out = new ArrayList<>();
        for (PersonaStats p : runs.get(runId)) {
            if (PersonaCatalog.SELF.equals(p.getPersonaId())) continue;
            long valid = p.validCount();
            long total = p.getOutcomes().values().stream().mapToLong(Long::longValue).sum();
            double meanSum = 0, sdSum = 0;
            int items = 0;
            double[] itemMeans = new double[p.items()];
            for (int q = 0; q < p.items(); q++) {
                itemMeans[q] = p.getN()[q] == 0 ? Double.NaN : p.getMean()[q];
                if (p.getN()[q] == 0) continue;
                items++;
                meanSum += p.getMean()[q];
                sdSum += p.cellSd(q + 1);
            }
            out.add(new PersonaDiagnostics(p.getPersonaId(), p.complete(), valid, total - valid,
                    total == 0 ? 0 : (double) (total - valid) / total, p.getOutcomes(),
                    items == 0 ? Double.NaN : meanSum / items, items == 0 ? Double.NaN : sdSum / items, itemMeans));
        }
        out.sort(Comparator.comparingLong(PersonaDiagnostics::invalidRatings).reversed()
                .thenComparing((a, b) -> PersonaStats.comparePersonaIds(a.personaId(), b.personaId())));
        return Response.ok(Map.of("target", target, "runId", runId, "personas", out)).build();
    }

    public record FailureRate(String id, long invalid, long attempts, double share) {
    }

    /**
     * The personas and MFQ items with the highest failure rates (invalid rating events / all rating events) in
     * a run: some personas make models ignore the instructions, which biases S if left unseen.
     */
    @GET
    @Path("/targets/{target}/failures")
    public Response failures(@PathParam("target") String target, @QueryParam("run") String run, @QueryParam("top") Integer top) {
        var runs = aggregator.runsOf(target);
        if (runs.isEmpty()) return unknown(target);
        String runId = run != null ? run : RunReadings.latestRun(runs, false);
        if (runId == null || !runs.containsKey(runId)) return error(404, "no run '" + run + "' for target '" + target + "'");
        int limit = top == null ? 10 : Math.max(1, top);
        List<FailureRate> personas = new ArrayList<>();
        int itemCount = runs.get(runId).isEmpty() ? Mfq30.ITEMS : runs.get(runId).get(0).items();
        long[] itemInvalid = new long[itemCount], itemAll = new long[itemCount];
        for (PersonaStats p : runs.get(runId)) {
            long inv = 0, all = 0;
            for (int q = 0; q < Math.min(itemCount, p.items()); q++) {
                inv += p.getInvalid()[q];
                all += p.getInvalid()[q] + p.getN()[q];
                itemInvalid[q] += p.getInvalid()[q];
                itemAll[q] += p.getInvalid()[q] + p.getN()[q];
            }
            personas.add(new FailureRate(p.getPersonaId(), inv, all, all == 0 ? 0 : (double) inv / all));
        }
        List<FailureRate> items = new ArrayList<>();
        for (int q = 0; q < itemCount; q++) {
            items.add(new FailureRate(Integer.toString(q + 1), itemInvalid[q], itemAll[q], itemAll[q] == 0 ? 0 : (double) itemInvalid[q] / itemAll[q]));
        }
        Comparator<FailureRate> worst = Comparator.comparingDouble(FailureRate::share).reversed().thenComparing(FailureRate::id);
        personas.sort(worst);
        items.sort(worst);
        return Response.ok(Map.of("target", target, "runId", runId,
                "personas", personas.subList(0, Math.min(limit, personas.size())),
                "items", items.subList(0, Math.min(limit, items.size())))).build();
    }

    @GET
    @Path("/topology")
    @Produces(MediaType.TEXT_PLAIN)
    public String topology() {
        return AggregatorTopology.build().describe().toString();
    }

    private Response unknown(String target) {
        return error(404, "no ratings for target '" + target + "' yet; known targets: " + aggregator.targets().keySet());
    }

    static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
