package dev.pmc.core.io;

import dev.pmc.core.Foundation;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.MoralMetrics;
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
        List<ReferenceCsv.Row> rows = ReferenceCsv.read(file);
        String model = ReferenceCsv.modelName(file);
        Map<Integer, PersonaStats> stats = ReferenceCsv.toPersonaStats(rows, model);
        return new FileMetrics(file.getFileName().toString(), model, MoralMetrics.compute(stats.values()));
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
        return Double.toString(v).toLowerCase(Locale.ROOT).replace("e", "e");
    }
}
