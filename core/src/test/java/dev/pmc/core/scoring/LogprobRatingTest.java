package dev.pmc.core.scoring;

import dev.pmc.core.events.TokenLogprob;
import dev.pmc.core.events.RatingOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LogprobRatingTest {
    private static TokenLogprob t(String tok, double p) {
        return new TokenLogprob(tok, Math.log(p));
    }

    @Test
    void digitsGiveTheDistributionAndMissingDigitsTheSmallestLogprob() {
        var r = LogprobRating.read(List.of(t("4", 0.6), t("3", 0.25), t(" 5", 0.1), t("The", 0.01)), 0.5, 1.0);
        assertEquals(RatingOutcome.VALID, r.outcome());
        assertEquals(0.95, r.digitMass(), 1e-12);
        // 0, 1 and 2 are missing: each gets the smallest logprob seen (0.01)
        double z = 0.6 + 0.25 + 0.1 + 3 * 0.01;
        assertEquals(0.6 / z, r.distribution()[4], 1e-12);
        assertEquals(0.01 / z, r.distribution()[0], 1e-12);
        double mean = (0 * 0.01 + 1 * 0.01 + 2 * 0.01 + 3 * 0.25 + 4 * 0.6 + 5 * 0.1) / z;
        assertEquals(mean, r.mean(), 1e-12);
        assertEquals(4, r.mode());
    }

    @Test
    void tooLittleDigitMassIsNoRating() {
        var r = LogprobRating.read(List.of(t("As", 0.7), t("I", 0.2), t("4", 0.05)), 0.5, 1.0);
        assertEquals(RatingOutcome.NO_RATING, r.outcome());
        assertNull(r.distribution());
    }

    @Test
    void temperatureRescalesTheDistribution() {
        var sharp = LogprobRating.read(List.of(t("4", 0.6), t("3", 0.4)), 0.5, 0.5);
        // p ∝ exp(log p / T): T = 0.5 squares the probabilities; 0-2 and 5 get the smallest (0.4)
        double z = 0.36 + 5 * 0.16;
        assertEquals(0.36 / z, sharp.distribution()[4], 1e-12);
        assertEquals(0.16 / z, sharp.distribution()[3], 1e-12);
    }

    @Test
    void sameDigitWithAndWithoutSpaceAddsUp() {
        var r = LogprobRating.read(List.of(t("4", 0.3), t(" 4", 0.3), t("2", 0.4)), 0.5, 1.0);
        assertEquals(1.0, r.digitMass(), 1e-12);
        assertEquals(4, r.mode());
    }
}
