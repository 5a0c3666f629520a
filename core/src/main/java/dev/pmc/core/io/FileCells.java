package dev.pmc.core.io;

import dev.pmc.core.Mfq30;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.SequentialReading;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A published ratings file as a model's cells, for cost experiments: persona p (by its id in the file) and item q
 * hold the file's ratings of that cell (-1 for a row without a valid rating). {@link #shuffled}
 * puts each cell's ratings in a seeded random order, so the first n of them are a simple random subsample, which is
 * what a reading with n repetitions would have drawn from the same model; stages of a ladder are nested.
 */
public final class FileCells implements SequentialReading.Cells {
    private final String model;
    private final int[] personaIds;
    private final int[][][] ratings; // [persona index][item - 1][draw]
    private final long failures;
    private final java.util.Map<Integer, Integer> indexOf = new java.util.HashMap<>();

    private FileCells(String model, int[] personaIds, int[][][] ratings, long failures) {
        this.model = model;
        this.personaIds = personaIds;
        this.ratings = ratings;
        this.failures = failures;
        for (int i = 0; i < personaIds.length; i++) indexOf.put(personaIds[i], i);
    }

    public static FileCells of(Path file) throws IOException {
        List<ReferenceCsv.Row> rows = ReferenceCsv.readRatings(file);
        TreeMap<Integer, List<List<Integer>>> byPersona = new TreeMap<>();
        long failures = 0;
        for (ReferenceCsv.Row r : rows) {
            if (r.personaId() < 0) continue;
            if (r.questionId() < 1 || r.questionId() > Mfq30.ITEMS) throw new IOException(file + ": item " + r.questionId() + " is not 1.." + Mfq30.ITEMS);
            List<List<Integer>> cells = byPersona.computeIfAbsent(r.personaId(), id -> {
                List<List<Integer>> l = new ArrayList<>();
                for (int q = 0; q < Mfq30.ITEMS; q++) l.add(new ArrayList<>());
                return l;
            });
            cells.get(r.questionId() - 1).add(r.valid() ? r.rating() : -1);
            failures += Math.max(0, r.failures());
        }
        int[] ids = byPersona.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[][][] ratings = new int[ids.length][Mfq30.ITEMS][];
        int i = 0;
        for (List<List<Integer>> cells : byPersona.values()) {
            for (int q = 0; q < Mfq30.ITEMS; q++) ratings[i][q] = cells.get(q).stream().mapToInt(Integer::intValue).toArray();
            i++;
        }
        return new FileCells(ReferenceCsv.modelName(file), ids, ratings, failures);
    }

    /** The same cells with each cell's ratings in a random order drawn from seed (Fisher-Yates per cell). */
    public FileCells shuffled(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][][] out = new int[ratings.length][Mfq30.ITEMS][];
        for (int p = 0; p < ratings.length; p++) {
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                int[] c = ratings[p][q].clone();
                for (int k = c.length - 1; k > 0; k--) {
                    int j = rnd.nextInt(k + 1), tmp = c[k];
                    c[k] = c[j];
                    c[j] = tmp;
                }
                out[p][q] = c;
            }
        }
        return new FileCells(model, personaIds, out, failures);
    }

    /** The first n ratings of the cell of persona id and item; none for a persona the file does not hold. */
    @Override
    public int[] ratings(int persona, int itemId, int n) {
        Integer i = indexOf.get(persona);
        if (i == null) return new int[0];
        int[] c = ratings[i][itemId - 1];
        return Arrays.copyOf(c, Math.min(n, c.length));
    }

    /** The persona ids the file holds, ascending. */
    public int[] personaIds() {
        return personaIds.clone();
    }

    /**
     * A sampled reading of the file replayed as a model: n ratings per cell drawn with replacement from the cell's
     * ratings (what {@code replay:NAME} answers), seeded.
     */
    public FileCells resampled(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][][] out = new int[ratings.length][Mfq30.ITEMS][];
        for (int p = 0; p < ratings.length; p++) {
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                int[] c = ratings[p][q];
                out[p][q] = new int[c.length == 0 ? 0 : n];
                for (int k = 0; k < out[p][q].length; k++) out[p][q][k] = c[rnd.nextInt(c.length)];
            }
        }
        return new FileCells(model, personaIds, out, 0);
    }

    /** All cells as a reading (sampled cells, every rating), personas in canonical order. */
    public List<PersonaStats> sampledPersonas() {
        List<PersonaStats> out = new ArrayList<>(personaIds.length);
        for (int p = 0; p < personaIds.length; p++) {
            PersonaStats ps = new PersonaStats(model, "sampled", Integer.toString(personaIds[p]));
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                int[] c = ratings[p][q];
                for (int k = 0; k < c.length; k++) if (c[k] >= 0) ps.addValid(q + 1, k + 1, c[k]);
            }
            out.add(ps);
        }
        out.sort(PersonaStats.CANONICAL_ORDER);
        return out;
    }

    public String model() {
        return model;
    }

    public int personas() {
        return personaIds.length;
    }

    /** Re-asks the authors' collection needed (the files' {@code failures} column). */
    public long failures() {
        return failures;
    }

    /**
     * The file read in logprob mode: one exact cell per persona and item holding the cell's empirical rating
     * distribution, which is what the replayed model's top logprobs give (provider-sim {@code ReplayModel}). A cell
     * whose valid ratings carry less than {@code minMass} of its rows has no valid reading (the scorer's
     * {@code pmc.scorer.logprob-min-mass}), so its persona is not retained.
     */
    public List<PersonaStats> exactPersonas(double minMass) {
        List<PersonaStats> out = new ArrayList<>(personaIds.length);
        for (int p = 0; p < personaIds.length; p++) {
            PersonaStats ps = new PersonaStats(model, "logprob", Integer.toString(personaIds[p]));
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                double[] h = new double[6];
                int valid = 0;
                for (int r : ratings[p][q]) {
                    if (r >= 0) {
                        h[r]++;
                        valid++;
                    }
                }
                if (valid > 0 && valid >= minMass * ratings[p][q].length) ps.addDistribution(q + 1, 1, h);
            }
            out.add(ps);
        }
        out.sort(PersonaStats.CANONICAL_ORDER);
        return out;
    }

    /** Cells holding fewer valid ratings than minMass of their rows: each costs a logprob reading its re-asks. */
    public int cellsBelow(double minMass) {
        int n = 0;
        for (int[][] persona : ratings) {
            for (int[] cell : persona) {
                long valid = Arrays.stream(cell).filter(r -> r >= 0).count();
                if (valid == 0 || valid < minMass * cell.length) n++;
            }
        }
        return n;
    }
}
