package dev.pmc.gateway;

import dev.pmc.core.Names;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;
import java.util.TreeMap;

/** What this gateway replica knows: the registered targets it can call; a probe call to one of them (admin). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class GatewayResource {
    @Inject
    GatewayTargets targets;

    /** Target name → provider and model (no URLs, no key references). */
    @GET
    @Path("/targets")
    public Map<String, Map<String, String>> targets() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        targets.defined().forEach((name, t) -> {
            Map<String, String> m = new TreeMap<>(Map.of("provider", String.valueOf(t.provider()), "model", String.valueOf(t.model())));
            String quota = targets.quotaExhausted(name);
            if (quota != null) m.put("paused", "quota exhausted: " + quota);
            out.put(name, m);
        });
        return out;
    }

    /** One call to the target as its runs would make it, reported in full (bin/pmc probe; spends one call: admin). */
    @POST
    @Path("/targets/{target}/probe")
    public java.util.concurrent.CompletionStage<Map<String, Object>> probe(@PathParam("target") String target) {
        if (!Names.isTarget(target)) throw new NotFoundException("no target " + Names.quote(target) + " is registered");
        // a target registered a moment ago (registration's ?probe=true): read pmc.targets up to now first
        return targets.sync().thenCompose(synced -> {
            TargetRuntime rt = targets.get(target);
            if (rt == null) {
                return java.util.concurrent.CompletableFuture.<Map<String, Object>>failedFuture(
                        new NotFoundException("no target " + Names.quote(target) + " is registered"));
            }
            return TargetProbe.run(rt);
        });
    }

    /** The operator says the account's quota is back: its waiting calls go again (admin). */
    @POST
    @Path("/targets/{target}/resume")
    public Map<String, String> resume(@PathParam("target") String target) {
        TargetRuntime rt = targets.get(target);
        if (rt == null) throw new NotFoundException("no target " + Names.quote(target) + " is registered");
        String was = rt.limiter().quotaExhausted();
        rt.limiter().resume();
        return Map.of("target", target, "resumed", String.valueOf(was != null));
    }
}
