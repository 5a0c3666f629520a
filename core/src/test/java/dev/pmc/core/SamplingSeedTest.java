package dev.pmc.core;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingSeedTest {
    @Test
    void choiceIOfACallIsTheSeedOfTheIthNextRepetition() {
        for (String run : new String[]{"r1", "0f3c9a2e-7d1b-4c55-9e21-6b0a8d4f1e77", ""}) {
            for (int attempt = 0; attempt <= 4; attempt++) {
                for (int rep = 1; rep <= 10; rep++) {
                    long first = SamplingSeed.of(run, rep, attempt);
                    for (int i = 0; i < 12; i++) assertEquals(SamplingSeed.of(run, rep + i, attempt), SamplingSeed.choice(first, i));
                }
            }
        }
    }

    @Test
    void seedsAreNonNegativeAndDifferAcrossSlots() {
        Set<Long> seen = new HashSet<>();
        for (String run : new String[]{"a", "b", "run-42"}) {
            for (int rep = 1; rep <= 100; rep++) {
                for (int attempt = 0; attempt < 4; attempt++) {
                    long s = SamplingSeed.of(run, rep, attempt);
                    assertTrue(s >= 0, "OpenAI seeds are non-negative");
                    assertTrue(seen.add(s), "seed repeated at " + run + "/" + rep + "/" + attempt);
                }
            }
        }
        // near the top of the range the choice seed wraps and stays non-negative
        assertTrue(SamplingSeed.choice(Long.MAX_VALUE, 3) >= 0);
    }
}
