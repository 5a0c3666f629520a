package dev.pmc.core.metrics;

import dev.pmc.core.Foundation;
import dev.pmc.core.Mfq30;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How a variant's ratings differ from its baseline's beyond S and R, overall and per foundation:
 * <ul>
 *   <li><b>divergence</b> D = (1/|Q|) Σ_q JSD(h^v_q ‖ h^b_q) in bits, the Jensen-Shannon divergence between the
 *       variant's and the baseline's rating distribution of each item (pooled over personas and repetitions),
 *       averaged over items: 0 for identical answers, 1 for disjoint ones;</li>
 *   <li><b>persona fidelity</b> F = (1/|Q|) Σ_q corr_p(ȳ^v_pq, ȳ^b_pq), the Pearson correlation over the personas
 *       retained on both sides between each persona's cell mean in the variant and in the baseline, averaged over
 *       items (items constant across personas on either side are skipped): 1 when every persona keeps its place
 *       relative to the others, 0 when the persona no longer predicts the answer.</li>
 * </ul>
 * Standard errors: D from the persona and the response bootstrap of each side against the other side held fixed,
 * the four combined in quadrature (like the z-scores of S); F from a paired persona bootstrap (the same personas
 * drawn on both sides) and a response bootstrap of both sides, in quadrature. Seeded and deterministic.
 */
public record BaselineDivergence(Divergence overall, Map<Foundation, Divergence> perFoundation) {
    public record Divergence(double divergenceBits, double divergenceBitsSe, double personaFidelity, double personaFidelitySe) {
    }

    private static final int G = Bootstrap.GROUPS, BINS = Bootstrap.BINS;

    public static BaselineDivergence compute(List<PersonaStats> base, List<PersonaStats> variant, long seed) {
        List<PersonaStats> b = MoralMetrics.retained(base), v = MoralMetrics.retained(variant);
        if (b.isEmpty() || v.isEmpty()) {
            Divergence nan = new Divergence(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            Map<Foundation, Divergence> per = new EnumMap<>(Foundation.class);
            for (Foundation f : Foundation.values()) per.put(f, nan);
            return new BaselineDivergence(nan, per);
        }
        double[][] hb = MoralMetrics.itemHistograms(b), hv = MoralMetrics.itemHistograms(v);
        double[] d = divergence(hv, hb);
        // personas retained on both sides, paired by id
        Map<String, Integer> baseIndex = new HashMap<>();
        for (int i = 0; i < b.size(); i++) baseIndex.put(b.get(i).getPersonaId(), i);
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            Integer j = baseIndex.get(v.get(i).getPersonaId());
            if (j != null) pairs.add(new int[]{i, j});
        }
        double[][] mv = new double[pairs.size()][], mb = new double[pairs.size()][];
        for (int k = 0; k < pairs.size(); k++) {
            mv[k] = v.get(pairs.get(k)[0]).getMean();
            mb[k] = b.get(pairs.get(k)[1]).getMean();
        }
        double[] f = fidelity(mv, mb);

        SplittableRandom rnd = new SplittableRandom(seed ^ 0x4A53_44L);
        double[] seD = new double[G];
        for (double[] part : new double[][]{
                personaDraws(v, hb, rnd.split()), responseDraws(v, hb, rnd.split()),
                personaDraws(b, hv, rnd.split()), responseDraws(b, hv, rnd.split())}) {
            for (int g = 0; g < G; g++) seD[g] += part[g] * part[g];
        }
        double[] seFp = pairedPersonaDraws(mv, mb, rnd.split());
        double[] seFr = pairedResponseDraws(v, b, pairs, rnd.split());
        Map<Foundation, Divergence> per = new EnumMap<>(Foundation.class);
        for (Foundation fd : Foundation.values()) {
            int g = fd.ordinal() + 1;
            per.put(fd, new Divergence(d[g], Math.sqrt(seD[g]), f[g], Math.hypot(seFp[g], seFr[g])));
        }
        return new BaselineDivergence(new Divergence(d[0], Math.sqrt(seD[0]), f[0], Math.hypot(seFp[0], seFr[0])), per);
    }

    /** Mean per-item JSD of each group (0 = all items, 1..5 foundations). */
    static double[] divergence(double[][] variantItems, double[][] baseItems) {
        double[] sum = new double[G];
        int[] n = new int[G];
        for (int q = 0; q < Mfq30.ITEMS; q++) {
            double js = RatingDistribution.jensenShannonBits(variantItems[q], baseItems[q]);
            if (Double.isNaN(js)) continue;
            sum[0] += js;
            n[0]++;
            sum[1 + q % 5] += js;
            n[1 + q % 5]++;
        }
        double[] out = new double[G];
        for (int g = 0; g < G; g++) out[g] = n[g] == 0 ? Double.NaN : sum[g] / n[g];
        return out;
    }

    /** Mean per-item correlation over paired personas of each group; NaN with fewer than 3 pairs. */
    static double[] fidelity(double[][] mv, double[][] mb) {
        double[] sum = new double[G];
        int[] n = new int[G];
        int p = mv.length;
        if (p >= 3) {
            for (int q = 0; q < Mfq30.ITEMS; q++) {
                double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                for (int k = 0; k < p; k++) {
                    double x = mv[k][q], y = mb[k][q];
                    sx += x;
                    sy += y;
                    sxx += x * x;
                    syy += y * y;
                    sxy += x * y;
                }
                double r = correlation(p, sx, sy, sxx, syy, sxy);
                if (Double.isNaN(r)) continue;
                sum[0] += r;
                n[0]++;
                sum[1 + q % 5] += r;
                n[1 + q % 5]++;
            }
        }
        double[] out = new double[G];
        for (int g = 0; g < G; g++) out[g] = n[g] == 0 ? Double.NaN : sum[g] / n[g];
        return out;
    }

    /** Pearson r from sums; NaN when either side is constant (to rounding). */
    private static double correlation(int n, double sx, double sy, double sxx, double syy, double sxy) {
        double vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
        if (vx <= 1e-12 * Math.max(1, sxx) || vy <= 1e-12 * Math.max(1, syy)) return Double.NaN;
        return Math.max(-1, Math.min(1, (sxy - sx * sy / n) / Math.sqrt(vx * vy)));
    }

    /** SE of D per group from resampling one side's personas against the other side's fixed item histograms. */
    private static double[] personaDraws(List<PersonaStats> side, double[][] other, SplittableRandom rnd) {
        int p = side.size();
        double[][][] items = new double[p][][];
        for (int i = 0; i < p; i++) items[i] = side.get(i).getItemHistogram();
        double[][] h = new double[Mfq30.ITEMS][BINS];
        Bootstrap.Accumulator acc = new Bootstrap.Accumulator();
        for (int draw = 0; draw < Bootstrap.PERSONA_DRAWS; draw++) {
            for (double[] row : h) java.util.Arrays.fill(row, 0);
            for (int k = 0; k < p; k++) {
                double[][] ph = items[rnd.nextInt(p)];
                for (int q = 0; q < Mfq30.ITEMS; q++) for (int r = 0; r < BINS; r++) h[q][r] += ph[q][r];
            }
            acc.add(divergence(h, other));
        }
        return acc.sd();
    }

    /** SE of D per group from resampling one side's cells against the other side's fixed item histograms. */
    private static double[] responseDraws(List<PersonaStats> side, double[][] other, SplittableRandom rnd) {
        if (side.stream().anyMatch(PersonaStats::hasExactCells)) return new double[G];   // exact cells: no sampling error
        CellResampler resampler = new CellResampler(values(side), BINS, rnd);
        double[][] constCount = new double[Mfq30.ITEMS][BINS], h = new double[Mfq30.ITEMS][BINS];
        for (int[] c : resampler.constantCells()) constCount[c[1]][c[2]] += c[3];
        Bootstrap.Accumulator acc = new Bootstrap.Accumulator();
        CellResampler.Sink sink = new CellResampler.Sink() {
            public void twoValued(int persona, int q, double m, double sd, int a, int na, int b, int nb) {
                h[q][a] += na;
                h[q][b] += nb;
            }

            public void general(int persona, int q, double m, double sd, int[] counts) {
                for (int k = 0; k < BINS; k++) h[q][k] += counts[k];
            }
        };
        for (int draw = 0; draw < Bootstrap.RESPONSE_DRAWS; draw++) {
            for (int q = 0; q < Mfq30.ITEMS; q++) System.arraycopy(constCount[q], 0, h[q], 0, BINS);
            resampler.draw(sink);
            acc.add(divergence(h, other));
        }
        return acc.sd();
    }

    /** SE of F per group from resampling the paired personas. */
    private static double[] pairedPersonaDraws(double[][] mv, double[][] mb, SplittableRandom rnd) {
        int p = mv.length;
        if (p < 3) return new double[G];
        double[][] dv = new double[p][], db = new double[p][];
        Bootstrap.Accumulator acc = new Bootstrap.Accumulator();
        for (int draw = 0; draw < Bootstrap.PERSONA_DRAWS; draw++) {
            for (int k = 0; k < p; k++) {
                int i = rnd.nextInt(p);
                dv[k] = mv[i];
                db[k] = mb[i];
            }
            acc.add(fidelity(dv, db));
        }
        return acc.sd();
    }

    /** SE of F per group from resampling the cells of the paired personas on both sides. */
    private static double[] pairedResponseDraws(List<PersonaStats> v, List<PersonaStats> b, List<int[]> pairs, SplittableRandom rnd) {
        int p = pairs.size();
        if (p < 3) return new double[G];
        boolean exactV = v.stream().anyMatch(PersonaStats::hasExactCells), exactB = b.stream().anyMatch(PersonaStats::hasExactCells);
        if (exactV && exactB) return new double[G];
        List<PersonaStats> pv = new ArrayList<>(p), pb = new ArrayList<>(p);
        for (int[] pair : pairs) {
            pv.add(v.get(pair[0]));
            pb.add(b.get(pair[1]));
        }
        double[][] gv = means(pv), gb = means(pb);
        CellResampler rv = exactV ? null : new CellResampler(values(pv), BINS, rnd.split());
        CellResampler rb = exactB ? null : new CellResampler(values(pb), BINS, rnd.split());
        CellResampler.Sink intoV = meansInto(gv), intoB = meansInto(gb);
        Bootstrap.Accumulator acc = new Bootstrap.Accumulator();
        for (int draw = 0; draw < Bootstrap.RESPONSE_DRAWS; draw++) {
            if (rv != null) rv.draw(intoV);
            if (rb != null) rb.draw(intoB);
            acc.add(fidelity(gv, gb));
        }
        return acc.sd();
    }

    /** A sink writing each resampled cell's mean into grid[persona][item]. */
    private static CellResampler.Sink meansInto(double[][] grid) {
        return new CellResampler.Sink() {
            public void twoValued(int persona, int q, double m, double sd, int a, int na, int b, int nb) {
                grid[persona][q] = m;
            }

            public void general(int persona, int q, double m, double sd, int[] counts) {
                grid[persona][q] = m;
            }
        };
    }

    private static double[][] means(List<PersonaStats> personas) {
        double[][] m = new double[personas.size()][];
        for (int i = 0; i < m.length; i++) m[i] = personas.get(i).getMean().clone();
        return m;
    }

    private static byte[][][] values(List<PersonaStats> personas) {
        byte[][][] v = new byte[personas.size()][Mfq30.ITEMS][];
        for (int i = 0; i < v.length; i++) for (int q = 0; q < Mfq30.ITEMS; q++) v[i][q] = personas.get(i).values(q + 1);
        return v;
    }
}
