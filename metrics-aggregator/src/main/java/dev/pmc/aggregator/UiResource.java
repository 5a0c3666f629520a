package dev.pmc.aggregator;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/** {@code /ui} → the live page ({@code META-INF/resources/ui/index.html}, uPlot from its webjar; no build step). */
@Path("/ui")
public class UiResource {
    @GET
    public Response page() {
        return Response.seeOther(URI.create("/ui/")).build();
    }
}
