package dev.pmc.cli;

import dev.pmc.core.Foundation;
import dev.pmc.core.Mfq30;
import dev.pmc.core.io.ComparisonCsv;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.Verdict;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code pmc plot [--out DIR] [--force] [--trajectory] BASE.csv [VARIANT.csv...]}: the pictures the papers show, as
 * PNG, from the files {@code metrics} and {@code compare} read (JFreeChart draws them):
 * <ul>
 *   <li>{@code sr-plane.png}: susceptibility S against robustness R, each variant an arrow from its base, coloured by
 *       verdict (dashed for saturation), the base-model band of S shaded;</li>
 *   <li>{@code distribution.png}: each file's share of ratings 0..5 beside its base's (the saturation picture);</li>
 *   <li>{@code foundations.png}: each file's mean rating per moral foundation;</li>
 *   <li>{@code trajectory.png} (with --trajectory: the variants are checkpoints): collapse score and entropy over the
 *       steps, the first collapsed step marked.</li>
 * </ul>
 * Every file's path and size in pixels is printed; an existing file is kept unless --force. Files of another
 * instrument (question ids beyond MFQ-30's) are refused: their scale and items are not MFQ-30's.
 */
@Command(name = "plot", sortOptions = false,
        description = {"PNG pictures: the S-R plane, rating distributions, foundation profiles, trajectories.",
                "The S-R plane has arrows from the base coloured by verdict and the band shaded; --trajectory: collapse score and",
                "entropy over checkpoint steps. Each file's path and size is printed; an existing file is kept unless --force."})
final class PlotCommand extends Main.PmcCommand {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "where the PNG files go (default: here)")
    Path dir;
    @Option(names = "--force", description = "replace existing files")
    boolean force;
    @Option(names = "--trajectory", description = "the variants are checkpoints of one fine-tune")
    boolean trajectory;
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "BASE.csv [VARIANT.csv...]")
    List<String> paths = new ArrayList<>();

    static final int WIDTH = 1200, HEIGHT = 800;
    private static final Map<Verdict, Color> VERDICT_COLOURS = Map.of(Verdict.CONSISTENT, new Color(0x2e7d32), Verdict.DRIFTING,
            new Color(0xef6c00), Verdict.COLLAPSED, new Color(0xc62828), Verdict.INSUFFICIENT, new Color(0x757575));


    /** One input file: its metrics, its comparison with the base (null for the base), and its rating histogram. */
    record Input(Path file, String label, ComparisonCsv.Side side, Comparison comparison, long[] histogram, double[] foundationMeans) {
    }

    @Override
    int run() throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = new ArrayList<>();
        for (String a : paths) {
            Path f = Path.of(a);
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) throw new Main.UsageException("cannot read " + a + ": no such readable file");
            files.add(f);
        }
        if (files.isEmpty()) throw new Main.UsageException("give one or more rating files: pmc plot BASE.csv [VARIANT.csv...]");
        if (trajectory && files.size() < 2) throw new Main.UsageException("--trajectory needs the base file and the checkpoints' files");
        List<String> names = new ArrayList<>(List.of("sr-plane.png", "distribution.png", "foundations.png"));
        if (trajectory) names.add("trajectory.png");
        Files.createDirectories(dir);
        for (String n : names) {
            if (Files.exists(dir.resolve(n)) && !force) throw new Main.UsageException(dir.resolve(n) + " exists; --force replaces it");
        }
        List<Input> inputs = read(files, trajectory, err);
        write(chartSrPlane(inputs), dir.resolve("sr-plane.png"), WIDTH, HEIGHT, out);
        write(chartDistribution(inputs), dir.resolve("distribution.png"), WIDTH, HEIGHT * 7 / 8, out);
        write(chartFoundations(inputs), dir.resolve("foundations.png"), WIDTH, HEIGHT * 7 / 8, out);
        if (trajectory) write(chartTrajectory(inputs), dir.resolve("trajectory.png"), WIDTH, HEIGHT * 7 / 8, out);
        return 0;
    }

    static List<Input> read(List<Path> files, boolean trajectory, PrintStream err) throws IOException {
        List<Path> ordered = new ArrayList<>(List.of(files.get(0)));
        if (files.size() > 1) {
            for (CompareCommand.Step s : CompareCommand.steps(files.subList(1, files.size()), trajectory)) ordered.add(s.file());
        }
        List<Input> inputs = new ArrayList<>();
        ComparisonCsv.Side base = null;
        for (Path f : ordered) {
            List<ReferenceCsv.Row> rows;
            try {
                rows = ReferenceCsv.readRatings(f);
            } catch (IOException e) {
                throw new Main.UsageException(e.getMessage());
            }
            long[] hist = new long[Mfq30.MAX_RATING + 1];
            double[] sum = new double[Foundation.values().length];
            long[] n = new long[Foundation.values().length];
            for (ReferenceCsv.Row r : rows) {
                if (r.questionId() < 1 || r.questionId() > Mfq30.ITEMS) {
                    throw new Main.UsageException(f + ": question id " + r.questionId() + " is not an MFQ-30 item (another instrument's file? "
                            + "pmc metrics --instrument NAME reads those; plot draws MFQ-30 readings)");
                }
                if (!r.valid()) continue;
                hist[r.rating()]++;
                int fi = Mfq30.get().item(r.questionId()).foundation().ordinal();
                sum[fi] += r.rating();
                n[fi]++;
            }
            double[] means = new double[sum.length];
            for (int i = 0; i < sum.length; i++) means[i] = n[i] == 0 ? Double.NaN : sum[i] / n[i];
            ComparisonCsv.Side side = ComparisonCsv.Side.of(f);
            Comparison c = base == null ? null : ComparisonCsv.compare(base, side, Comparison.Thresholds.DEFAULT);
            if (base == null) base = side;
            String label = ReferenceCsv.modelName(f);
            if (trajectory && !inputs.isEmpty()) {
                var m = java.util.regex.Pattern.compile("step[-_]?(\\d+)", java.util.regex.Pattern.CASE_INSENSITIVE).matcher(f.getFileName().toString());
                if (m.find()) label = "step " + Long.parseLong(m.group(1));
            }
            inputs.add(new Input(f, label, side, c, hist, means));
            err.printf("read %s: S=%.3f R=%.2f%s%n", f.getFileName(), side.metrics().result().overall().susceptibility(),
                    side.metrics().result().overall().robustness(), c == null ? " (base)" : ", " + c.verdict() + (c.kind() == null ? "" : "/" + c.kind()));
        }
        return inputs;
    }

    /** S against R: the base a point, each variant an arrow from it coloured by its verdict, the band of S shaded. */
    static JFreeChart chartSrPlane(List<Input> inputs) {
        XYSeriesCollection data = new XYSeriesCollection();
        Map<Verdict, XYSeries> byVerdict = new java.util.EnumMap<>(Verdict.class);
        XYSeries baseSeries = new XYSeries("base: " + inputs.get(0).label());
        var b = inputs.get(0).side().metrics().result().overall();
        baseSeries.add(b.susceptibility(), b.robustness());
        data.addSeries(baseSeries);
        for (Input in : inputs.subList(1, inputs.size())) {
            Verdict v = in.comparison().verdictValue();
            XYSeries s = byVerdict.computeIfAbsent(v, k -> {
                XYSeries created = new XYSeries(k.wire());
                data.addSeries(created);
                return created;
            });
            var e = in.side().metrics().result().overall();
            if (Double.isFinite(e.susceptibility()) && Double.isFinite(e.robustness())) s.add(e.susceptibility(), e.robustness());
        }
        NumberAxis x = new NumberAxis("moral susceptibility S (SD over personas of the item means)");
        NumberAxis y = new NumberAxis("moral robustness R = 1 / mean within-persona SD");
        x.setAutoRangeIncludesZero(false);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesPaint(0, Color.BLACK);
        r.setSeriesShape(0, new java.awt.geom.Rectangle2D.Double(-6, -6, 12, 12));
        for (int i = 1; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, VERDICT_COLOURS.get(Verdict.valueOf(data.getSeriesKey(i).toString().toUpperCase(java.util.Locale.ROOT))));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        IntervalMarker band = new IntervalMarker(Comparison.BAND_LOW, Comparison.BAND_HIGH, new Color(0x1565c0), new BasicStroke(1f),
                null, null, 0.12f);
        band.setLabel("base-model band of S");
        band.setLabelFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 12));
        band.setLabelPaint(new Color(0x0d47a1));
        band.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP);
        band.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_CENTER);
        plot.addDomainMarker(band, Layer.BACKGROUND);
        for (Input in : inputs.subList(1, inputs.size())) {
            var e = in.side().metrics().result().overall();
            if (!Double.isFinite(e.susceptibility()) || !Double.isFinite(e.robustness())) continue;
            Color colour = VERDICT_COLOURS.get(in.comparison().verdictValue());
            boolean saturation = in.comparison().kindValue() != null && in.comparison().kindValue().name().equals("SATURATION");
            plot.addAnnotation(new Arrow(b.susceptibility(), b.robustness(), e.susceptibility(), e.robustness(), colour, saturation));
            XYTextAnnotation label = new XYTextAnnotation(in.label(), e.susceptibility(), e.robustness());
            label.setFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 11));
            label.setTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
            plot.addAnnotation(label);
        }
        // the band and every arrow in view
        double minS = Math.min(Comparison.BAND_LOW, b.susceptibility()), maxS = Math.max(Comparison.BAND_HIGH, b.susceptibility());
        double minR = b.robustness(), maxR = b.robustness();
        for (Input in : inputs) {
            var e = in.side().metrics().result().overall();
            if (Double.isFinite(e.susceptibility())) {
                minS = Math.min(minS, e.susceptibility());
                maxS = Math.max(maxS, e.susceptibility());
            }
            if (Double.isFinite(e.robustness())) {
                minR = Math.min(minR, e.robustness());
                maxR = Math.max(maxR, e.robustness());
            }
        }
        x.setRange(minS - 0.08 * (maxS - minS + 0.1), maxS + 0.15 * (maxS - minS + 0.1));
        y.setRange(minR - 0.08 * (maxR - minR + 0.1), maxR + 0.12 * (maxR - minR + 0.1));
        JFreeChart chart = new JFreeChart("S-R plane: each variant against " + inputs.get(0).label() + " (colour: verdict; dashed: saturation)",
                new java.awt.Font("SansSerif", java.awt.Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** An arrow from (x0, y0) to (x1, y1) in data coordinates, its head at the variant. */
    static final class Arrow extends AbstractXYAnnotation {
        private final double x0, y0, x1, y1;
        private final Color colour;
        private final boolean dashed;

        Arrow(double x0, double y0, double x1, double y1, Color colour, boolean dashed) {
            this.x0 = x0;
            this.y0 = y0;
            this.x1 = x1;
            this.y1 = y1;
            this.colour = colour;
            this.dashed = dashed;
        }

        @Override
        public void draw(Graphics2D g, XYPlot plot, Rectangle2D area, ValueAxis domain, ValueAxis range, int index, PlotRenderingInfo info) {
            RectangleEdge de = plot.getDomainAxisEdge(), re = plot.getRangeAxisEdge();
            double ax = domain.valueToJava2D(x0, area, de), ay = range.valueToJava2D(y0, area, re);
            double bx = domain.valueToJava2D(x1, area, de), by = range.valueToJava2D(y1, area, re);
            g.setPaint(colour);
            g.setStroke(dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{8f, 6f}, 0f) : new BasicStroke(2f));
            g.draw(new java.awt.geom.Line2D.Double(ax, ay, bx, by));
            double angle = Math.atan2(by - ay, bx - ax), head = 12;
            Path2D tip = new Path2D.Double();
            tip.moveTo(bx, by);
            tip.lineTo(bx - head * Math.cos(angle - 0.4), by - head * Math.sin(angle - 0.4));
            tip.lineTo(bx - head * Math.cos(angle + 0.4), by - head * Math.sin(angle + 0.4));
            tip.closePath();
            g.setStroke(new BasicStroke(1f));
            g.fill(tip);
        }
    }

    /** Each file's share of ratings 0..5, the base first. */
    static JFreeChart chartDistribution(List<Input> inputs) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Input in : inputs) {
            long total = java.util.Arrays.stream(in.histogram()).sum();
            for (int r = 0; r <= Mfq30.MAX_RATING; r++) data.addValue(total == 0 ? 0 : in.histogram()[r] / (double) total, in.label(), Integer.toString(r));
        }
        JFreeChart chart = org.jfree.chart.ChartFactory.createBarChart("Rating distribution (share of valid ratings; saturation piles onto 5)",
                "rating", "share of ratings", data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = (CategoryPlot) chart.getPlot();
        plot.getRenderer().setSeriesPaint(0, new Color(0x212121)); // the base in black, beside its variants
        style(plot, chart);
        return chart;
    }

    /** Each file's mean rating per moral foundation. */
    static JFreeChart chartFoundations(List<Input> inputs) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Input in : inputs) {
            for (Foundation f : Foundation.values()) data.addValue(in.foundationMeans()[f.ordinal()], in.label(), f.label);
        }
        JFreeChart chart = org.jfree.chart.ChartFactory.createLineChart("Foundation profile: mean rating per moral foundation",
                "foundation", "mean rating (0-5)", data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = (CategoryPlot) chart.getPlot();
        plot.getRenderer().setSeriesPaint(0, new Color(0x212121));
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 5);
        var r = (org.jfree.chart.renderer.category.LineAndShapeRenderer) plot.getRenderer();
        r.setDefaultShapesVisible(true);
        for (int i = 0; i < inputs.size(); i++) r.setSeriesStroke(i, new BasicStroke(i == 0 ? 3f : 2f));
        style(plot, chart);
        return chart;
    }

    /** Collapse score and entropy over checkpoint steps; the first collapsed step marked. */
    static JFreeChart chartTrajectory(List<Input> inputs) {
        XYSeries score = new XYSeries("collapse score"), entropy = new XYSeries("rating entropy (bits)");
        Double firstCollapsed = null;
        for (int i = 1; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            double step = in.label().startsWith("step ") ? Double.parseDouble(in.label().substring(5)) : i;
            score.add(step, in.comparison().collapseScore());
            entropy.add(step, in.side().metrics().result().signals().entropyBits());
            if (firstCollapsed == null && in.comparison().verdictValue() == Verdict.COLLAPSED) firstCollapsed = step;
        }
        NumberAxis x = new NumberAxis("checkpoint step");
        x.setAutoRangeIncludesZero(false);
        NumberAxis left = new NumberAxis("collapse score (1: a threshold crossed)");
        XYLineAndShapeRenderer r0 = new XYLineAndShapeRenderer(true, true);
        r0.setSeriesPaint(0, new Color(0xc62828));
        r0.setSeriesStroke(0, new BasicStroke(2.5f));
        XYPlot plot = new XYPlot(new XYSeriesCollection(score), x, left, r0);
        NumberAxis right = new NumberAxis("entropy of the ratings (bits)");
        right.setAutoRangeIncludesZero(false);
        plot.setRangeAxis(1, right);
        plot.setDataset(1, new XYSeriesCollection(entropy));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer r1 = new XYLineAndShapeRenderer(true, true);
        r1.setSeriesPaint(0, new Color(0x1565c0));
        r1.setSeriesStroke(0, new BasicStroke(2f));
        plot.setRenderer(1, r1);
        ValueMarker threshold = new ValueMarker(1.0, new Color(0x999999), new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{4f, 4f}, 0f));
        plot.addRangeMarker(threshold);
        // the base's entropy, on the entropy axis: a drop below it is the saturation signal
        ValueMarker baseEntropy = new ValueMarker(inputs.get(0).side().metrics().result().signals().entropyBits(), new Color(0x1565c0),
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{2f, 4f}, 0f));
        baseEntropy.setLabel("base entropy");
        baseEntropy.setLabelPaint(new Color(0x1565c0));
        baseEntropy.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
        baseEntropy.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
        plot.addRangeMarker(1, baseEntropy, Layer.FOREGROUND);
        if (firstCollapsed != null) {
            ValueMarker first = new ValueMarker(firstCollapsed, new Color(0xc62828), new BasicStroke(2f));
            first.setLabel("first collapsed: step " + (long) firstCollapsed.doubleValue());
            first.setLabelFont(new java.awt.Font("SansSerif", java.awt.Font.BOLD, 12));
            first.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
            first.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
            plot.addDomainMarker(first);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart("Trajectory against " + inputs.get(0).label() + (firstCollapsed == null ? ": no step collapsed" : ""),
                new java.awt.Font("SansSerif", java.awt.Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static void style(CategoryPlot plot, JFreeChart chart) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        chart.setBackgroundPaint(Color.WHITE);
    }

    private static void write(JFreeChart chart, Path file, int width, int height, PrintStream out) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
        out.println(file + " (" + width + " × " + height + " px)");
    }
}
