package dev.pmc.generator;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code GET /api/v1/schedules}: each scheduled target's period, next due time, last run, overlaps. */
@Path("/api/v1/schedules")
@Produces(MediaType.APPLICATION_JSON)
public class ScheduleResource {
    @Inject
    RunScheduler scheduler;

    @GET
    public List<RunScheduler.Status> list() {
        return scheduler.status();
    }
}
