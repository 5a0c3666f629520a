package dev.pmc.sim;

import dev.pmc.core.Mfq30;
import dev.pmc.core.MfqItem;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.SamplingSeed;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.MoralMetrics;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.SelfProfile;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a simulated model over the full persona × item × repetition grid in-process, with the same prompts,
 * sampling seeds and parser the pipeline uses. Used to calibrate the presets against the published trio.
 */
public final class OfflineSimulation {
    /** Attempts per slot in all, as the response-scorer's default pmc.scorer.max-attempts. */
    public static final int MAX_ATTEMPTS = 4;

    private OfflineSimulation() {
    }

    public static MetricsResult personaRun(SimulatedModel m, List<String> personas, int n, double temperature, String runId) {
        List<PersonaStats> stats = new ArrayList<>();
        for (int p = 0; p < personas.size(); p++) {
            String system = PromptTemplate.system(personas.get(p));
            stats.add(grid(m, system, n, temperature, runId, Integer.toString(p)));
        }
        return MoralMetrics.compute(stats);
    }

    public static SelfProfile selfRun(SimulatedModel m, int n, double temperature, String runId) {
        return SelfProfile.of(grid(m, null, n, temperature, runId, PersonaCatalog.SELF));
    }

    private static PersonaStats grid(SimulatedModel m, String system, int n, double temperature, String runId, String personaId) {
        PersonaStats ps = new PersonaStats(m.name(), runId, personaId);
        for (MfqItem item : Mfq30.get().items()) {
            String user = PromptTemplate.user(item);
            for (int r = 1; r <= n; r++) {
                // the reference protocol: re-ask an invalid reply, up to MAX_ATTEMPTS attempts in all
                for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                    String reply = m.reply(system, user, temperature, SamplingSeed.of(runId, r, attempt));
                    ParsedRating pr = RatingParser.parse(item.type(), reply);
                    if (pr.rating() != null) {
                        ps.addValid(item.id(), r, pr.rating());
                        break;
                    }
                }
            }
        }
        return ps;
    }
}
