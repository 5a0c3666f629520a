package dev.pmc.core.metrics;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SequentialDesignTest {
    @Test
    void theLadderOfAPaperScaleRunIsTheBenchmarkedOne() {
        assertEquals(SequentialReading.DEFAULT_LADDER, SequentialDesign.ladder(100, 10));
        assertEquals(List.of(new SequentialReading.Stage(50, 2), new SequentialReading.Stage(100, 2), new SequentialReading.Stage(100, 4)),
                SequentialDesign.ladder(100, 4), "n = 4: the full design is the third stage, not repeated");
        assertEquals(List.of(new SequentialReading.Stage(3, 2), new SequentialReading.Stage(5, 2), new SequentialReading.Stage(5, 3)),
                SequentialDesign.ladder(5, 3), "stages above the run's n are left out, the full design is always last");
        assertFalse(SequentialDesign.supports(3, 10));
        assertFalse(SequentialDesign.supports(100, 1));
        assertThrows(IllegalArgumentException.class, () -> SequentialDesign.ladder(100, 1));
    }

    /** Every stage is a prefix of the slot order: slots [0, calls(k)) are exactly stage k's design, each once. */
    @Test
    void everyStageIsAPrefixOfTheSlotOrder() {
        for (int[] shape : new int[][]{{100, 10}, {7, 5}, {4, 2}, {33, 4}}) {
            SequentialDesign d = SequentialDesign.of("20261126T040000000Z-ab12", shape[0], shape[1]);
            int[] order = d.personaOrder();
            Set<String> seen = new HashSet<>();
            long i = 0;
            for (int k = 0; k < d.stages(); k++) {
                SequentialReading.Stage st = d.ladder().get(k);
                Set<Integer> stagePersonas = new HashSet<>();
                for (int j = 0; j < st.personas(); j++) stagePersonas.add(order[j]);
                for (; i < d.calls(k); i++) {
                    SequentialDesign.Slot s = d.slot(i);
                    assertTrue(stagePersonas.contains(s.persona()), "slot " + i + " persona in stage " + st);
                    assertTrue(s.repetition() >= 1 && s.repetition() <= st.n(), "slot " + i + " repetition within stage " + st);
                    assertTrue(s.itemId() >= 1 && s.itemId() <= 30);
                    assertTrue(seen.add(s.persona() + "/" + s.itemId() + "/" + s.repetition()), "slot " + i + " only once: " + s);
                }
                assertEquals(st.calls(), seen.size(), "stage " + st + " is complete at its prefix");
                assertEquals(k, d.stageWithin(d.calls(k)));
                assertEquals(k - 1, d.stageWithin(d.calls(k) - 1));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> d.slot(d.calls(d.stages() - 1)));
        }
    }

    @Test
    void thePersonaOrderIsAFixedPermutationPerRun() {
        int[] a = SequentialDesign.personaOrder("run-a", 100), b = SequentialDesign.personaOrder("run-b", 100);
        assertArrayEquals(a, SequentialDesign.personaOrder("run-a", 100), "both services derive the same order");
        assertFalse(java.util.Arrays.equals(a, b), "another run, another order");
        assertArrayEquals(java.util.stream.IntStream.range(0, 100).toArray(), java.util.Arrays.stream(a).sorted().toArray(), "a permutation");
        assertFalse(java.util.Arrays.equals(java.util.stream.IntStream.range(0, 100).toArray(), a), "not the catalog order");
    }
}
