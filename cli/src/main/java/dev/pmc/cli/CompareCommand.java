package dev.pmc.cli;

import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.metrics.Comparison;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code pmc compare BASE.csv VARIANT.csv...}: each variant against the base, with z-scores and a verdict. */
final class CompareCommand {
    private CompareCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.size() < 2) throw new Main.UsageException("give the base file and one or more variant files");
        for (String a : args) if (!Files.isRegularFile(Path.of(a))) throw new Main.UsageException("no such file: " + a);
        FileMetrics base = FileMetrics.of(Path.of(args.get(0)));
        out.println(FileMetrics.COMPARE_HEADER);
        for (String v : args.subList(1, args.size())) {
            FileMetrics variant = FileMetrics.of(Path.of(v));
            Comparison c = Comparison.of(base.result().overall(), variant.result().overall(), Comparison.Thresholds.DEFAULT);
            out.println(FileMetrics.compareCsvLine(base, variant, c));
        }
        return 0;
    }
}
