package dev.pmc.aggregator;

import dev.pmc.core.Mfq30;
import dev.pmc.core.metrics.MoralMetrics;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.Comparison;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The current reading is the latest complete run; the rolling view averages the last K complete runs. */
class RollingViewTest {
    static List<PersonaStats> run(String runId, double spread, int personas, int itemsAnswered, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<PersonaStats> out = new ArrayList<>();
        for (int p = 0; p < personas; p++) {
            PersonaStats ps = new PersonaStats("t", runId, Integer.toString(p));
            for (int q = 1; q <= itemsAnswered; q++) {
                for (int r = 1; r <= 2; r++) ps.addValid(q, r, (int) Math.max(0, Math.min(5, Math.round(2.5 + spread * rnd.nextGaussian()))));
            }
            out.add(ps);
        }
        return out;
    }

    record Slots(Map<String, Long> slots) implements TargetMetricsView.Completion {
        public boolean complete(String runId, long settled) {
            Long s = slots.get(runId);
            return s == null || settled >= s;
        }

        public Long slots(String runId) {
            return slots.get(runId);
        }
    }

    @Test
    void aHalfFinishedRunNeverReplacesTheLatestCompleteOne() {
        String r1 = "20261123T100000000Z-aaaa", r2 = "20261123T110000000Z-bbbb", r3 = "20261123T120000000Z-cccc", r4 = "20261123T130000000Z-dddd";
        List<PersonaStats> all = new ArrayList<>();
        all.addAll(run(r1, 0.8, 20, 30, 1));
        all.addAll(run(r2, 1.0, 20, 30, 2));
        all.addAll(run(r3, 1.2, 20, 30, 3));
        all.addAll(run(r4, 3.0, 20, 5, 4)); // in progress: 5 of 30 items answered so far
        // r1..r3 announced as complete (0 slots left to settle), r4 needs 1200 settled slots and has none
        var completion = new Slots(Map.of(r1, 0L, r2, 0L, r3, 0L, r4, 1200L));
        var m = TargetMetricsView.compute(all, t -> null, Comparison.Thresholds.DEFAULT, completion,
                new TargetMetricsView.Window(2, 0)).get("t");
        assertEquals(r3, m.runId(), "current reading = latest complete run");
        double s3 = MoralMetrics.compute(run(r3, 1.2, 20, 30, 3)).overall().susceptibility();
        double s2 = MoralMetrics.compute(run(r2, 1.0, 20, 30, 2)).overall().susceptibility();
        assertEquals(s3, m.susceptibility(), 1e-12);
        assertEquals(List.of(r2, r3), m.rolling().runIds(), "window of the last 2 complete runs, oldest first");
        assertEquals((s2 + s3) / 2, m.rolling().susceptibility(), 1e-12);
        var summary4 = m.runs().stream().filter(r -> r.runId().equals(r4)).findFirst().orElseThrow();
        assertFalse(summary4.complete());
        assertEquals(1200L, summary4.slots());
        assertTrue(Double.isNaN(summary4.susceptibility()), "no per-run reading before completion");
        var summary1 = m.runs().stream().filter(r -> r.runId().equals(r1)).findFirst().orElseThrow();
        assertTrue(summary1.complete() && summary1.susceptibility() > 0, "history of complete runs");
    }

    @Test
    void runIdsCarryTheirStartTime() {
        assertEquals(java.time.Instant.parse("2026-11-23T12:00:00.123Z").toEpochMilli(), RunReadings.startedAtMs("20261123T120000123Z-4f2a"));
        assertEquals(null, RunReadings.startedAtMs("replay-gpt-4o"));
        assertEquals(Mfq30.ITEMS, 30);
    }
}
