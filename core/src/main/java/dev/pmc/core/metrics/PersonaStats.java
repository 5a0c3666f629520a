package dev.pmc.core.metrics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pmc.core.Mfq30;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.instruments.Instruments;

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
    /**
     * The order personas are reduced in, wherever they come from (file or state store): numeric persona ids
     * ascending, then other ids by name. Bootstrap draws depend on it, so the offline and streaming paths
     * give identical standard errors.
     */
    public static final java.util.Comparator<PersonaStats> CANONICAL_ORDER = (a, b) -> comparePersonaIds(a.personaId, b.personaId);

    public static int comparePersonaIds(String a, String b) {
        boolean na = a != null && a.chars().allMatch(Character::isDigit) && !a.isEmpty();
        boolean nb = b != null && b.chars().allMatch(Character::isDigit) && !b.isEmpty();
        if (na && nb) return Long.compare(Long.parseLong(a), Long.parseLong(b));
        if (na != nb) return na ? -1 : 1;
        return String.valueOf(a).compareTo(String.valueOf(b));
    }

    private final String target;
    private final String runId;
    private final String personaId;
    private final int[] n;
    private final double[] mean;
    private final double[] m2;
    /**
     * ratings[i][r-1] is the valid rating counted for item i+1, repetition r, -2 ({@link #FAILED}) when the slot
     * failed at its last attempt, or -1 when it has not settled yet: a slot settles once. Kept for the response bootstrap and the ratings export.
     */
    private final byte[][] ratings;
    private final TreeMap<String, Long> outcomes;
    /** Per item, rating events that were not valid (every attempt counts). */
    private final int[] invalid;
    /** Slots settled: counted valid ratings plus slots that failed at their last attempt. */
    private long settled;
    private long failedSlots;
    /** Counts of valid ratings 0..5 over all cells (the self profile's ceiling share uses it). */
    private final long[] histogram;
    /**
     * Per item, the rating histogram of its cell: counts of each valid rating 0..5, or in logprob mode the cell's
     * probability distribution. The exact sufficient statistic of the distribution signals, kept as ratings stream.
     */
    private final double[][] itemHistogram;
    private long duplicates;
    /**
     * Logprob mode: per item the exact SD of the rating distribution the provider gave (the cell then holds one
     * distribution and its exact mean); null while every cell holds sampled ratings.
     */
    private double[] exactSd;

    /** Repetitions a cell can hold (the generator's largest n; decoding refuses larger ones). */
    public static final int MAX_REPETITION = 64;

    public PersonaStats(String target, String runId, String personaId) {
        this(target, runId, personaId, null);
    }

    /** An empty persona of a run of {@code instrument} (null: mfq30): one cell per item of the instrument. */
    public PersonaStats(String target, String runId, String personaId, String instrument) {
        // MFQ-30 cannot be replaced (Instruments.load), so its size needs no instrument file: offline readings then
        // never load the instrument files' JSON (Jackson's ~400 classes, ~0.1 s of a one-file `bin/pmc metrics`)
        this(target, runId, personaId, instrument, Instruments.isDefault(instrument) ? Mfq30.ITEMS : Instruments.get(instrument).size());
    }

    private PersonaStats(String target, String runId, String personaId, String instrument, int items) {
        this(target, runId, personaId, new int[items], new double[items], new double[items],
                emptyRatings(items), new TreeMap<>(), new long[6], 0, new int[items], 0, 0, null, null, 0,
                Instruments.isDefault(instrument) ? null : instrument);
    }

    public PersonaStats(String target, String runId, String personaId, int[] n, double[] mean, double[] m2,
                        byte[][] ratings, Map<String, Long> outcomes, long[] histogram, long duplicates, int[] invalid,
                        long settled, long failedSlots) {
        this(target, runId, personaId, n, mean, m2, ratings, outcomes, histogram, duplicates, invalid, settled, failedSlots, null, null, 0, null);
    }

    @JsonCreator
    public PersonaStats(@JsonProperty("target") String target, @JsonProperty("runId") String runId,
                        @JsonProperty("personaId") String personaId, @JsonProperty("n") int[] n,
                        @JsonProperty("mean") double[] mean, @JsonProperty("m2") double[] m2,
                        @JsonProperty("ratings") byte[][] ratings, @JsonProperty("outcomes") Map<String, Long> outcomes, @JsonProperty("histogram") long[] histogram,
                        @JsonProperty("duplicates") long duplicates, @JsonProperty("invalid") int[] invalid,
                        @JsonProperty("settled") long settled, @JsonProperty("failedSlots") long failedSlots,
                        @JsonProperty("exactSd") double[] exactSd, @JsonProperty("itemHistogram") double[][] itemHistogram,
                        @JsonProperty("costUsd") double costUsd, @JsonProperty("instrument") String instrument) {
        if (n == null || mean == null || m2 == null || n.length != mean.length || n.length != m2.length || n.length == 0) {
            throw new IllegalArgumentException("persona statistics need n, mean and m2 of one length per item");
        }
        this.target = target;
        this.instrument = instrument;
        this.runId = runId;
        this.personaId = personaId;
        this.n = n;
        this.mean = mean;
        this.m2 = m2;
        this.ratings = ratings == null ? emptyRatings(n.length) : ratings;
        this.outcomes = outcomes == null ? new TreeMap<>() : new TreeMap<>(outcomes);
        this.histogram = histogram == null ? new long[6] : histogram;
        this.duplicates = duplicates;
        this.invalid = invalid == null ? new int[n.length] : invalid;
        this.settled = settled;
        this.failedSlots = failedSlots;
        this.exactSd = exactSd;
        this.itemHistogram = itemHistogram != null ? itemHistogram : histogramsOf(this.ratings);
        this.costUsd = costUsd;
    }

    /** The run's instrument; null for MFQ-30 (so MFQ statistics read and write as before instruments). */
    private final String instrument;

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public String getInstrument() {
        return instrument;
    }

    /** The instrument's name (mfq30 when none is recorded). */
    public String instrumentName() {
        return Instruments.nameOf(instrument);
    }

    /** Items of the instrument: one cell each. */
    public int items() {
        return n.length;
    }

    /** Cost of the calls counted under {@link #getOutcomes()} (from the events' costUsd; redelivered valid ratings not again). */
    private double costUsd;

    public double getCostUsd() {
        return costUsd;
    }

    /** Per-item histograms of counted ratings (state written before they were kept has the ratings themselves). */
    private static double[][] histogramsOf(byte[][] ratings) {
        double[][] h = new double[ratings.length][6];
        for (int i = 0; i < ratings.length; i++) for (byte b : ratings[i]) if (b >= 0) h[i][b]++;
        return h;
    }

    /** Marks a slot that settled without a valid rating (failed at its last attempt) in {@link #ratings}. */
    static final byte FAILED = -2;

    /**
     * Applies one rating event. Every event is counted under its outcome; a slot settles once: with its first valid
     * rating (which enters the cell) or with a failure at its last attempt, whichever comes first. A valid rating for
     * a settled slot is a duplicate (redelivery) and ignored. Returns true when the cell changed.
     */
    public boolean accept(RatingEvent e) {
        int item = e.slot().itemId(), rep = e.slot().repetition();
        if (!Instruments.nameOf(e.slot().instrument()).equals(instrumentName())) {
            throw new IllegalArgumentException("a " + e.slot().instrumentName() + " rating cannot enter " + instrumentName() + " statistics");
        }
        if (item < 1 || item > n.length) throw new IllegalArgumentException("item " + item + " is not one of the " + n.length + " items");
        if (e.outcome() != RatingOutcome.VALID) {
            outcomes.merge(e.outcome().wire(), 1L, Long::sum);
            if (e.costUsd() != null) costUsd += e.costUsd();
            invalid[item - 1]++;
            if (e.settles() && !settled(item, rep)) {
                mark(item, rep, FAILED);
                settled++;
                failedSlots++;
            }
            return false;
        }
        if (settled(item, rep)) {
            duplicates++;
            return false;
        }
        boolean added = e.distribution() != null ? addDistribution(item, rep, e.distribution()) : addValid(item, rep, e.rating());
        if (!added) {
            duplicates++;
            return false;
        }
        outcomes.merge(RatingOutcome.VALID.wire(), 1L, Long::sum);
        if (e.costUsd() != null) costUsd += e.costUsd();
        settled++;
        return true;
    }

    /** Whether the slot settled: a valid rating was counted, or it failed at its last attempt. */
    public boolean settled(int itemId, int repetition) {
        byte[] row = ratings[itemId - 1];
        return repetition - 1 < row.length && row[repetition - 1] != -1;
    }

    private void mark(int itemId, int repetition, byte value) {
        int i = itemId - 1, r = repetition - 1;
        if (r >= ratings[i].length) {
            int old = ratings[i].length;
            ratings[i] = Arrays.copyOf(ratings[i], Math.max(r + 1, old * 2));
            Arrays.fill(ratings[i], old, ratings[i].length, (byte) -1);
        }
        ratings[i][r] = value;
    }

    /** Adds a valid rating for (item, repetition) unless that slot was counted before; true if added. */
    public boolean addValid(int itemId, int repetition, int rating) {
        if (rating < 0 || rating > 5) throw new IllegalArgumentException("rating must be 0..5: " + rating);
        if (repetition < 1) throw new IllegalArgumentException("repetition must be >= 1: " + repetition);
        if (repetition > MAX_REPETITION) throw new IllegalArgumentException("repetition must be <= " + MAX_REPETITION + ": " + repetition);
        int i = itemId - 1;
        if (settled(itemId, repetition)) return false;
        mark(itemId, repetition, (byte) rating);
        Welford.add(n, mean, m2, i, rating);
        histogram[rating]++;
        itemHistogram[i][rating]++;
        return true;
    }

    /**
     * Logprob mode: the cell of itemId holds the distribution p_0..p_5 itself, with its exact moments
     * ȳ = Σ k·p_k and u = √(Σ (k−ȳ)²·p_k) in place of n sampled ratings. Its mode is recorded as the cell's
     * rating (export, histogram). Only the first distribution of a cell counts; true if added.
     */
    public boolean addDistribution(int itemId, int repetition, double[] p) {
        if (p.length != 6) throw new IllegalArgumentException("a rating distribution has 6 probabilities: " + p.length);
        double mass = 0;
        for (double x : p) {
            if (!(x >= 0) || Double.isInfinite(x)) throw new IllegalArgumentException("a rating probability must be finite and >= 0: " + x);
            mass += x;
        }
        if (!(mass > 0)) throw new IllegalArgumentException("a rating distribution must have positive mass");
        if (repetition < 1 || repetition > MAX_REPETITION) throw new IllegalArgumentException("repetition must be 1.." + MAX_REPETITION + ": " + repetition);
        int i = itemId - 1;
        if (n[i] > 0) return false;
        double total = 0, mu = 0;
        int mode = 0;
        for (int k = 0; k < 6; k++) {
            total += p[k];
            mu += k * p[k];
            if (p[k] > p[mode]) mode = k;
        }
        mu /= total;
        double var = 0;
        for (int k = 0; k < 6; k++) var += (k - mu) * (k - mu) * p[k];
        if (exactSd == null) {
            exactSd = new double[n.length];
            Arrays.fill(exactSd, Double.NaN);
        }
        exactSd[i] = Math.sqrt(var / total);
        n[i] = 1;
        mean[i] = mu;
        mark(itemId, repetition, (byte) mode);
        histogram[mode]++;
        for (int k = 0; k < 6; k++) itemHistogram[i][k] = p[k] / total;
        return true;
    }

    /** u_pq of item itemId: the exact SD of a logprob cell, else the sample SD of its ratings (ddof 1; 0 for one). */
    public double cellSd(int itemId) {
        int i = itemId - 1;
        if (exactSd != null && !Double.isNaN(exactSd[i])) return exactSd[i];
        return Welford.sampleSd(n[i], m2[i]);
    }

    /** Lazily computed E[s_10 | p] of exact cells (not part of the stored state: derived from the distribution). */
    private transient double[] designSd;

    /**
     * The cell's SD on the scale of a sampled reading with {@link DesignScale#N_REF} repetitions: for an exact cell
     * E[s_10 | p] ({@link DesignScale#expectedSampleSd}), for a sampled cell its sample SD.
     */
    public double designSd(int itemId) {
        int i = itemId - 1;
        if (exactSd == null || Double.isNaN(exactSd[i])) return Welford.sampleSd(n[i], m2[i]);
        if (designSd == null) {
            double[] d = new double[n.length];
            java.util.Arrays.fill(d, Double.NaN);
            designSd = d;
        }
        if (Double.isNaN(designSd[i])) designSd[i] = DesignScale.expectedSampleSd(itemHistogram[i]);
        return designSd[i];
    }

    /** The exact variance σ² of an exact cell's distribution; 0 for a sampled cell (its noise is in its mean already). */
    public double exactVariance(int itemId) {
        int i = itemId - 1;
        return exactSd == null || Double.isNaN(exactSd[i]) ? 0 : exactSd[i] * exactSd[i];
    }

    /** Whether any cell holds an exact distribution (logprob mode). */
    public boolean hasExactCells() {
        return exactSd != null;
    }

    public double[] getExactSd() { return exactSd; }

    public String getTarget() { return target; }
    public String getRunId() { return runId; }
    public String getPersonaId() { return personaId; }
    public int[] getN() { return n; }
    public double[] getMean() { return mean; }
    public double[] getM2() { return m2; }
    public byte[][] getRatings() { return ratings; }
    public Map<String, Long> getOutcomes() { return outcomes; }
    public long[] getHistogram() { return histogram; }
    public double[][] getItemHistogram() { return itemHistogram; }
    public long getDuplicates() { return duplicates; }
    public int[] getInvalid() { return invalid; }
    public long getSettled() { return settled; }
    public long getFailedSlots() { return failedSlots; }

    private static byte[][] emptyRatings(int items) {
        byte[][] r = new byte[items][10];
        for (byte[] row : r) Arrays.fill(row, (byte) -1);
        return r;
    }

    /** Whether a valid rating was counted for the slot (item, repetition). */
    public boolean counted(int itemId, int repetition) {
        byte[] row = ratings[itemId - 1];
        return repetition - 1 < row.length && row[repetition - 1] >= 0;
    }

    /** The valid ratings of item itemId (1-based), in repetition order. */
    public byte[] values(int itemId) {
        byte[] row = ratings[itemId - 1];
        byte[] out = new byte[n[itemId - 1]];
        int k = 0;
        for (byte b : row) if (b >= 0) out[k++] = b;
        return out;
    }

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
