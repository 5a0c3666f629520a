package dev.pmc.cli;

import dev.pmc.core.io.ComparisonCsv;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.Verdict;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.InstrumentFile;
import dev.pmc.core.io.SelfReport;
import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.io.ReferenceCsv;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code pmc compare [--trajectory] BASE.csv VARIANT.csv...}: each variant against the base, with z-scores, the
 * distribution and divergence signals, the collapse score and the verdict (sibling {@code _self.csv} files add
 * the self signals; sibling {@code _probe.csv} files, answers to the self-assessment probe, add {@code self_report}:
 * coherent, inverted, self_critical or unknown, see {@code SelfReport}). With {@code --trajectory} the variants are checkpoints of one fine-tune: a {@code step} column
 * leads each line (the number after "step" in the file name, else the position), lines go in step order, and the
 * first step whose verdict is collapsed is reported on stderr.
 */
@Command(name = "compare",
        description = {"Each variant against the base: ratios, z-scores, signals, collapse score, verdict and kind.",
                "Ratios and Δ%% per metric; sibling NAME_self.csv files add the self signals, NAME_probe.csv beside a variant adds",
                "self_report. --trajectory: checkpoints of one fine-tune in step order, and the first step whose verdict is collapsed."})
final class CompareCommand extends Main.PmcCommand {
    private static final Pattern STEP = Pattern.compile("step[-_]?(\\d+)", Pattern.CASE_INSENSITIVE);

    @Option(names = "--trajectory", description = "the variants are checkpoints of one fine-tune")
    boolean trajectory;
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "BASE.csv then VARIANT.csv...")
    List<String> paths = new ArrayList<>();

    static final String PROBE_COLUMNS = "self_report,self_report_claim,self_report_claim_se";

    /** The sibling probe file of a persona file (NAME.csv → NAME_probe.csv), or null. */
    static Path probeFileOf(Path personaFile) {
        return FileMetrics.siblingOf(personaFile, "_probe");
    }

    /** self_report (coherent, inverted, self_critical, unknown; empty without a probe file), the keyed claim and its SE. */
    static String selfReportColumns(Instrument probe, Comparison c, Path probeFile) throws java.io.IOException {
        if (probeFile == null) return ",,";
        var score = SelfReport.score(probe, ReferenceCsv.readRatings(probeFile));
        var kind = SelfReport.classify(c.verdictValue(), score, probe);
        return kind.wire() + "," + MetricsCommand.fixed(score.keyedMean()) + "," + MetricsCommand.fixed(score.se());
    }

    /** A variant and its step: the number after "step" in its name, null for none (or position without --trajectory). */
    record Step(Long step, Path file) {
        String label() {
            return step == null ? "" : step.toString();
        }

        String describe() {
            return (step == null ? "" : step + " ") + "(" + file.getFileName() + ")";
        }
    }

    @Override
    int run() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String a : paths) {
            if (!Files.isRegularFile(Path.of(a))) throw new Main.UsageException("no such file: " + a);
            files.add(Path.of(a));
        }
        if (files.size() < 2) throw new Main.UsageException("give the base file and one or more variant files");
        ComparisonCsv.Side base = ComparisonCsv.Side.of(files.get(0));
        List<Step> steps = steps(files.subList(1, files.size()), trajectory);
        // self-assessment probe answers beside a variant (NAME_probe.csv) add the self_report columns
        boolean probes = steps.stream().anyMatch(st -> probeFileOf(st.file()) != null);
        var probe = probes ? InstrumentFile.builtIn("self-probe") : null;
        String header = ComparisonCsv.HEADER + (probes ? "," + PROBE_COLUMNS : "");
        out.println(trajectory ? "step," + header : header);
        Step firstCollapsed = null, firstDrifting = null;
        for (Step s : steps) {
            if (trajectory) err.printf("step %s: %s%n", s.label().isEmpty() ? "-" : s.label(), s.file().getFileName());
            ComparisonCsv.Side variant = ComparisonCsv.Side.of(s.file());
            Comparison c = ComparisonCsv.compare(base, variant, Comparison.Thresholds.DEFAULT);
            String line = ComparisonCsv.line(base, variant, c);
            if (probes) line += "," + selfReportColumns(probe, c, probeFileOf(s.file()));
            out.println(trajectory ? s.label() + "," + line : line);
            if (c.verdictValue() == Verdict.COLLAPSED && firstCollapsed == null) firstCollapsed = s;
            if (c.verdictValue() != Verdict.CONSISTENT && c.verdictValue() != Verdict.INSUFFICIENT && firstDrifting == null) firstDrifting = s;
        }
        if (trajectory) {
            err.println(firstDrifting == null ? "no step drifts or collapses" : "first step drifting or collapsed: " + firstDrifting.describe());
            err.println(firstCollapsed == null ? "no step is collapsed" : "first collapsed step: " + firstCollapsed.describe());
        }
        return 0;
    }

    /**
     * With --trajectory: variants with "stepNNN" in their name in step order, then the others in the order given
     * (step empty). Without: every variant in the order given.
     */
    static List<Step> steps(List<Path> variants, boolean trajectory) {
        List<Step> numbered = new ArrayList<>(), rest = new ArrayList<>();
        for (Path p : variants) {
            Matcher m = STEP.matcher(p.getFileName().toString());
            if (trajectory && m.find()) numbered.add(new Step(Long.parseLong(m.group(1)), p));
            else rest.add(new Step(null, p));
        }
        numbered.sort(Comparator.comparingLong(Step::step));
        numbered.addAll(rest);
        return numbered;
    }
}
