package dev.pmc.aggregator;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Collection;
import java.util.Map;

/** S, R and counts per target as JSON. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {
    @Inject
    AggregatorService aggregator;

    @GET
    @Path("/targets")
    public Collection<TargetMetrics> targets() {
        return aggregator.targets().values();
    }

    @GET
    @Path("/targets/{target}/metrics")
    public Response target(@PathParam("target") String target) {
        return aggregator.target(target).map(t -> Response.ok(t).build())
                .orElseGet(() -> Response.status(404).entity(Map.of("error", "no ratings for target '" + target
                        + "' yet; known targets: " + aggregator.targets().keySet())).build());
    }

    @GET
    @Path("/topology")
    @Produces(MediaType.TEXT_PLAIN)
    public String topology() {
        return AggregatorTopology.build().describe().toString();
    }
}
