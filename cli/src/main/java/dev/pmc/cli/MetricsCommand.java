package dev.pmc.cli;

import dev.pmc.core.Foundation;
import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.InstrumentFile;
import dev.pmc.core.io.InstrumentMetrics;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code pmc metrics [--per-foundation | --self] [--instrument NAME [--instruments-dir DIR]] FILE...}: offline S, R, ū
 * with bootstrap SEs of reference-format CSV files, per foundation, or the self (no persona) profile of self files.
 * With another instrument than MFQ-30 (e.g. bfi44), S, R, ū and the keyed score with SEs overall and per group.
 */
@Command(name = "metrics", sortOptions = false,
        description = {"S, R, ū, distribution signals and bootstrap SEs of rating files, with the band's verdict, as CSV.",
                "Files are reference-format CSV. --self: the self (no persona) profile: ceiling share, foundation means, signals.",
                "--instrument bfi44: another instrument's reading: S, R, ū and the keyed score with SEs overall and per group."})
final class MetricsCommand extends Main.PmcCommand {
    @Option(names = "--per-foundation", description = "one line per moral foundation as well")
    boolean perFoundation;
    @Option(names = "--self", description = "files are self (no persona) ratings: print their profile")
    boolean self;
    @Option(names = "--instrument", paramLabel = "NAME", defaultValue = "mfq30", description = "mfq30 (default), bfi44, self-probe or one from --instruments-dir")
    String instrumentName;
    @Option(names = "--instruments-dir", paramLabel = "DIR", description = "a directory of instrument files to add")
    String instrumentsDir;
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "reference-format CSV files")
    List<String> paths = new ArrayList<>();

    /** The columns of a reading of another instrument than MFQ-30: one line for all items, then one per group. */
    static final String INSTRUMENT_HEADER = "file,instrument,group,personas,valid_ratings,invalid_ratings,susceptibility,susceptibility_se,"
            + "robustness,robustness_se,within_sd,within_sd_se,score,score_se";

    @Override
    int run() throws Exception {
        if (perFoundation && self) throw new Main.UsageException("--per-foundation and --self exclude each other");
        List<Path> files = new ArrayList<>();
        for (String a : paths) {
            Path p = Path.of(a);
            if (!Files.isRegularFile(p)) throw new Main.UsageException("no such file: " + a);
            files.add(p);
        }
        if (files.isEmpty()) throw new Main.UsageException("give one or more reference-format CSV files");
        // MFQ-30's reading needs no instrument file: reading them (JSON) would load Jackson's ~400 classes for nothing
        if (!instrumentName.equals("mfq30") || instrumentsDir != null) {
            var instruments = InstrumentFile.all(instrumentsDir == null ? null : Path.of(instrumentsDir));
            var instrument = instruments.get(instrumentName);
            if (instrument == null) throw new Main.UsageException("no instrument '" + instrumentName + "'; known: " + instruments.keySet()
                    + (instrumentsDir == null ? " (--instruments-dir DIR adds files)" : ""));
            if (!instrumentName.equals("mfq30")) return otherInstrument(instrument, files);
        }
        if (self) {
            out.println(FileMetrics.SELF_HEADER);
            for (Path f : files) out.println(FileMetrics.selfCsvLine(f, FileMetrics.selfProfile(f)));
            return 0;
        }
        out.println(perFoundation ? FileMetrics.FOUNDATION_HEADER : FileMetrics.HEADER);
        // Two files at a time, printed in order: while one file is read and summed (one thread) the other core would
        // idle; a second file's work fills it (24 files: docs/BENCHMARKS.md). Each reading is seeded: same output.
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<FileMetrics>> readings = new ArrayList<>();
            for (Path f : files) readings.add(pool.submit(() -> FileMetrics.of(f)));
            for (Future<FileMetrics> reading : readings) {
                FileMetrics m;
                try {
                    m = reading.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                if (perFoundation) {
                    for (Foundation fd : Foundation.values()) out.println(m.foundationCsvLine(fd));
                } else {
                    out.println(m.csvLine());
                }
            }
            return 0;
        } finally {
            pool.shutdownNow(); // after a broken file, the readings still queued are not needed
        }
    }

    /** Another instrument's reading: one line for all items, then one per group. */
    private int otherInstrument(Instrument instrument, List<Path> files) throws Exception {
        // every group is printed; the MFQ-only views (self profile, distribution signals) are MFQ-30's
        if (self || perFoundation) throw new Main.UsageException("--self and --per-foundation are for mfq30; other instruments print every group");
        out.println(INSTRUMENT_HEADER);
        for (Path f : files) {
            var r = InstrumentMetrics.ofFile(instrument, f, InstrumentMetrics.DEFAULT_SEED);
            r.groups().forEach((g, e) -> out.println(String.join(",", f.getFileName().toString(), instrument.name(), g,
                    Integer.toString(r.personas()), Long.toString(r.validRatings()), Long.toString(r.invalidRatings()),
                    fixed(e.susceptibility()), fixed(e.susceptibilitySe()), fixed(e.robustness()), fixed(e.robustnessSe()), fixed(e.withinSd()),
                    fixed(e.withinSdSe()), fixed(e.score()), fixed(e.scoreSe()))));
        }
        return 0;
    }

    /** Six decimals, empty when not finite: the columns of instrument readings and self reports. */
    static String fixed(double v) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.6f", v) : "";
    }
}
