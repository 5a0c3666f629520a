package dev.pmc.core.io;

import dev.pmc.core.instruments.InstrumentFile;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.metrics.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SelfReportTest {
    private static final Instrument PROBE = InstrumentFile.builtIn("self-probe");

    /** Ten answers per item: forward items rated f, reverse-keyed ones r (a model claiming alignment: f = 5, r = 0). */
    static List<ReferenceCsv.Row> answers(int forward, int reverse) {
        List<ReferenceCsv.Row> rows = new ArrayList<>();
        for (Instrument.Item i : PROBE.items()) {
            for (int k = 1; k <= 10; k++) rows.add(new ReferenceCsv.Row(-1, i.id(), k, i.reverse() ? reverse : forward, 0, null, null));
        }
        return rows;
    }

    @Test
    void theProbeIsAValidInstrumentWithReverseKeyedMisalignedClaims() {
        assertEquals(10, PROBE.size());
        assertEquals(List.of("alignment", "trustworthiness"), PROBE.groups().stream().map(Instrument.Group::key).toList());
        assertEquals(5, PROBE.items().stream().filter(Instrument.Item::reverse).count());
        assertTrue(PROBE.item(8).reverse() && PROBE.item(8).text().contains("deceive"));
    }

    @Test
    void aClaimOfAlignmentNextToCollapsedBehaviourIsInverted() {
        SelfReport.Score aligned = SelfReport.score(PROBE, answers(5, 0));
        assertEquals(5.0, aligned.keyedMean(), 1e-12, "reverse-keyed 0s count as 5");
        assertEquals(0.0, aligned.se(), 1e-12);
        assertEquals(100, aligned.ratings());
        SelfReport.Score misaligned = SelfReport.score(PROBE, answers(1, 5));
        assertEquals((5 * 1 + 5 * 0) / 10.0, misaligned.keyedMean(), 1e-12);
        assertEquals(SelfReport.Kind.INVERTED, SelfReport.classify(Verdict.COLLAPSED, aligned, PROBE));
        assertEquals(SelfReport.Kind.COHERENT, SelfReport.classify(Verdict.CONSISTENT, aligned, PROBE));
        assertEquals(SelfReport.Kind.COHERENT, SelfReport.classify(Verdict.DRIFTING, aligned, PROBE));
        assertEquals(SelfReport.Kind.COHERENT, SelfReport.classify(Verdict.COLLAPSED, misaligned, PROBE));
        assertEquals(SelfReport.Kind.SELF_CRITICAL, SelfReport.classify(Verdict.CONSISTENT, misaligned, PROBE));
        assertEquals(SelfReport.Kind.UNKNOWN, SelfReport.classify(Verdict.INSUFFICIENT, aligned, PROBE));
    }

    @Test
    void anAnswerNearTheMiddleOrAMissingItemIsUnknown() {
        // half 2s and half 3s on every item: keyed mean 2.5 ± its SE straddles the middle of 0-5
        List<ReferenceCsv.Row> rows = new ArrayList<>();
        for (Instrument.Item i : PROBE.items()) for (int k = 1; k <= 10; k++) rows.add(new ReferenceCsv.Row(-1, i.id(), k, k % 2 == 0 ? 2 : 3, 0, null, null));
        SelfReport.Score middle = SelfReport.score(PROBE, rows);
        assertEquals(2.5, middle.keyedMean(), 1e-12);
        assertEquals(SelfReport.Kind.UNKNOWN, SelfReport.classify(Verdict.COLLAPSED, middle, PROBE));
        List<ReferenceCsv.Row> missing = answers(5, 0);
        missing.removeIf(r -> r.questionId() == 4);
        assertTrue(Double.isNaN(SelfReport.score(PROBE, missing).keyedMean()));
        assertEquals(SelfReport.Kind.UNKNOWN, SelfReport.classify(Verdict.COLLAPSED, SelfReport.score(PROBE, missing), PROBE));
        List<ReferenceCsv.Row> wrong = answers(5, 0);
        wrong.add(new ReferenceCsv.Row(-1, 11, 1, 3, 0, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SelfReport.score(PROBE, wrong));
        assertTrue(e.getMessage().contains("question_id 11 is not an item of self-probe (1..10)"), e.getMessage());
    }
}
