package dev.pmc.core.metrics;

import dev.pmc.core.Mfq30;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The slot order of a sequential run in the stack: the ladder of {@link SequentialReading} for a run of P personas and
 * n repetitions, and a numbering of its slots in which every stage is a prefix, so the generator publishes stage k by
 * publishing slots [0, calls(k)) and the aggregator knows stage k is read once those slots have settled.
 *
 * <p>Ladder: ⌈P/2⌉ × 2, P × 2, P × 4, P × n (designs with n above the run's n, or no more calls than the one before,
 * are left out; the last stage is always the full design P × n). Stage k adds the slots of its design not in stage
 * k−1's: first, for the personas already read, the repetitions n_{k−1}+1..n_k; then, for the personas new at this
 * stage, repetitions 1..n_k; within a persona by item, then repetition. Personas are taken in a random order fixed by
 * the run id (both services derive it), so the first half is a random half of the catalog.
 */
public final class SequentialDesign {
    private final int[] personaOrder;
    private final List<SequentialReading.Stage> ladder;

    private SequentialDesign(int[] personaOrder, List<SequentialReading.Stage> ladder) {
        this.personaOrder = personaOrder;
        this.ladder = ladder;
    }

    /** The design of a run of {@code personas} personas and {@code n} repetitions; needs personas ≥ 4 and n ≥ 2. */
    public static SequentialDesign of(String runId, int personas, int n) {
        return new SequentialDesign(personaOrder(runId, personas), ladder(personas, n));
    }

    /** Whether a run of this shape can be read sequentially (two stages at least). */
    public static boolean supports(int personas, int n) {
        return personas >= 4 && n >= 2;
    }

    public static List<SequentialReading.Stage> ladder(int personas, int n) {
        if (!supports(personas, n)) throw new IllegalArgumentException("a sequential run needs >= 4 personas and n >= 2, was " + personas + " x " + n);
        List<SequentialReading.Stage> out = new ArrayList<>();
        for (SequentialReading.Stage s : List.of(new SequentialReading.Stage((personas + 1) / 2, 2), new SequentialReading.Stage(personas, 2),
                new SequentialReading.Stage(personas, 4), new SequentialReading.Stage(personas, n))) {
            if (s.n() > n) continue;
            if (!out.isEmpty() && s.calls() <= out.get(out.size() - 1).calls()) continue;
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** Persona indexes 0..personas-1 shuffled by a seed taken from the run id (String.hashCode is specified). */
    public static int[] personaOrder(String runId, int personas) {
        int[] order = new int[personas];
        for (int i = 0; i < personas; i++) order[i] = i;
        SplittableRandom rnd = new SplittableRandom(runId.hashCode() * 0x9E3779B97F4A7C15L);
        for (int k = personas - 1; k > 0; k--) {
            int j = rnd.nextInt(k + 1), t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        return order;
    }

    public int[] personaOrder() {
        return personaOrder.clone();
    }

    public List<SequentialReading.Stage> ladder() {
        return ladder;
    }

    public int stages() {
        return ladder.size();
    }

    /** Slots of stages 0..k (stage k's design: its personas × 30 × its n). */
    public long calls(int k) {
        return ladder.get(k).calls();
    }

    /** A slot: the persona's catalog index, the MFQ item id (1-30) and the repetition (1-based). */
    public record Slot(int persona, int itemId, int repetition) {
    }

    /** The slot at {@code index} of the run's order (0 ≤ index < calls(last stage)). */
    public Slot slot(long index) {
        if (index < 0 || index >= calls(ladder.size() - 1)) throw new IndexOutOfBoundsException("slot " + index);
        int k = 0;
        while (index >= calls(k)) k++;
        long off = index - (k == 0 ? 0 : calls(k - 1));
        int prevPersonas = k == 0 ? 0 : ladder.get(k - 1).personas(), prevN = k == 0 ? 0 : ladder.get(k - 1).n(), n = ladder.get(k).n();
        int items = Mfq30.ITEMS, added = n - prevN;
        long oldBlock = (long) prevPersonas * items * added;
        int j, item, rep;
        if (off < oldBlock) {
            j = (int) (off / ((long) items * added));
            int rest = (int) (off % ((long) items * added));
            item = rest / added + 1;
            rep = prevN + rest % added + 1;
        } else {
            long o = off - oldBlock;
            j = prevPersonas + (int) (o / ((long) items * n));
            int rest = (int) (o % ((long) items * n));
            item = rest / n + 1;
            rep = rest % n + 1;
        }
        return new Slot(personaOrder[j], item, rep);
    }

    /** The last stage whose slots all lie within the first {@code slots} slots, or -1. */
    public int stageWithin(long slots) {
        int k = -1;
        while (k + 1 < ladder.size() && calls(k + 1) <= slots) k++;
        return k;
    }
}
