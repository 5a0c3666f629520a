package dev.pmc.generator;

import dev.pmc.core.Mfq30;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows pmc.ratings (its own consumer group) to count each run's settled slots, once per slot: a slot
 * settles with its first valid rating or with its last failed attempt. A run whose slots are all settled is
 * completed.
 */
@ApplicationScoped
public class ProgressTracker {
    /** Per run: which slots settled, and how many (kept alongside so no event has to count the bits). */
    private static final class Settled {
        final BitSet slots;
        long count;

        Settled(int size) {
            slots = new BitSet(size);
        }
    }

    private final Map<String, Settled> settled = new ConcurrentHashMap<>();

    @Inject
    RunStore store;

    @Incoming("ratings-progress")
    public void onRating(String json) {
        RatingEvent e;
        try {
            e = EventCodec.decodeRating(json);
        } catch (InvalidEventException ex) {
            return; // the aggregator dead-letters it; progress just does not count it
        }
        Run run = store.get(e.slot().runId()).orElse(null);
        if (run == null || !(e.outcome() == RatingOutcome.VALID || e.settles())) return;
        int persona = PersonaCatalog.SELF.equals(e.slot().personaId()) ? 0 : parse(e.slot().personaId());
        if (persona < 0 || e.slot().repetition() > run.n()) return;
        long index = ((long) persona * Mfq30.ITEMS + (e.slot().itemId() - 1)) * run.n() + (e.slot().repetition() - 1);
        if (index >= run.slots() || index > Integer.MAX_VALUE) return;
        Settled bits = settled.computeIfAbsent(run.runId(), k -> new Settled((int) run.slots()));
        long count;
        synchronized (bits) {
            if (bits.slots.get((int) index)) return;
            bits.slots.set((int) index);
            count = ++bits.count;
        }
        long now = System.currentTimeMillis();
        Run after = store.update(run.runId(), r -> r.withSettled(Math.max(r.settled(), count), now));
        if (after != null && !after.active()) settled.remove(run.runId());
    }

    private static int parse(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
