package dev.pmc.bench;

import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.core.metrics.Bootstrap;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.MoralMetrics;
import dev.pmc.core.metrics.PersonaStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S, R and ū with both bootstraps (2000 persona + 400 response draws) on one 100 × 30 × 10 file, as the
 * aggregator computes them on a metrics refresh. File: -Dpmc.bench.file (default the published GPT-4o base).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BootstrapBenchmark {
    private List<PersonaStats> personas;
    private Path file;

    @Setup
    public void load() throws Exception {
        file = Path.of(System.getProperty("pmc.bench.file", "../shared/reference-data/gpt-4o_temp01.csv"));
        personas = new ArrayList<>(ReferenceCsv.toPersonaStats(ReferenceCsv.read(file), "bench").values());
        personas.sort(PersonaStats.CANONICAL_ORDER);
    }

    @Benchmark
    public MetricsResult pointEstimates() {
        return MoralMetrics.compute(personas);
    }

    /** Like the pandas comparison: read the CSV, then S, R, ū and both bootstraps. */
    @Benchmark
    public FileMetrics wholeFile() throws Exception {
        return FileMetrics.of(file);
    }

    @Benchmark
    public MetricsResult withBothBootstraps() {
        return Bootstrap.compute(personas, Bootstrap.DEFAULT_SEED);
    }
}
