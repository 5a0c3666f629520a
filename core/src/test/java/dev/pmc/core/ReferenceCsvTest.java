package dev.pmc.core;

import dev.pmc.core.io.ReferenceCsv;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReferenceCsvTest {
    @Test
    void fastRatingsReaderAgreesWithTheFullReaderOnEveryReferenceFile() throws Exception {
        for (String f : dev.pmc.core.scoring.ReferenceAgreementTest.FILES) {
            List<ReferenceCsv.Row> full = ReferenceCsv.read(ReferenceData.file(f));
            List<ReferenceCsv.Row> fast = ReferenceCsv.readRatings(ReferenceData.file(f));
            assertEquals(full.size(), fast.size(), f);
            for (int i = 0; i < full.size(); i++) {
                ReferenceCsv.Row a = full.get(i), b = fast.get(i);
                assertEquals(List.of(a.personaId(), a.questionId(), a.runIndex(), a.rating(), a.failures()),
                        List.of(b.personaId(), b.questionId(), b.runIndex(), b.rating(), b.failures()), f + " row " + i);
                assertNull(b.response());
            }
        }
    }

    @Test
    void quotedFieldsWithCommasQuotesAndNewlines() throws Exception {
        String csv = "persona_id,question_id,run_index,rating,failures,response,collected_at\r\n"
                + "3,7,2,4,0,\"4, because \"\"fair\"\"\nis fair\",2026-01-01\n"
                + "3,7,3,-1,2,\"no\",x\n";
        List<ReferenceCsv.Row> rows = ReferenceCsv.read(new StringReader(csv), "inline");
        assertEquals(2, rows.size());
        assertEquals("4, because \"fair\"\nis fair", rows.get(0).response());
        assertEquals(-1, rows.get(1).rating());
        Path tmp = Files.createTempFile("pmc", ".csv");
        Files.writeString(tmp, csv);
        List<ReferenceCsv.Row> fast = ReferenceCsv.readRatings(tmp);
        assertEquals(4, fast.get(0).rating());
        assertEquals(-1, fast.get(1).rating());
        assertEquals(2, fast.get(1).failures());
    }

    @Test
    void clearErrorsForBrokenFiles() throws Exception {
        Path tmp = Files.createTempFile("pmc", ".csv");
        Files.writeString(tmp, "persona_id,rating\n1,2\n");
        assertThrows(java.io.IOException.class, () -> ReferenceCsv.readRatings(tmp));
        assertThrows(java.io.IOException.class, () -> ReferenceCsv.read(tmp));
    }
}
