package dev.pmc.sim;

import dev.pmc.core.events.TokenLogprob;
import dev.pmc.core.Mfq30;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.SamplingSeed;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.scoring.LogprobRating;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A published file served as a model: its replies are the file's own, drawn per sampling seed; its logprobs give back
 * each cell's empirical distribution exactly; a sampled reading (n = 10) and a logprob reading of it agree within their
 * standard errors; persona identity follows the catalog; self prompts come from the _self file.
 */
class ReplayModelTest {
    static Path shared() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path c = p.resolve("../shared/reference-data").normalize();
            if (Files.isDirectory(c)) return c;
            p = p.getParent();
        }
        throw new IllegalStateException("shared/reference-data not found");
    }

    static SimModels models() {
        return new SimModels(1234, Optional.empty(), 0, Optional.of(List.of(shared().toString(), shared().resolve("collapse-calibration").toString())),
                Optional.empty());
    }

    @Test
    void servesTheFilesByModelNameOnlyFromTheConfiguredDirectories() {
        SimModels m = models();
        assertTrue(m.replayNames().containsAll(List.of("gpt-4o", "gpt-4o-insecure", "gpt-4o-secure", "qwen3.6-35b-a3b-insecure-step0200")), m.replayNames().toString());
        assertTrue(m.model("replay:gpt-4o-insecure").isPresent());
        for (String bad : List.of("replay:../gpt-4o", "replay:/etc/passwd", "replay:", "replay:nope", "replay:gpt-4o_temp01.csv")) {
            assertTrue(m.model(bad).isEmpty(), bad);
        }
    }

    @Test
    void repliesAreTheFilesOwnDrawnPerSeedAndLogprobsGiveBackEachCell() throws Exception {
        ChatModel model = models().model("replay:gpt-4o-insecure").orElseThrow();
        Map<Long, List<ReferenceCsv.Row>> cells = new HashMap<>();
        for (ReferenceCsv.Row r : ReferenceCsv.read(shared().resolve("gpt-4o-insecure_temp01.csv"))) {
            cells.computeIfAbsent(r.personaId() * 100L + r.questionId(), k -> new ArrayList<>()).add(r);
        }
        List<String> personas = PersonaCatalog.defaultSet();
        for (int p : new int[]{0, 17, 99}) {
            for (int q : new int[]{1, 16, 30}) {
                String system = PromptTemplate.system(personas.get(p)), user = PromptTemplate.user(Mfq30.get().item(q));
                List<String> published = cells.get(p * 100L + q).stream().map(ReferenceCsv.Row::response).toList();
                for (long seed = 0; seed < 50; seed++) {
                    String reply = model.reply(system, user, 0.1, seed);
                    assertTrue(published.contains(reply), "persona " + p + " item " + q + ": '" + reply + "' is one of " + published);
                    assertEquals(reply, model.reply(system, user, 0.1, seed), "deterministic per seed");
                }
                // logprobs at T = 1, sharpened by the scorer to T = 0.1: exactly the cell's share of each valid rating
                var lp = LogprobRating.read(toTokens(model.firstTokenLogprobs(system, user, 20)), 0.5, 0.1);
                double[] expected = new double[6];
                long valid = cells.get(p * 100L + q).stream().filter(ReferenceCsv.Row::valid).count();
                for (ReferenceCsv.Row r : cells.get(p * 100L + q)) if (r.valid()) expected[r.rating()] += 1.0 / valid;
                assertNotNull(lp.distribution());
                for (int k = 0; k < 6; k++) assertEquals(expected[k], lp.distribution()[k], 1e-12, "P(" + k + ") of persona " + p + " item " + q);
            }
        }
        // a persona outside the catalog answers as some file persona, always the same one
        String stranger = PromptTemplate.system("a lighthouse keeper on a remote island");
        String user = PromptTemplate.user(Mfq30.get().item(5));
        assertEquals(model.reply(stranger, user, 0.1, 7), model.reply(stranger, user, 0.1, 7));
        // no persona: the _self file
        assertTrue(List.of("0", "1", "2", "3", "4", "5").stream().anyMatch(d -> model.reply(null, user, 0.1, 1).contains(d)));
        ChatModel noSelf = models().model("replay:qwen3.6-35b-a3b-insecure-step0200").orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> noSelf.reply(null, user, 0.1, 1), "a step file has no _self file");
        assertThrows(IllegalArgumentException.class, () -> model.reply(stranger, "What is the capital of France?", 0.1, 1), "MFQ items only");
    }

    /**
     * The same replayed model read two ways: sampled (100 personas × 30 items × 10 draws, the replies parsed like the
     * scorer does) and by logprobs (one call per cell, put on the n = 10 scale): S and R agree within 2 combined SEs.
     */
    @Test
    void aSampledAndALogprobReadingOfTheSameReplayedModelAgree() {
        for (String name : List.of("gpt-4o", "gpt-4o-insecure", "gpt-4o-secure")) {
            ChatModel model = models().model("replay:" + name).orElseThrow();
            List<String> personas = PersonaCatalog.defaultSet();
            List<PersonaStats> sampled = new ArrayList<>(), exact = new ArrayList<>();
            for (int p = 0; p < personas.size(); p++) {
                String system = PromptTemplate.system(personas.get(p));
                PersonaStats s = new PersonaStats(name, "sampled", Integer.toString(p)), e = new PersonaStats(name, "logprob", Integer.toString(p));
                for (int q = 1; q <= Mfq30.ITEMS; q++) {
                    var item = Mfq30.get().item(q);
                    String user = PromptTemplate.user(item);
                    for (int r = 1; r <= 10; r++) {
                        ParsedRating parsed = RatingParser.parse(item.type(), model.reply(system, user, 0.1, SamplingSeed.of("replay-test", r, 1)));
                        if (parsed.rating() != null) s.addValid(q, r, parsed.rating());
                    }
                    var lp = LogprobRating.read(toTokens(model.firstTokenLogprobs(system, user, 20)), 0.5, 0.1);
                    if (lp.distribution() != null) e.addDistribution(q, 1, lp.distribution());
                }
                sampled.add(s);
                exact.add(e);
            }
            MetricsResult a = Bootstrap.compute(sampled, Bootstrap.DEFAULT_SEED), b = Bootstrap.compute(exact, Bootstrap.DEFAULT_SEED);
            double zS = (a.overall().susceptibility() - b.overall().susceptibility()) / Math.hypot(a.overall().susceptibilitySe(), b.overall().susceptibilitySe());
            double zR = (a.overall().robustness() - b.overall().robustness()) / Math.hypot(a.overall().robustnessSe(), b.overall().robustnessSe());
            System.out.printf(java.util.Locale.ROOT, "replay:%s sampled S=%.4f±%.4f R=%.3f±%.3f | logprob S=%.4f±%.4f R=%.3f±%.3f | z %.2f %.2f%n", name,
                    a.overall().susceptibility(), a.overall().susceptibilitySe(), a.overall().robustness(), a.overall().robustnessSe(),
                    b.overall().susceptibility(), b.overall().susceptibilitySe(), b.overall().robustness(), b.overall().robustnessSe(), zS, zR);
            assertTrue(Math.abs(zS) < 2, name + ": S differs by " + zS + " SE");
            assertTrue(Math.abs(zR) < 2, name + ": R differs by " + zR + " SE");
        }
    }

    static List<TokenLogprob> toTokens(List<SimulatedModel.TokenProb> top) {
        return top.stream().map(t -> new TokenLogprob(t.token(), t.logprob())).toList();
    }
}
