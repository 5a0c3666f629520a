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

    /**
     * The numbers reader skips the columns it does not read (text, timestamps: most of a file's bytes) to their end:
     * text that looks like numbers, minus signs, decimals, quotes with commas, in columns before, between and after
     * the number columns, reads exactly as the full reader reads it, and a field past the header's is ignored.
     */
    @Test
    void columnsTheNumbersReaderSkipsNeverLeakIntoTheNumbers() throws Exception {
        String csv = "note,persona_id,collected_at,question_id,run_index,response,rating,failures,model\n"
                + "12,3,2026-06-16T23:47:40.037376,7,2,-4.5,4,0,gpt-4o\n"
                + "x,3,-1,8,2,\"5, or \"\"4\"\"\",5,1,\"a,b\"\n"
                + "-7.25,4,99999999999999999999,9,1,,,0,m\n"
                + "\"q\",4,t,10,1,3.0,2,0,m\n";
        Path tmp = Files.createTempFile("pmc", ".csv");
        Files.writeString(tmp, csv);
        List<ReferenceCsv.Row> full = ReferenceCsv.read(tmp), fast = ReferenceCsv.readRatings(tmp);
        assertEquals(4, fast.size());
        for (int i = 0; i < full.size(); i++) {
            ReferenceCsv.Row a = full.get(i), b = fast.get(i);
            assertEquals(List.of(a.personaId(), a.questionId(), a.runIndex(), a.rating(), a.failures()),
                    List.of(b.personaId(), b.questionId(), b.runIndex(), b.rating(), b.failures()), "row " + i);
        }
        assertEquals(List.of(4, 5, -1, 2), fast.stream().map(ReferenceCsv.Row::rating).toList());
        Files.writeString(tmp, "persona_id,question_id,run_index,rating,failures,response\n1,2,3,4,0,4,extra,9\n");
        assertEquals(List.of(1, 2, 3, 4, 0), List.of(ReferenceCsv.readRatings(tmp).get(0).personaId(), ReferenceCsv.readRatings(tmp).get(0).questionId(),
                ReferenceCsv.readRatings(tmp).get(0).runIndex(), ReferenceCsv.readRatings(tmp).get(0).rating(), ReferenceCsv.readRatings(tmp).get(0).failures()));
    }

    @Test
    void clearErrorsForBrokenFiles() throws Exception {
        Path tmp = Files.createTempFile("pmc", ".csv");
        Files.writeString(tmp, "persona_id,rating\n1,2\n");
        assertThrows(java.io.IOException.class, () -> ReferenceCsv.readRatings(tmp));
        assertThrows(java.io.IOException.class, () -> ReferenceCsv.read(tmp));
    }

    /**
     * Input that decodes but is wrong (issue #29): the GPT-4o file with its ratings written as "3.0" (as pandas writes
     * a column with a gap) reads exactly as the original with both readers; "4.5" is no rating; an id beyond int range
     * (4294967299 once wrapped to 3) and a short row are errors naming the file and the record.
     */
    @Test
    void wholeRatingsWrittenAsDecimalsReadAsTheOriginalAndWrongNumbersAreNamed() throws Exception {
        Path original = ReferenceData.file("gpt-4o_temp01.csv");
        List<String> lines = Files.readAllLines(original);
        List<String> header = List.of(lines.get(0).split(","));
        int rating = header.indexOf("rating");
        StringBuilder decimal = new StringBuilder(lines.get(0)).append('\n');
        // rewrite the rating column only on plain rows (quoted text fields may hold commas: those rows stay as they are)
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            if (!l.contains("\"") && f.length == header.size() && f[rating].matches("\\d")) f[rating] = f[rating] + ".0";
            decimal.append(String.join(",", f)).append('\n');
        }
        Path rewritten = Files.createTempFile("pmc-decimal", ".csv");
        Files.writeString(rewritten, decimal);
        List<ReferenceCsv.Row> want = ReferenceCsv.readRatings(original);
        for (List<ReferenceCsv.Row> got : List.of(ReferenceCsv.readRatings(rewritten), ReferenceCsv.read(rewritten))) {
            assertEquals(want.size(), got.size());
            for (int i = 0; i < want.size(); i++) assertEquals(want.get(i).rating(), got.get(i).rating(), "row " + i);
        }
        Path tmp = Files.createTempFile("pmc", ".csv");
        Files.writeString(tmp, "persona_id,question_id,run_index,rating,failures\n1,3,1,4.5,0\n1,4,1,4.0,0\n1,5,1,,0\n");
        for (List<ReferenceCsv.Row> rows : List.of(ReferenceCsv.readRatings(tmp), ReferenceCsv.read(tmp))) {
            assertEquals(-1, rows.get(0).rating(), "4.5 is no rating");
            assertEquals(4, rows.get(1).rating());
            assertEquals(-1, rows.get(2).rating());
        }
        Files.writeString(tmp, "persona_id,question_id,run_index,rating,failures\n1,3,1,4,0\n1,4294967299,1,4,0\n");
        for (var reader : List.<org.junit.jupiter.api.function.Executable>of(() -> ReferenceCsv.readRatings(tmp), () -> ReferenceCsv.read(tmp))) {
            var e = assertThrows(java.io.IOException.class, reader);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("record 3")
                    && e.getMessage().contains("out of range"), e.getMessage());
        }
        Files.writeString(tmp, "persona_id,question_id,run_index,rating,failures\n1,3,1,4,0\n1,4,1\n");
        for (var reader : List.<org.junit.jupiter.api.function.Executable>of(() -> ReferenceCsv.readRatings(tmp), () -> ReferenceCsv.read(tmp))) {
            var e = assertThrows(java.io.IOException.class, reader);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("record 3"), e.getMessage());
        }
    }
}
