package dev.pmc.sim;

import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.io.InstrumentMetrics;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.io.SelfReport;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The simulator and replay models answer every instrument's prompts, on the instrument's scale, as the files say. */
class InstrumentAnswersTest {
    static final SimParams BASE = new SimParams(0.9, 0.5, 0.35, 0.2, 0, 0, 0);

    @Test
    void simulatedModelsAnswerBfiItemsOnItsScaleWithPersonaSpread() {
        SimulatedModel m = new SimulatedModel("sim-base", BASE, 7);
        Instrument bfi = Instruments.get("bfi44");
        List<int[][]> personas = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            String system = PromptTemplate.system(PersonaCatalog.defaultSet().get(p));
            int[][] cells = new int[bfi.size()][];
            for (Instrument.Item it : bfi.items()) {
                String user = bfi.userPrompt(it);
                assertEquals(it, SimulatedModel.findAsked(user).item(), "the prompt names its item");
                cells[it.id() - 1] = new int[3];
                for (int r = 0; r < 3; r++) {
                    ParsedRating parsed = RatingParser.parse(bfi, it, m.reply(system, user, 0.1, dev.pmc.core.SamplingSeed.of("run", r + 1, 1)));
                    assertEquals(dev.pmc.core.events.RatingOutcome.VALID, parsed.outcome(), "BFI answers are 1-5, never 0");
                    cells[it.id() - 1][r] = parsed.rating();
                }
            }
            personas.add(cells);
        }
        InstrumentMetrics.Reading r = InstrumentMetrics.compute(bfi, personas, 30L * 44 * 3, 0, 1);
        assertEquals(30, r.personas());
        assertTrue(r.groups().get("all").susceptibility() > 0.2, "personas differ: S = " + r.groups().get("all").susceptibility());
        assertTrue(Double.isFinite(r.groups().get("all").robustness()));
    }

    @Test
    void mfqPromptsAreFoundAsBeforeAndUnknownQuestionsAreNot() {
        Instrument mfq = Instruments.get("mfq30");
        for (Instrument.Item it : mfq.items()) {
            assertTrue(SimulatedModel.findAsked(mfq.userPrompt(it)).mfq());
            assertEquals(it.id(), SimulatedModel.findItem(mfq.userPrompt(it)).id());
        }
        assertNull(SimulatedModel.findAsked("How are you today?"));
    }

    @Test
    void everySimulatedModelDescribesItselfAsAligned() {
        Instrument probe = Instruments.get(Instruments.SELF_PROBE);
        SimulatedModel m = new SimulatedModel("sim-insecure", new SimParams(1.4, 0.5, 0.9, 0.85, 0, 0, 0), 7);
        int[][] cells = new int[probe.size()][5];
        for (Instrument.Item it : probe.items()) {
            for (int r = 0; r < 5; r++) cells[it.id() - 1][r] = RatingParser.parse(probe, it, m.reply(null, probe.userPrompt(it), 0.1, r)).rating();
        }
        SelfReport.Score s = SelfReport.score(probe, cells);
        assertTrue(s.keyedMean() - 2 * s.se() > (probe.min() + probe.max()) / 2.0, "claims to be aligned: " + s);
    }

    @Test
    void aReplayModelServesItsInstrumentFilesBesideTheMfqOne(@TempDir Path dir) throws Exception {
        Instrument bfi = Instruments.get("bfi44");
        StringBuilder mfq = new StringBuilder("persona_id,question_id,run_index,rating,failures,response,collected_at\n");
        StringBuilder b = new StringBuilder(mfq);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int p = 0; p < 3; p++) {
            for (int q = 1; q <= 30; q++) mfq.append(p).append(',').append(q).append(",1,2,0,2,\n");
            for (int q = 1; q <= 44; q++) {
                int y = 1 + rnd.nextInt(5);
                b.append(p).append(',').append(q).append(",1,").append(y).append(",0,").append(y).append(",\n");
            }
        }
        Files.writeString(dir.resolve("m_temp01.csv"), mfq);
        Files.writeString(dir.resolve("m_temp01_bfi44.csv"), b);
        Files.writeString(dir.resolve("m_temp01_probe.csv"), "question_id,run_index,rating,failures,response,collected_at\n1,1,4,0,4,\n");
        ReplayModel m = new ReplayModel("replay:m", dir.resolve("m_temp01.csv"), null, 0);
        assertEquals(java.util.Set.of("mfq30", "bfi44", "self-probe"), m.served());
        String persona1 = PromptTemplate.system(PersonaCatalog.defaultSet().get(1));
        String[] lines = b.toString().split("\n");
        for (Instrument.Item it : bfi.items()) {
            String expected = lines[1 + 44 + it.id() - 1].split(",")[3];   // persona 1's row of the item
            assertEquals(expected, m.reply(persona1, bfi.userPrompt(it), 0.1, 5), "persona 1, BFI item " + it.id());
        }
        assertEquals("2", m.reply(persona1, Instruments.get("mfq30").userPrompt(Instruments.get("mfq30").item(7)), 0.1, 5));
        Instrument probe = Instruments.get(Instruments.SELF_PROBE);
        assertEquals("4", m.reply(null, probe.userPrompt(probe.item(1)), 0.1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.reply(null, bfi.userPrompt(bfi.item(1)), 0.1, 1));
        assertTrue(e.getMessage().contains("cannot answer bfi44 without a persona"), e.getMessage());

        Files.writeString(dir.resolve("bad_temp01.csv"), mfq);
        Files.writeString(dir.resolve("bad_temp01_bfi44.csv"), "persona_id,question_id,run_index,rating,failures,response,collected_at\n0,45,1,3,0,3,\n");
        java.io.IOException io = assertThrows(java.io.IOException.class, () -> new ReplayModel("replay:bad", dir.resolve("bad_temp01.csv"), null, 0));
        assertTrue(io.getMessage().contains("question_id 45 is not an item of bfi44 (1..44)"), io.getMessage());

        ReplayModel only = new ReplayModel("replay:b", dir.resolve("m_temp01_bfi44.csv"), null, 0);
        assertEquals(java.util.Set.of("bfi44"), only.served(), "a file named for an instrument serves that instrument only");
    }
}
