package dev.pmc.generator;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/** Turns bad input into HTTP 400 with a JSON {@code {"error": "..."}} that says what is wrong. */
public class ErrorMappers {
    @ServerExceptionMapper
    public Response badRequest(BadRequestException e) {
        return json(400, e.getMessage());
    }

    /** pmc.targets could not be written: nothing changed, the caller may retry. */
    @ServerExceptionMapper
    public Response notRecorded(TargetRegistry.NotRecordedException e) {
        return json(503, e.getMessage());
    }

    static Response json(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
