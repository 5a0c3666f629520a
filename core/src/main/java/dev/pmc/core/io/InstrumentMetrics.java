package dev.pmc.core.io;

import dev.pmc.core.instruments.Instrument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * S, R and ū of any {@link Instrument}, overall and per group, with bootstrap SEs — the same estimators and the
 * same bootstrap as the MFQ-30 path ({@code MoralMetrics}, {@code Bootstrap}), over the instrument's items:
 * <ul>
 *   <li>ȳ_pq, u_pq: mean and sample SD (ddof 1; 0 for one rating) of persona p's valid ratings of item q;</li>
 *   <li>S = mean over q of SD over personas of ȳ_pq (ddof 1); ū = mean of u_pq; R = 1/ū;</li>
 *   <li>the group score: mean over personas and the group's items of the keyed cell mean (a reverse-keyed item's
 *       ȳ counts as max + min − ȳ), the usual Big Five domain score;</li>
 *   <li>SE = √(SE_persona² + SE_response²): the persona bootstrap resamples the retained personas (2,000 draws),
 *       the response bootstrap the ratings inside every cell (400 draws); SE(R) = SE(ū)/ū².</li>
 * </ul>
 * A persona counts only if every item has at least one valid rating; a rating is valid when it is on the
 * instrument's scale (a 0 on BFI-44's 1-5 scale is not).
 */
public final class InstrumentMetrics {
    public static final int PERSONA_DRAWS = 2000, RESPONSE_DRAWS = 400;
    public static final long DEFAULT_SEED = 20260512L;

    /** One group's (or "all" items') estimates. */
    public record Estimate(double susceptibility, double susceptibilitySe, double robustness, double robustnessSe,
                           double withinSd, double withinSdSe, double score, double scoreSe) {
    }

    /** A reading: personas retained, invalid ratings set aside, and the estimates of "all" then each group. */
    public record Reading(Instrument instrument, int personas, long validRatings, long invalidRatings, Map<String, Estimate> groups) {
    }

    private InstrumentMetrics() {
    }

    /** Reads a reference-format ratings file (question ids 1..N of the instrument) and computes its reading. */
    public static Reading ofFile(Instrument in, Path file, long seed) throws IOException {
        List<ReferenceCsv.Row> rows = ReferenceCsv.readRatings(file);
        Map<Integer, List<List<Integer>>> byPersona = new TreeMap<>();
        long valid = 0, invalid = 0;
        for (ReferenceCsv.Row r : rows) {
            if (r.personaId() < 0) continue;
            if (r.questionId() < 1 || r.questionId() > in.size()) {
                throw new IllegalArgumentException(file.getFileName() + ": question_id " + r.questionId() + " is not an item of " + in.name()
                        + " (1.." + in.size() + ")");
            }
            List<List<Integer>> cells = byPersona.computeIfAbsent(r.personaId(), id -> {
                List<List<Integer>> c = new ArrayList<>();
                for (int q = 0; q < in.size(); q++) c.add(new ArrayList<>());
                return c;
            });
            if (r.rating() >= 0 && in.valid(r.rating())) {
                cells.get(r.questionId() - 1).add(r.rating());
                valid++;
            } else {
                invalid++;
            }
        }
        List<int[][]> personas = new ArrayList<>();
        for (List<List<Integer>> cells : byPersona.values()) {
            int[][] c = new int[in.size()][];
            for (int q = 0; q < c.length; q++) c[q] = cells.get(q).stream().mapToInt(Integer::intValue).toArray();
            personas.add(c);
        }
        return compute(in, personas, valid, invalid, seed);
    }

    /** The reading of personas given as cells[p][q] = persona p's valid ratings of item q+1. */
    public static Reading compute(Instrument in, List<int[][]> personas, long valid, long invalid, long seed) {
        List<int[][]> kept = new ArrayList<>();
        for (int[][] c : personas) {
            boolean all = true;
            for (int[] cell : c) all &= cell.length > 0;
            if (all) kept.add(c);
        }
        List<int[]> sets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        names.add("all");
        sets.add(in.allItems());
        for (Instrument.Group g : in.groups()) {
            names.add(g.key());
            sets.add(in.itemsOf(g.key()));
        }
        int p = kept.size(), nq = in.size(), ng = sets.size();
        double[][] mean = new double[p][nq], sd = new double[p][nq];
        for (int i = 0; i < p; i++) for (int q = 0; q < nq; q++) moments(kept.get(i)[q], mean[i], sd[i], q);
        double[][] point = stats(in, sets, mean, sd, identity(p));
        double[][] seP = new double[ng][3], seR = new double[ng][3];
        if (p >= 2) {
            SplittableRandom rnd = new SplittableRandom(seed);
            seP = spread(PERSONA_DRAWS, ng, d -> {
                int[] pick = new int[p];
                for (int i = 0; i < p; i++) pick[i] = rnd.nextInt(p);
                return stats(in, sets, mean, sd, pick);
            });
            SplittableRandom rnd2 = new SplittableRandom(seed + 1);
            double[][] m2 = new double[p][nq], s2 = new double[p][nq];
            seR = spread(RESPONSE_DRAWS, ng, d -> {
                for (int i = 0; i < p; i++) {
                    for (int q = 0; q < nq; q++) {
                        int[] cell = kept.get(i)[q];
                        int[] draw = new int[cell.length];
                        for (int k = 0; k < draw.length; k++) draw[k] = cell[rnd2.nextInt(cell.length)];
                        moments(draw, m2[i], s2[i], q);
                    }
                }
                return stats(in, sets, m2, s2, identity(p));
            });
        }
        Map<String, Estimate> out = new LinkedHashMap<>();
        for (int g = 0; g < ng; g++) {
            double s = point[g][0], u = point[g][1], score = point[g][2];
            double sSe = p >= 2 ? Math.hypot(seP[g][0], seR[g][0]) : Double.NaN, uSe = p >= 2 ? Math.hypot(seP[g][1], seR[g][1]) : Double.NaN;
            double scoreSe = p >= 2 ? Math.hypot(seP[g][2], seR[g][2]) : Double.NaN;
            out.put(names.get(g), new Estimate(s, sSe, 1 / u, uSe / (u * u), u, uSe, score, scoreSe));
        }
        return new Reading(in, p, valid, invalid, out);
    }

    private static int[] identity(int p) {
        int[] a = new int[p];
        for (int i = 0; i < p; i++) a[i] = i;
        return a;
    }

    private static void moments(int[] cell, double[] mean, double[] sd, int q) {
        int n = cell.length;
        double m = 0;
        for (int v : cell) m += v;
        m = n == 0 ? Double.NaN : m / n;
        double ss = 0;
        for (int v : cell) ss += (v - m) * (v - m);
        mean[q] = m;
        sd[q] = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    }

    /** Per item set: {S, ū, keyed score} over the personas picked (indexes into mean/sd, repeats allowed). */
    private static double[][] stats(Instrument in, List<int[]> sets, double[][] mean, double[][] sd, int[] pick) {
        double[][] out = new double[sets.size()][3];
        int p = pick.length;
        for (int g = 0; g < sets.size(); g++) {
            int[] items = sets.get(g);
            double sSum = 0, uSum = 0, scoreSum = 0;
            for (int id : items) {
                int q = id - 1;
                boolean reverse = in.item(id).reverse();
                double sum = 0;
                for (int i : pick) {
                    double y = mean[i][q];
                    sum += y;
                    uSum += sd[i][q];
                    scoreSum += reverse ? in.max() + in.min() - y : y;
                }
                double mu = sum / p, ss = 0;
                for (int i : pick) ss += (mean[i][q] - mu) * (mean[i][q] - mu);
                sSum += p > 1 ? Math.sqrt(ss / (p - 1)) : Double.NaN;
            }
            out[g][0] = sSum / items.length;
            out[g][1] = uSum / ((double) items.length * p);
            out[g][2] = scoreSum / ((double) items.length * p);
        }
        return out;
    }

    /** SD over draws of each group's {S, ū, score}. */
    private static double[][] spread(int draws, int groups, java.util.function.IntFunction<double[][]> draw) {
        double[][] sum = new double[groups][3], sumSq = new double[groups][3];
        for (int d = 0; d < draws; d++) {
            double[][] v = draw.apply(d);
            for (int g = 0; g < groups; g++) {
                for (int k = 0; k < 3; k++) {
                    sum[g][k] += v[g][k];
                    sumSq[g][k] += v[g][k] * v[g][k];
                }
            }
        }
        double[][] se = new double[groups][3];
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < 3; k++) {
                double m = sum[g][k] / draws;
                se[g][k] = Math.sqrt(Math.max(0, (sumSq[g][k] - draws * m * m) / (draws - 1)));
            }
        }
        return se;
    }
}
