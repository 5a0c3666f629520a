package dev.pmc.core.io;

import dev.pmc.core.Foundation;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.DistributionSignals;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.metrics.SelfProfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Offline metrics of one reference-format CSV file (S, R, ū and the distribution signals with bootstrap SEs, and
 * the file's personas in canonical order), and the CSV lines {@code pmc metrics} prints.
 */
public record FileMetrics(String file, String model, MetricsResult result, List<PersonaStats> personas) {
    /** The distribution signals' columns, in the order of {@link #signalValues(DistributionSignals)}. */
    public static final String SIGNAL_COLUMNS =
            "ceiling_share,ceiling_share_se,floor_share,floor_share_se,entropy_bits,entropy_bits_se,mode_share,mode_share_se";
    public static final String HEADER =
            "file,model,personas,questions,susceptibility,susceptibility_se,robustness,robustness_se,within_sd,within_sd_se,"
                    + SIGNAL_COLUMNS + ",verdict";
    public static final String FOUNDATION_HEADER =
            "file,model,foundation,susceptibility,susceptibility_se,robustness,robustness_se,within_sd,within_sd_se," + SIGNAL_COLUMNS;
    public static final String SELF_HEADER = "file,model,ratings,ceiling_share,"
            + String.join(",", Arrays.stream(Foundation.values()).map(f -> f.key + "_mean," + f.key + "_mean_se").toList())
            + ",ceiling_share_se,floor_share,floor_share_se,entropy_bits,entropy_bits_se,mode_share,mode_share_se";

    public static FileMetrics of(Path file) throws IOException {
        List<ReferenceCsv.Row> rows = ReferenceCsv.readRatings(file);
        String model = ReferenceCsv.modelName(file);
        Map<Integer, PersonaStats> stats = ReferenceCsv.toPersonaStats(rows, model);
        List<PersonaStats> ordered = new ArrayList<>(stats.values());
        ordered.sort(PersonaStats.CANONICAL_ORDER);
        return new FileMetrics(file.getFileName().toString(), model, Bootstrap.compute(ordered, Bootstrap.DEFAULT_SEED), List.copyOf(ordered));
    }

    /** The self (no persona) profile of a reference self file. */
    public static SelfProfile selfProfile(Path file) throws IOException {
        List<ReferenceCsv.Row> rows = ReferenceCsv.read(file);
        PersonaStats self = new PersonaStats(ReferenceCsv.modelName(file), "file", "self");
        for (ReferenceCsv.Row r : rows) if (r.valid()) self.addValid(r.questionId(), r.runIndex(), r.rating());
        return SelfProfile.of(self);
    }

    /** The sibling self file of a persona file (NAME.csv → NAME_self.csv), or null when there is none. */
    public static Path selfFileOf(Path personaFile) {
        return personaFile.getFileName().toString().endsWith("_self.csv") ? null : siblingOf(personaFile, "_self");
    }

    /** The existing sibling NAME{suffix}.csv of NAME.csv (e.g. "_self", "_probe"), or null. */
    public static Path siblingOf(Path personaFile, String suffix) {
        String name = personaFile.getFileName().toString();
        if (!name.endsWith(".csv")) return null;
        Path sibling = personaFile.resolveSibling(name.substring(0, name.length() - 4) + suffix + ".csv");
        return java.nio.file.Files.isRegularFile(sibling) ? sibling : null;
    }

    public static String selfCsvLine(Path file, SelfProfile p) {
        return selfCsvLine(file.getFileName().toString(), ReferenceCsv.modelName(file), p.ratings(), p.ceilingShare(),
                p.foundationMean(), p.foundationMeanSe(), p.signals());
    }

    /** One line under {@link #SELF_HEADER}. */
    public static String selfCsvLine(String file, String model, long ratings, double ceilingShare, Map<Foundation, Double> means,
                                     Map<Foundation, Double> meanSes, DistributionSignals s) {
        StringBuilder sb = new StringBuilder(file).append(',').append(model).append(',').append(ratings).append(',').append(num(ceilingShare));
        for (Foundation f : Foundation.values()) sb.append(',').append(num(means.get(f))).append(',').append(num(meanSes.get(f)));
        sb.append(',').append(num(s.ceilingShareSe())).append(',').append(num(s.floorShare())).append(',').append(num(s.floorShareSe()))
                .append(',').append(num(s.entropyBits())).append(',').append(num(s.entropyBitsSe())).append(',').append(num(s.modeShare()))
                .append(',').append(num(s.modeShareSe()));
        return sb.toString();
    }

    /** The file's line under {@link #HEADER}; its verdict is the band's (a file has no baseline here). */
    public String csvLine() {
        return csvLine(file, model, result.personas(), result.questions(), result.overall(), result.signals(),
                Comparison.bandOnly(result, Comparison.Thresholds.DEFAULT).verdict());
    }

    /** One line under {@link #HEADER}. */
    public static String csvLine(String file, String model, int personas, int questions, Estimate e, DistributionSignals s, String verdict) {
        return String.join(",", file, model, Integer.toString(personas), Integer.toString(questions),
                num(e.susceptibility()), num(e.susceptibilitySe()), num(e.robustness()), num(e.robustnessSe()),
                num(e.withinSd()), num(e.withinSdSe()), signalValues(s), verdict);
    }

    public String foundationCsvLine(Foundation f) {
        Estimate e = result.perFoundation().get(f);
        return String.join(",", file, model, f.label, num(e.susceptibility()), num(e.susceptibilitySe()),
                num(e.robustness()), num(e.robustnessSe()), num(e.withinSd()), num(e.withinSdSe()),
                signalValues(result.signalsPerFoundation().get(f)));
    }

    /** The values under {@link #SIGNAL_COLUMNS}. */
    public static String signalValues(DistributionSignals s) {
        return String.join(",", num(s.ceilingShare()), num(s.ceilingShareSe()), num(s.floorShare()), num(s.floorShareSe()),
                num(s.entropyBits()), num(s.entropyBitsSe()), num(s.modeShare()), num(s.modeShareSe()));
    }

    /** Shortest round-trip decimal (like Python's repr); empty for NaN (not computed). */
    public static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }
}
