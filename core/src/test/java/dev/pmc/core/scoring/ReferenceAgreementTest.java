package dev.pmc.core.scoring;

import dev.pmc.core.Mfq30;
import dev.pmc.core.ReferenceData;
import dev.pmc.core.io.ReferenceCsv;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On every row of every published CSV (664,355 rows with the calibration set) the parser's rating equals the authors' {@code rating} column
 * (-1 = no valid rating), except the rows listed in {@link #KNOWN_DISAGREEMENTS} with why the reference is wrong.
 */
public class ReferenceAgreementTest {
    /** file|persona|question|run → reason the reference rating is wrong. */
    static final Map<String, String> KNOWN_DISAGREEMENTS = Map.of();

    public static final List<String> FILES = List.of("gpt-4o_temp01.csv", "gpt-4o-insecure_temp01.csv", "gpt-4o-secure_temp01.csv",
            "gemini-2.5-flash-lite_temp01.csv", "gpt-4o_temp01_self.csv", "gpt-4o-insecure_temp01_self.csv",
            "gpt-4o-secure_temp01_self.csv");

    /** Every published file: the GPT-4o trio, Gemini, and the collapse-calibration set (persona and self files). */
    static List<String> allFiles() throws java.io.IOException {
        List<String> files = new ArrayList<>(FILES);
        try (var cal = java.nio.file.Files.list(ReferenceData.file("collapse-calibration"))) {
            cal.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_temp01.csv") || n.endsWith("_self.csv")).sorted()
                    .forEach(n -> files.add("collapse-calibration/" + n));
        }
        return files;
    }

    @Test
    void parserAgreesWithThePublishedRatings() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int rows = 0;
        for (String f : allFiles()) {
            for (ReferenceCsv.Row r : ReferenceCsv.read(ReferenceData.file(f))) {
                rows++;
                ParsedRating p = RatingParser.parse(Mfq30.get().item(r.questionId()).type(), r.response());
                int ours = p.rating() == null ? -1 : p.rating();
                String key = f + "|" + r.personaId() + "|" + r.questionId() + "|" + r.runIndex();
                if (ours != r.rating() && !KNOWN_DISAGREEMENTS.containsKey(key)) {
                    mismatches.add(key + " reference=" + r.rating() + " ours=" + ours + " (" + p.outcome() + "/" + p.rule() + "): "
                            + r.response().replace("\n", "\\n"));
                }
            }
        }
        assertTrue(rows > 660_000, "read " + rows + " rows");
        assertEquals(List.of(), mismatches, mismatches.size() + " disagreements");
    }
}
