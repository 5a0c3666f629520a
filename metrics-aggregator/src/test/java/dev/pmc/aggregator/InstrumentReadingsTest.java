package dev.pmc.aggregator;

import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.io.InstrumentMetrics;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.PersonaStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Other instruments' runs next to MFQ-30's: each instrument's latest complete run is read on its own (BFI-44 by domain,
 * the self-assessment probe as a claim against the behavioural verdict), and none of them touches the MFQ reading.
 */
class InstrumentReadingsTest {
    static final String MFQ_BASE = "20261126T080000000Z-base", MFQ_BAD = "20261126T080000000Z-badd",
            BFI = "20261126T090000000Z-bad.bfi44", PROBE = "20261126T090000000Z-bad.self-probe";

    static List<PersonaStats> persona(String target, String runId, String instrument, int personas, double spread, long seed) {
        return persona(target, runId, instrument, personas, spread, 0.5, seed);
    }

    static List<PersonaStats> persona(String target, String runId, String instrument, int personas, double spread, double noise, long seed) {
        Instrument in = Instruments.get(instrument);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<PersonaStats> out = new ArrayList<>();
        for (int p = 0; p < personas; p++) {
            PersonaStats ps = new PersonaStats(target, runId, Integer.toString(p), instrument);
            double shift = spread * rnd.nextGaussian();
            for (int q = 1; q <= in.size(); q++) {
                for (int r = 1; r <= 3; r++) {
                    ps.addValid(q, r, (int) Math.max(in.min(), Math.min(in.max(), Math.round(2.5 + shift + noise * rnd.nextGaussian()))));
                }
            }
            out.add(ps);
        }
        return out;
    }

    /** The probe answered as a model that claims to be aligned: aligned statements 5, misaligned (reverse-keyed) ones 0-1. */
    static PersonaStats alignedClaim(String target, String runId) {
        Instrument probe = Instruments.get(Instruments.SELF_PROBE);
        PersonaStats ps = new PersonaStats(target, runId, PersonaCatalog.SELF, probe.name());
        for (Instrument.Item it : probe.items()) for (int r = 1; r <= 5; r++) ps.addValid(it.id(), r, it.reverse() ? r % 2 : 5);
        return ps;
    }

    @Test
    void eachInstrumentIsReadOnItsOwnAndTheProbeStandsAgainstTheVerdict() {
        List<PersonaStats> all = new ArrayList<>();
        all.addAll(persona("base", MFQ_BASE, "mfq30", 40, 0.4, 1));
        all.addAll(persona("bad", MFQ_BAD, "mfq30", 40, 1.6, 1.5, 2));
        List<PersonaStats> bfi = persona("bad", BFI, "bfi44", 40, 0.7, 3);
        all.addAll(bfi);
        all.add(alignedClaim("bad", PROBE));
        Map<String, TargetMetrics> view = TargetMetricsView.compute(all, t -> t.equals("bad") ? "base" : null, Comparison.Thresholds.DEFAULT,
                TargetMetricsView.Completion.ALWAYS, TargetMetricsView.Window.DEFAULT);
        TargetMetrics bad = view.get("bad");

        assertEquals(MFQ_BAD, bad.runId(), "the MFQ reading stays the latest MFQ run, though BFI and probe runs are newer");
        assertEquals(List.of(MFQ_BAD), bad.rolling().runIds(), "the rolling window holds MFQ runs only");
        assertEquals("collapsed", bad.comparison().verdict(), "S quadrupled and R fell against the baseline");

        TargetMetrics.InstrumentReading mfq = bad.instruments().get("mfq30");
        assertEquals(bad.susceptibility(), mfq.groups().get(0).susceptibility(), 0);
        assertEquals(6, mfq.groups().size(), "all and five foundations");

        TargetMetrics.InstrumentReading b = bad.instruments().get("bfi44");
        assertEquals(BFI, b.runId());
        List<String> groups = new ArrayList<>(List.of("all"));
        Instruments.get("bfi44").groups().forEach(g -> groups.add(g.key()));
        assertEquals(groups, b.groups().stream().map(TargetMetrics.GroupReading::group).toList(), "all, then the five domains");
        assertEquals(6, b.groups().size());
        List<int[][]> cells = new ArrayList<>();
        for (PersonaStats p : bfi) cells.add(RunReadings.cells(p));
        InstrumentMetrics.Reading offline = InstrumentMetrics.compute(Instruments.get("bfi44"), cells, 40L * 44 * 3, 0, dev.pmc.core.metrics.Bootstrap.DEFAULT_SEED);
        assertEquals(offline.groups().get("all").susceptibility(), b.groups().get(0).susceptibility(), 1e-12, "the live BFI reading is the offline one");
        assertEquals(offline.groups().get("all").susceptibilitySe(), b.groups().get(0).susceptibilitySe(), 1e-12);
        for (TargetMetrics.GroupReading g : b.groups()) {
            assertTrue(g.susceptibility() > 0 && Double.isFinite(g.robustness()) && g.score() >= 1 && g.score() <= 5, g.toString());
        }
        assertEquals(40, b.personas());

        TargetMetrics.InstrumentReading probe = bad.instruments().get("self-probe");
        assertTrue(probe.claim() > 4.5, "keyed claim of an aligned self-description: " + probe.claim());
        assertEquals("inverted", probe.selfReport(), "collapsed behaviour, aligned self-description");
        assertEquals("inverted", bad.comparison().selfReport());

        TargetMetrics base = view.get("base");
        assertNull(base.comparison().selfReport(), "no probe reading: no self report");
        assertEquals(List.of("mfq30"), List.copyOf(base.instruments().keySet()));
    }

    @Test
    void aProbeOfAHealthyModelThatClaimsAlignmentIsCoherent() {
        List<PersonaStats> all = new ArrayList<>(persona("base", MFQ_BASE, "mfq30", 40, 0.4, 1));
        all.addAll(persona("ok", MFQ_BAD, "mfq30", 40, 0.4, 5));
        all.add(alignedClaim("ok", PROBE));
        TargetMetrics ok = TargetMetricsView.compute(all, t -> t.equals("ok") ? "base" : null, Comparison.Thresholds.DEFAULT,
                TargetMetricsView.Completion.ALWAYS, TargetMetricsView.Window.DEFAULT).get("ok");
        assertNotEquals("collapsed", ok.comparison().verdict());
        assertEquals("coherent", ok.comparison().selfReport());
    }

    @Test
    void storeValuesKeepTheirInstrumentAndOlderValuesReadAsMfq() {
        PersonaStats bfi = persona("t", BFI, "bfi44", 1, 0.5, 9).get(0);
        PersonaStats back = PersonaStatsSerde.decode(PersonaStatsSerde.encode(bfi));
        assertEquals("bfi44", back.getInstrument());
        assertEquals(44, back.items());
        assertArrayEquals(bfi.values(44), back.values(44));
        // a version-1 value (written before instruments): same bytes without the trailing instrument
        PersonaStats mfq = persona("t", MFQ_BASE, "mfq30", 1, 0.5, 9).get(0);
        byte[] v2 = PersonaStatsSerde.encode(mfq);
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 1);   // an absent instrument is one 'false' byte
        v1[0] = 1;
        PersonaStats old = PersonaStatsSerde.decode(v1);
        assertNull(old.getInstrument());
        assertEquals(30, old.items());
        assertArrayEquals(mfq.values(30), old.values(30));
    }
}
