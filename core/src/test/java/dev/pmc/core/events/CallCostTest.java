package dev.pmc.core.events;

import dev.pmc.core.metrics.PersonaStats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cost of a call rides on its response and rating events, is checked at the edge and summed once per call. */
class CallCostTest {
    private static final SlotId SLOT = new SlotId("run-1", "t", "3", 7, 2);

    @Test
    void costRoundTripsAndBadCostsAreRefusedWithAReason() {
        RatingEvent e = new RatingEvent(1, SLOT, 1, RatingOutcome.VALID, 4, "digit", 0, true, null, 0.00042);
        assertEquals(0.00042, EventCodec.decodeRating(EventCodec.encode(e)).costUsd(), 0);
        String json = EventCodec.encode(e);
        for (String bad : new String[] {"-0.5", "1e9", "\"x\""}) {
            String mutated = json.replace("\"costUsd\":4.2E-4", "\"costUsd\":" + bad);
            assertTrue(!mutated.equals(json), "mutation applied: " + json);
            var ex = assertThrows(RuntimeException.class, () -> EventCodec.decodeRating(mutated), bad);
            assertTrue(ex instanceof InvalidEventException, bad + ": " + ex);
        }
        assertEquals(null, EventCodec.decodeRating(json.replace(",\"costUsd\":4.2E-4", "")).costUsd(), "absent cost is fine");
        ResponseEvent r = new ResponseEvent(1, SLOT, 1, "m", "4", null, 5, 0, null, null, 1e-3);
        assertEquals(1e-3, EventCodec.decodeResponse(EventCodec.encode(r)).costUsd(), 0);
        String rj = EventCodec.encode(r).replace("\"costUsd\":0.001", "\"costUsd\":-1");
        assertThrows(InvalidEventException.class, () -> EventCodec.decodeResponse(rj));
    }

    @Test
    void aPersonaSumsTheCostOfEveryCallOnceAndKeepsItInItsState() throws Exception {
        PersonaStats ps = new PersonaStats("t", "run-1", "3");
        // an invalid first attempt, then the valid re-ask, then the valid one redelivered
        ps.accept(new RatingEvent(1, SLOT, 1, RatingOutcome.NO_RATING, null, "none", 0, false, null, 0.001));
        ps.accept(new RatingEvent(1, SLOT, 2, RatingOutcome.VALID, 4, "digit", 0, true, null, 0.002));
        ps.accept(new RatingEvent(1, SLOT, 2, RatingOutcome.VALID, 4, "digit", 0, true, null, 0.002));
        ps.accept(new RatingEvent(1, new SlotId("run-1", "t", "3", 8, 1), 1, RatingOutcome.VALID, 3, "digit", 0, true, null, null));
        assertEquals(0.003, ps.getCostUsd(), 1e-15);
        assertEquals(3L, ps.getOutcomes().values().stream().mapToLong(Long::longValue).sum(), "three calls counted");
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        PersonaStats back = mapper.readValue(mapper.writeValueAsString(ps), PersonaStats.class);
        assertEquals(0.003, back.getCostUsd(), 1e-15, "the cost survives the state store's serialisation");
    }
}
