package dev.pmc.cli;

import dev.pmc.core.Foundation;
import dev.pmc.core.io.FileMetrics;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pmc metrics [--per-foundation | --self] FILE...}: offline S, R, ū with bootstrap SEs of reference-format
 * CSV files, per foundation, or the self (no persona) profile of self files.
 */
final class MetricsCommand {
    private MetricsCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        boolean perFoundation = args.contains("--per-foundation");
        boolean self = args.contains("--self");
        if (perFoundation && self) throw new Main.UsageException("--per-foundation and --self exclude each other");
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                if (!a.equals("--per-foundation") && !a.equals("--self")) throw new Main.UsageException("unknown option " + a);
                continue;
            }
            Path p = Path.of(a);
            if (!Files.isRegularFile(p)) throw new Main.UsageException("no such file: " + a);
            files.add(p);
        }
        if (files.isEmpty()) throw new Main.UsageException("give one or more reference-format CSV files");
        if (self) {
            out.println(FileMetrics.SELF_HEADER);
            for (Path f : files) out.println(FileMetrics.selfCsvLine(f, FileMetrics.selfProfile(f)));
            return 0;
        }
        out.println(perFoundation ? FileMetrics.FOUNDATION_HEADER : FileMetrics.HEADER);
        for (Path f : files) {
            FileMetrics m = FileMetrics.of(f);
            if (perFoundation) {
                for (Foundation fd : Foundation.values()) out.println(m.foundationCsvLine(fd));
            } else {
                out.println(m.csvLine());
            }
        }
        return 0;
    }
}
