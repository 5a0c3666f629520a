package dev.pmc.aggregator;

import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.metrics.PersonaStats;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class PersonaStatsSerdeTest {
    /** A persona with every kind of content: valid ratings, re-asks, failed slots, duplicates, costs, a logprob cell. */
    static PersonaStats sample(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        PersonaStats s = new PersonaStats("sim-base", "20261126T040000000Z-aaaa", "17");
        for (int item = 1; item <= 30; item++) {
            for (int rep = 1; rep <= 10; rep++) {
                SlotId slot = new SlotId("20261126T040000000Z-aaaa", "sim-base", "17", item, rep);
                int roll = rnd.nextInt(20);
                if (roll == 0) s.accept(new RatingEvent(1, slot, 1, RatingOutcome.REFUSAL, null, "t", 0, false, null, 0.001));
                if (roll == 1) s.accept(new RatingEvent(1, slot, 4, RatingOutcome.NO_RATING, null, "t", 0, true, null, 0.001));
                else s.accept(new RatingEvent(1, slot, 1, RatingOutcome.VALID, rnd.nextInt(6), "t", 0, true, null, 0.0005));
                if (roll == 2) s.accept(new RatingEvent(1, slot, 1, RatingOutcome.VALID, 3, "t", 0, true, null, 0.0005)); // duplicate
            }
        }
        return s;
    }

    @Test
    void everyFieldRoundTrips() {
        for (long seed = 1; seed <= 20; seed++) {
            PersonaStats s = sample(seed);
            PersonaStats back = PersonaStatsSerde.decode(PersonaStatsSerde.encode(s));
            assertEquals(EventCodec.encode(s), EventCodec.encode(back), "seed " + seed);
        }
        PersonaStats lp = new PersonaStats("lp", "r", "self");
        lp.addDistribution(3, 1, new double[]{0, 0.1, 0.2, 0.4, 0.2, 0.1});
        assertEquals(EventCodec.encode(lp), EventCodec.encode(PersonaStatsSerde.decode(PersonaStatsSerde.encode(lp))), "a logprob cell");
    }

    @Test
    void aChangelogWrittenAsJsonStillRestores() {
        PersonaStats s = sample(7);
        byte[] json = EventCodec.encode(s).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(EventCodec.encode(s), EventCodec.encode(PersonaStatsSerde.decode(json)));
    }

    @Test
    void corruptValuesFailWithASerializationErrorNotAHugeAllocation() {
        byte[] ok = PersonaStatsSerde.encode(sample(3));
        byte[] truncated = java.util.Arrays.copyOf(ok, ok.length / 2);
        assertThrows(SerializationException.class, () -> PersonaStatsSerde.decode(truncated));
        byte[] badLength = ok.clone();
        // the n array's length field follows the three strings: make it enormous
        int at = 1 + (2 + 1 + "sim-base".length()) + (2 + 1 + "20261126T040000000Z-aaaa".length()) + (2 + 1 + "17".length());
        badLength[at] = 0x7f;
        assertThrows(SerializationException.class, () -> PersonaStatsSerde.decode(badLength));
        assertThrows(SerializationException.class, () -> PersonaStatsSerde.decode(new byte[]{9, 1, 2}), "unknown version");
    }

    /**
     * The byte format is what changelogs already hold: the encoder may change, its output may not (SHA-256 of the
     * encoding of fixed personas, taken from the DataOutputStream encoder that wrote the format first).
     */
    @Test
    void theFormatIsByteForByteStable() throws Exception {
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        for (long seed = 1; seed <= 20; seed++) sha.update(PersonaStatsSerde.encode(sample(seed)));
        PersonaStats lp = new PersonaStats("lp", "r", "self");
        lp.addDistribution(3, 1, new double[]{0, 0.1, 0.2, 0.4, 0.2, 0.1});
        sha.update(PersonaStatsSerde.encode(lp));
        // names outside ASCII go through Java's modified UTF-8, as DataOutputStream.writeUTF writes them
        sha.update(PersonaStatsSerde.encode(new PersonaStats("zielmodell-\u00e9\u4e2d", "r\u0000", "p\ud83d\ude00")));
        assertEquals("492775eca1094bf5bbef4b7bd955907c48dfcf1c204055b8dfebda79b6b3a245", java.util.HexFormat.of().formatHex(sha.digest()));
        PersonaStats odd = PersonaStatsSerde.decode(PersonaStatsSerde.encode(new PersonaStats("zielmodell-\u00e9\u4e2d", "r\u0000", "p\ud83d\ude00")));
        assertEquals("zielmodell-\u00e9\u4e2d", odd.getTarget());
        assertEquals("r\u0000", odd.getRunId());
        assertEquals("p\ud83d\ude00", odd.getPersonaId());
    }
}
