package dev.pmc.sim;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;

import java.time.Duration;

/** Holding answers back for simulated latency, slow calls and hanging calls. */
final class SimResponses {
    private SimResponses() {
    }

    static Uni<Response> delayed(Response r, long delayMs) {
        Uni<Response> out = Uni.createFrom().item(r);
        return delayMs > 0 ? out.onItem().delayIt().by(Duration.ofMillis(delayMs)) : out;
    }
}
