package dev.pmc.generator;

import dev.pmc.core.targets.InvalidTargetException;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.core.targets.TargetFile;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.Collection;

/**
 * The target registry over REST: {@code GET /api/v1/targets} lists, {@code POST} creates (409 if the name is
 * taken), {@code PUT /api/v1/targets/{name}} creates or replaces, {@code GET} and {@code DELETE} one. Bodies
 * are JSON or YAML; unknown fields and invalid values get a 400 naming the field.
 */
@Path("/api/v1/targets")
@Produces(MediaType.APPLICATION_JSON)
public class TargetResource {
    @Inject
    TargetRegistry registry;

    @GET
    public Collection<TargetConfig> list() {
        return registry.all();
    }

    @GET
    @Path("/{name}")
    public TargetConfig get(@PathParam("name") String name) {
        return registry.get(name).orElseThrow(() -> new NotFoundException("no target " + name));
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", MediaType.TEXT_PLAIN})
    public Response create(String body) {
        TargetConfig t = parse(body);
        if (registry.get(t.name()).isPresent()) {
            return ErrorMappers.json(409, "target '" + t.name() + "' exists; PUT /api/v1/targets/" + t.name() + " replaces it");
        }
        return Response.created(URI.create("/api/v1/targets/" + t.name())).entity(put(t)).build();
    }

    @PUT
    @Path("/{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", MediaType.TEXT_PLAIN})
    public Object replace(@PathParam("name") String name, String body, @jakarta.ws.rs.QueryParam("probe") boolean probe,
                          @jakarta.ws.rs.HeaderParam("Authorization") String authorization) {
        TargetConfig t;
        try {
            t = TargetFile.parseTarget(body, name);
        } catch (InvalidTargetException e) {
            throw new BadRequestException(e.getMessage());
        }
        if (!t.name().equals(name)) throw new BadRequestException("name '" + t.name() + "' differs from the path's '" + name + "'");
        if (probe && gatewayUrl.filter(u -> !u.isBlank()).isEmpty()) {
            throw new BadRequestException("probe=true needs the gateway's address (pmc.generator.gateway-url); run bin/pmc probe " + name + " instead");
        }
        TargetConfig stored = put(t);
        if (!probe) return stored;
        // one call to the target as its runs would make it, by a gateway (it waits until it has read the new definition)
        return java.util.Map.of("target", stored, "probe", GatewayProbe.call(gatewayUrl.get(), name, authorization));
    }

    /** A gateway's address for {@code ?probe=true} (bin/pmc up, compose and Kubernetes set it). */
    @ConfigProperty(name = "pmc.generator.gateway-url")
    java.util.Optional<String> gatewayUrl;

    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name) {
        try {
            if (!registry.delete(name)) throw new NotFoundException("no target " + name);
        } catch (InvalidTargetException e) {
            return ErrorMappers.json(409, e.getMessage());
        }
        return Response.noContent().build();
    }

    private static TargetConfig parse(String body) {
        try {
            return TargetFile.parseTarget(body);
        } catch (InvalidTargetException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private TargetConfig put(TargetConfig t) {
        try {
            return registry.put(t);
        } catch (InvalidTargetException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
