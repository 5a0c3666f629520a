package dev.pmc.cli;

import dev.pmc.core.io.ComparisonCsv;
import dev.pmc.core.io.FileCells;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.SequentialReading;
import dev.pmc.stack.ServiceProcess;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code pmc bench cost}: for every labelled file of the calibration set (and the GPT-4o trio it labels) read against
 * its base, the calls each reading mode spends and whether its verdict equals the full 30,000-call sampled verdict
 * ({@code pmc compare} on the whole files).
 * <ul>
 *   <li>logprob: one call per cell, the cell's empirical distribution as the replayed model's logprobs give it, both
 *       sides in logprob mode, put on the n = 10 scale (DesignScale);</li>
 *   <li>sequential: {@link SequentialReading} up the default ladder on random subsamples of the files (each cell's
 *       ratings shuffled, a random persona order; both sides share the draw's persona order), repeated for
 *       {@code --draws} draws.</li>
 * </ul>
 * Calls are the variant's; the base is read once per design and reused by every variant of its family. Time to verdict
 * is calls / rpm.
 */
@Command(name = "cost", sortOptions = false,
        description = "Calls and USD per reading by design (sequential, k answers per call) on the calibration set.")
final class CostBench extends Main.PmcCommand {
    @Option(names = "--rpm", paramLabel = "L", defaultValue = "500", description = "rate limit for time to verdict (default 500)")
    int rpm;
    @Option(names = "--budget", paramLabel = "N", defaultValue = "30000", description = "calls at most per sequential reading (default 30000)")
    long budget;
    @Option(names = "--draws", paramLabel = "D", defaultValue = "5", description = "random draws per sequential reading (default 5)")
    int draws;
    @Option(names = "--labels", paramLabel = "FILE", description = "labels file (default: the calibration set's labels.csv)")
    Path labels;

    record Pair(String variant, String base, Path variantFile, Path baseFile) {
    }

    @Override
    int run() throws Exception {
        if (labels == null) labels = ServiceProcess.projectRoot().resolve("../shared/reference-data/collapse-calibration/labels.csv").normalize();
        if (!Files.isRegularFile(labels)) throw new Main.UsageException("no labels file " + labels + " (--labels PATH)");
        List<Pair> pairs = pairs(labels);
        err.printf(Locale.ROOT, "%d readings, %d sequential draws each, budget %d calls, %d rpm%n", pairs.size(), draws, budget, rpm);

        Map<Path, ComparisonCsv.Side> sides = new HashMap<>();
        Map<Path, FileCells> cells = new HashMap<>();
        Map<Path, MetricsResult> exact = new HashMap<>();
        List<Long> seqCalls = new ArrayList<>(), lpCalls = new ArrayList<>();
        int rCarriedWithin = 0;
        int seqSame = 0, seqTotal = 0, lpSame = 0, lpVsSampledSame = 0, sWithin = 0, rRatioWithin = 0, lpSWithin = 0, lpRWithin = 0, rpSWithin = 0, rpRWithin = 0;

        out.println("| variant | full verdict | logprob calls | logprob verdict (vs sampled base) | logprob S, R vs full (SE) | logprob S, R vs sampled replay (SE) "
                + "| sequential calls (per draw) | sequential verdicts | stop S vs full (SE), R ratio vs full | min to verdict at " + rpm + " rpm (seq median / logprob / full) |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Pair pair : pairs) {
            long t0 = System.nanoTime();
            ComparisonCsv.Side vs = side(sides, pair.variantFile()), bs = side(sides, pair.baseFile());
            Comparison full = ComparisonCsv.compare(bs, vs, Comparison.Thresholds.DEFAULT);
            String fullVerdict = label(full);
            Estimate fv = vs.metrics().result().overall(), fb = bs.metrics().result().overall();
            double fullRRatio = fv.robustness() / fb.robustness();

            // logprob mode
            FileCells vc = cells(cells, pair.variantFile()), bc = cells(cells, pair.baseFile());
            MetricsResult lv = exact(exact, vc, pair.variantFile()), lb = exact(exact, bc, pair.baseFile());
            Comparison lp = Comparison.of(lb, lv, null, Comparison.Thresholds.DEFAULT);
            Comparison lpSampledBase = Comparison.of(bs.metrics().result(), lv, null, Comparison.Thresholds.DEFAULT);
            long lpCall = 3000L + 3L * vc.cellsBelow(0.5); // an invalid cell is asked max-attempts (4) times
            lpCalls.add(lpCall);
            boolean lpOk = label(lp).equals(fullVerdict);
            if (lpOk) lpSame++;
            if (label(lpSampledBase).equals(fullVerdict)) lpVsSampledSame++;
            double lpSz = (lv.overall().susceptibility() - fv.susceptibility()) / fv.susceptibilitySe();
            double lpRz = (lv.overall().robustness() - fv.robustness()) / fv.robustnessSe();
            // a sampled n = 10 reading of the replayed model (draws with replacement from each cell)
            MetricsResult replayed = Bootstrap.compute(vc.resampled(7, 10).sampledPersonas(), Bootstrap.DEFAULT_SEED);
            Estimate rp = replayed.overall(), le = lv.overall();
            double rpSz = (le.susceptibility() - rp.susceptibility()) / Math.hypot(le.susceptibilitySe(), rp.susceptibilitySe());
            double rpRz = (le.robustness() - rp.robustness()) / Math.hypot(le.robustnessSe(), rp.robustnessSe());
            if (Math.abs(lpSz) <= 2) lpSWithin++;
            if (Math.abs(lpRz) <= 2) lpRWithin++;
            if (Math.abs(rpSz) <= 2) rpSWithin++;
            if (Math.abs(rpRz) <= 2) rpRWithin++;

            // sequential sampling
            List<Long> callsPerDraw = new ArrayList<>();
            Map<String, Integer> verdicts = new java.util.TreeMap<>();
            double worstSz = 0, worstRatio = 0;
            for (int d = 0; d < draws; d++) {
                long seed = 1000L + d;
                int[] order = personaOrder(common(vc, bc), seed);
                SequentialReading.Result r = SequentialReading.read(bc.shuffled(seed * 31 + 1), vc.shuffled(seed * 31 + 2), order,
                        ladder(order.length), budget, Comparison.Thresholds.DEFAULT, Bootstrap.DEFAULT_SEED);
                String v = r.verdict().wire() + (r.kind() == null ? "" : "/" + r.kind().wire());
                verdicts.merge(v, 1, Integer::sum);
                callsPerDraw.add(r.calls());
                seqCalls.add(r.calls());
                seqTotal++;
                if (v.equals(fullVerdict)) seqSame++;
                SequentialReading.Look last = r.last();
                double sz = (last.variant().overall().susceptibility() - fv.susceptibility()) / fv.susceptibilitySe();
                double ratio = last.variant().overall().robustness() / last.base().overall().robustness() / fullRRatio - 1;
                if (Math.abs(sz) <= 2) sWithin++;
                if (Math.abs(ratio) <= 0.05) rRatioWithin++;
                // R carried to the full design (what the stack reports for a stopped run) against the full R, in its SE
                Estimate carried = SequentialReading.carriedToReference(last.variant(), last.base(), bs.metrics().result()).overall();
                if (Math.abs(carried.robustness() - fv.robustness()) <= 2 * carried.robustnessSe()) rCarriedWithin++;
                if (Math.abs(sz) > Math.abs(worstSz)) worstSz = sz;
                if (Math.abs(ratio) > Math.abs(worstRatio)) worstRatio = ratio;
            }
            long median = median(callsPerDraw);
            out.printf(Locale.ROOT, "| %s | %s | %d | %s%s (%s) | %+.2f, %+.2f | %+.2f, %+.2f | %s | %s | worst %+.2f, %+.1f %% | %.0f / %.0f / %.0f |%n",
                    pair.variant(), fullVerdict, lpCall, label(lp), lpOk ? "" : " ✗", label(lpSampledBase), lpSz, lpRz, rpSz, rpRz,
                    callsPerDraw.stream().map(Object::toString).reduce((a, b) -> a + " " + b).orElse(""), verdicts, worstSz, 100 * worstRatio,
                    median / (double) rpm, lpCall / (double) rpm, 30000.0 / rpm);
            err.printf(Locale.ROOT, "  %s done in %.1f s%n", pair.variant(), (System.nanoTime() - t0) / 1e9);
        }
        out.println();
        out.printf(Locale.ROOT, "sequential: same verdict as the full reading in %d of %d draws; median calls %d (%.1f %% of 30,000); "
                        + "S within 2 SE of the full S in %d of %d; R ratio within 5 %% of the full ratio in %d of %d; "
                        + "R carried to the full design (R_v,stage R_b,full / R_b,stage) within 2 of its SE of the full R in %d of %d%n",
                seqSame, seqTotal, median(seqCalls), 100.0 * median(seqCalls) / 30000, sWithin, seqTotal, rRatioWithin, seqTotal, rCarriedWithin, seqTotal);
        out.printf(Locale.ROOT, "logprob: same verdict in %d of %d (against the sampled base: %d of %d); median calls %d; "
                        + "S within 2 SE of the full S in %d of %d, R in %d of %d; "
                        + "against a sampled n = 10 reading of the replayed file (2 combined SE): S in %d of %d, R in %d of %d%n",
                lpSame, pairs.size(), lpVsSampledSame, pairs.size(), median(lpCalls), lpSWithin, pairs.size(), lpRWithin, pairs.size(),
                rpSWithin, pairs.size(), rpRWithin, pairs.size());
        return 0;
    }

    /** Every labelled file with its base (a base against itself when it has none). */
    static List<Pair> pairs(Path labels) throws java.io.IOException {
        List<String> lines = Files.readAllLines(labels);
        List<String> header = List.of(lines.get(0).split(","));
        int file = header.indexOf("file"), base = header.indexOf("base_file");
        if (file < 0 || base < 0) throw new Main.UsageException(labels + ": needs columns file and base_file");
        List<Pair> out = new ArrayList<>();
        Path dir = labels.getParent();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] c = line.split(",", -1);
            String b = c[base].isEmpty() ? c[file] : c[base];
            out.add(new Pair(name(c[file]), name(b), dir.resolve(c[file]).normalize(), dir.resolve(b).normalize()));
        }
        return out;
    }

    private static String name(String file) {
        return Path.of(file).getFileName().toString().replaceFirst("_temp01\\.csv$", "").replaceFirst("\\.csv$", "");
    }

    private static String label(Comparison c) {
        return c.verdict() + (c.kind() == null ? "" : "/" + c.kind());
    }

    /** Persona ids both files hold (a file may lack some personas). */
    private static int[] common(FileCells a, FileCells b) {
        java.util.Set<Integer> in = new java.util.HashSet<>();
        for (int id : b.personaIds()) in.add(id);
        return java.util.Arrays.stream(a.personaIds()).filter(in::contains).toArray();
    }

    /** The default ladder over at most {@code personas} personas. */
    private static List<SequentialReading.Stage> ladder(int personas) {
        List<SequentialReading.Stage> out = new ArrayList<>();
        for (SequentialReading.Stage s : SequentialReading.DEFAULT_LADDER) {
            SequentialReading.Stage t = new SequentialReading.Stage(Math.min(personas, s.personas()), s.n());
            if (!out.contains(t)) out.add(t);
        }
        return out;
    }

    private static int[] personaOrder(int[] ids, long seed) {
        int[] order = ids.clone();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = order.length - 1; k > 0; k--) {
            int j = rnd.nextInt(k + 1), t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.isEmpty() ? 0 : s.get(s.size() / 2);
    }

    private static ComparisonCsv.Side side(Map<Path, ComparisonCsv.Side> cache, Path file) throws java.io.IOException {
        ComparisonCsv.Side s = cache.get(file);
        if (s == null) cache.put(file, s = ComparisonCsv.Side.of(file));
        return s;
    }

    private static FileCells cells(Map<Path, FileCells> cache, Path file) throws java.io.IOException {
        FileCells c = cache.get(file);
        if (c == null) cache.put(file, c = FileCells.of(file));
        return c;
    }

    private static MetricsResult exact(Map<Path, MetricsResult> cache, FileCells cells, Path file) {
        return cache.computeIfAbsent(file, f -> Bootstrap.compute(cells.exactPersonas(0.5), Bootstrap.DEFAULT_SEED));
    }
}
