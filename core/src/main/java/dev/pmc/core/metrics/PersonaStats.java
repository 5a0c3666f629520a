package dev.pmc.core.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pmc.core.Mfq30;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streaming statistics of one persona in one run of one target: per MFQ item the Welford cell (n, mean, M2)
 * of its valid ratings, which repetitions were already counted (first valid rating of a slot wins), and
 * how many rating events arrived per outcome. This is the aggregator's state-store value and also what the
 * offline path builds from CSV rows, so both compute identically.
 */
public final class PersonaStats {
    private final String target;
    private final String runId;
    private final String personaId;
    private final int[] n;
    private final double[] mean;
    private final double[] m2;
    /** seen[i] is a bit set of the repetitions (bit r-1) already counted for item i+1. */
    private final long[][] seen;
    private final TreeMap<String, Long> outcomes;
    /** Counts of valid ratings 0..5 over all cells (the self profile's ceiling share uses it). */
    private final long[] histogram;
    private long duplicates;

    public PersonaStats(String target, String runId, String personaId) {
        this(target, runId, personaId, new int[Mfq30.ITEMS], new double[Mfq30.ITEMS], new double[Mfq30.ITEMS],
                new long[Mfq30.ITEMS][1], new TreeMap<>(), new long[6], 0);
    }

    @JsonCreator
    public PersonaStats(@JsonProperty("target") String target, @JsonProperty("runId") String runId,
                        @JsonProperty("personaId") String personaId, @JsonProperty("n") int[] n,
                        @JsonProperty("mean") double[] mean, @JsonProperty("m2") double[] m2,
                        @JsonProperty("seen") long[][] seen, @JsonProperty("outcomes") Map<String, Long> outcomes, @JsonProperty("histogram") long[] histogram,
                        @JsonProperty("duplicates") long duplicates) {
        this.target = target;
        this.runId = runId;
        this.personaId = personaId;
        this.n = n;
        this.mean = mean;
        this.m2 = m2;
        this.seen = seen;
        this.outcomes = outcomes == null ? new TreeMap<>() : new TreeMap<>(outcomes);
        this.histogram = histogram == null ? new long[6] : histogram;
        this.duplicates = duplicates;
    }

    /**
     * Applies one rating event. A valid rating enters its cell unless its slot (item, repetition) was
     * already counted; every event is counted under its outcome. Returns true when the cell changed.
     */
    public boolean accept(RatingEvent e) {
        if (e.outcome() != RatingOutcome.VALID) {
            outcomes.merge(e.outcome().wire(), 1L, Long::sum);
            return false;
        }
        if (!addValid(e.slot().itemId(), e.slot().repetition(), e.rating())) {
            duplicates++;
            return false;
        }
        outcomes.merge(RatingOutcome.VALID.wire(), 1L, Long::sum);
        return true;
    }

    /** Adds a valid rating for (item, repetition) unless that slot was counted before; true if added. */
    public boolean addValid(int itemId, int repetition, int rating) {
        int i = itemId - 1;
        int word = (repetition - 1) >>> 6;
        long bit = 1L << ((repetition - 1) & 63);
        if (word >= seen[i].length) seen[i] = Arrays.copyOf(seen[i], word + 1);
        if ((seen[i][word] & bit) != 0) return false;
        seen[i][word] |= bit;
        Welford.add(n, mean, m2, i, rating);
        histogram[rating]++;
        return true;
    }

    public String getTarget() { return target; }
    public String getRunId() { return runId; }
    public String getPersonaId() { return personaId; }
    public int[] getN() { return n; }
    public double[] getMean() { return mean; }
    public double[] getM2() { return m2; }
    public long[][] getSeen() { return seen; }
    public Map<String, Long> getOutcomes() { return outcomes; }
    public long[] getHistogram() { return histogram; }
    public long getDuplicates() { return duplicates; }

    /** Valid ratings counted in all cells. */
    public long validCount() {
        long s = 0;
        for (int c : n) s += c;
        return s;
    }

    /** True when every item has at least one valid rating (the retention rule). */
    public boolean complete() {
        for (int c : n) if (c == 0) return false;
        return true;
    }
}
