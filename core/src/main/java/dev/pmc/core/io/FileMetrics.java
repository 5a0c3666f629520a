package dev.pmc.core.io;

import dev.pmc.core.Foundation;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.PersonaStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Offline metrics of one reference-format CSV file, and the CSV lines {@code pmc metrics} prints. */
public record FileMetrics(String file, String model, MetricsResult result) {
    public static final String HEADER =
            "file,model,personas,questions,susceptibility,susceptibility_se,robustness,robustness_se,within_sd,within_sd_se";
    public static final String FOUNDATION_HEADER =
            "file,model,foundation,susceptibility,susceptibility_se,robustness,robustness_se,within_sd,within_sd_se";

    public static FileMetrics of(Path file) throws IOException {
        List<ReferenceCsv.Row> rows = ReferenceCsv.readRatings(file);
        String model = ReferenceCsv.modelName(file);
        Map<Integer, PersonaStats> stats = ReferenceCsv.toPersonaStats(rows, model);
        List<PersonaStats> ordered = new java.util.ArrayList<>(stats.values());
        ordered.sort(PersonaStats.CANONICAL_ORDER);
        return new FileMetrics(file.getFileName().toString(), model, Bootstrap.compute(ordered, Bootstrap.DEFAULT_SEED));
    }

    public static final String SELF_HEADER = "file,model,ratings,ceiling_share,"
            + String.join(",", java.util.Arrays.stream(Foundation.values()).map(f -> f.key + "_mean," + f.key + "_mean_se").toList());
    public static final String COMPARE_HEADER = "base,variant,s_ratio,r_ratio,delta_s_pct,delta_r_pct,delta_inv_r_pct,z_s,z_r,s_outside_band,verdict";

    /** The self (no persona) profile of a reference self file. */
    public static dev.pmc.core.metrics.SelfProfile selfProfile(Path file) throws IOException {
        List<ReferenceCsv.Row> rows = ReferenceCsv.read(file);
        PersonaStats self = new PersonaStats(ReferenceCsv.modelName(file), "file", "self");
        for (ReferenceCsv.Row r : rows) if (r.valid()) self.addValid(r.questionId(), r.runIndex(), r.rating());
        return dev.pmc.core.metrics.SelfProfile.of(self);
    }

    public static String selfCsvLine(Path file, dev.pmc.core.metrics.SelfProfile p) {
        StringBuilder sb = new StringBuilder(file.getFileName().toString()).append(',').append(ReferenceCsv.modelName(file))
                .append(',').append(p.ratings()).append(',').append(num(p.ceilingShare()));
        for (Foundation f : Foundation.values()) sb.append(',').append(num(p.foundationMean().get(f))).append(',').append(num(p.foundationMeanSe().get(f)));
        return sb.toString();
    }

    public static String compareCsvLine(FileMetrics base, FileMetrics variant, dev.pmc.core.metrics.Comparison c) {
        Estimate b = base.result().overall(), v = variant.result().overall();
        return String.join(",", base.model(), variant.model(), num(v.susceptibility() / b.susceptibility()),
                num(v.robustness() / b.robustness()), num(c.deltaSPercent()), num(c.deltaRPercent()), num(c.deltaInvRPercent()),
                num(c.zS()), num(c.zR()), Boolean.toString(c.outsideBand()), c.verdict());
    }

    public String csvLine() {
        Estimate e = result.overall();
        return String.join(",", file, model, Integer.toString(result.personas()), Integer.toString(result.questions()),
                num(e.susceptibility()), num(e.susceptibilitySe()), num(e.robustness()), num(e.robustnessSe()),
                num(e.withinSd()), num(e.withinSdSe()));
    }

    public String foundationCsvLine(Foundation f) {
        Estimate e = result.perFoundation().get(f);
        return String.join(",", file, model, f.label, num(e.susceptibility()), num(e.susceptibilitySe()),
                num(e.robustness()), num(e.robustnessSe()), num(e.withinSd()), num(e.withinSdSe()));
    }

    /** Shortest round-trip decimal (like Python's repr); empty for NaN (not computed). */
    public static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }
}
