package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.stack.ServiceProcess;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code pmc bench soak [--runs 1000] [--every 1s] [--personas toxic] [--n 2]}: a fresh stack whose scheduler runs one
 * small target again and again (by default 10 personas × 30 items × 2 = 600 slots a run, as often as it can, every
 * second at most), to show that the aggregator's memory and its cost per refresh stay flat as runs accumulate: at
 * checkpoints (runs 10, 100, 250, 500, 1000) it prints the aggregator's live heap after the last major collection, heap
 * in use, the personas and runs it holds (retention bounds them), the CPU seconds it spent per one-second refresh over
 * the last 30 s, the duration of its last refresh, and the prompt-generator's runs held.
 */
@Command(name = "soak", description = "Many scheduled runs through one stack: memory, lag, restarts.")
final class SoakBench extends Main.PmcCommand {
    @Option(names = "--runs", paramLabel = "N", defaultValue = "1000", description = "runs to make (default 1000)")
    int runs;
    @Option(names = "--every", paramLabel = "DURATION", defaultValue = "1s", description = "schedule period (default 1s)")
    String every;
    @Option(names = "--personas", paramLabel = "SET", defaultValue = "toxic", description = "persona set (default toxic)")
    String personas;
    @Option(names = "--n", paramLabel = "N", defaultValue = "2", description = "ratings per persona and item (default 2)")
    int n;


    @Override
    int run() throws Exception {
        Path dir = Files.createTempDirectory("pmc-soak-");
        System.setProperty("pmc.schedule.min-seconds", "1");   // the registry refuses periods under 10 s otherwise
        Stack.Config config = Stack.Config.defaults(ServiceProcess.projectRoot()).withFreePorts(dir).withSimLatency(0);
        try (Stack stack = Stack.start(config, err)) {
            String gen = stack.url("prompt-generator"), agg = stack.url("metrics-aggregator");
            Http.Reply r = Http.putJson(gen + "/api/v1/targets/soak", "{\"model\":\"sim-base\",\"personas\":\"" + personas + "\",\"n\":" + n
                    + ",\"schedule\":{\"every\":\"" + every + "\"}}");
            if (r.status() != 200) throw new IllegalStateException("cannot register the soak target: " + r.body());
            out.printf(Locale.ROOT, "soak: %s personas x 30 x %d every %s, %d runs (%d cores, Java %s)%n", personas, n, every, runs,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            out.println();
            out.println("| complete runs | elapsed (s) | aggregator live heap after GC (MiB) | heap used (MiB) | personas held | runs cached | CPU s per refresh (30 s mean) | last refresh (ms) | generator runs held |");
            out.println("|---|---|---|---|---|---|---|---|---|");
            Set<String> completed = new HashSet<>();
            List<Integer> checkpoints = List.of(10, 100, 250, 500, 1000, 2000, 5000);
            int next = 0;
            long t0 = System.currentTimeMillis(), lastReport = 0;
            long aggPid = stack.processes().get("metrics-aggregator").pid();
            while (completed.size() < runs) {
                JsonNode page = Http.get(gen + "/api/v1/runs?target=soak&state=completed&limit=100").json();
                for (JsonNode run : page.path("runs")) completed.add(run.path("runId").asText());
                while (next < checkpoints.size() && completed.size() >= checkpoints.get(next) && checkpoints.get(next) <= runs) {
                    double cpu0 = BenchCommand.cpuSeconds(aggPid);
                    Thread.sleep(30_000);
                    double perRefresh = (BenchCommand.cpuSeconds(aggPid) - cpu0) / 30.0;
                    String m = Http.get(agg + "/q/metrics").body();
                    out.printf(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %.0f | %.0f | %.3f | %.1f | %.0f |%n", checkpoints.get(next),
                            (System.currentTimeMillis() - t0) / 1000.0, sample(m, "jvm_gc_live_data_size_bytes") / (1 << 20),
                            sum(m, "jvm_memory_used_bytes{area=\"heap\"") / (1 << 20), sample(m, "pmc_aggregator_personas_held"),
                            sample(m, "pmc_aggregator_runs_cached"), perRefresh, sample(m, "pmc_aggregator_refresh_duration_seconds") * 1000,
                            BenchCommand.counter(gen, "pmc_generator_runs_held"));
                    next++;
                }
                if (System.currentTimeMillis() - lastReport > 60_000) {
                    err.printf(Locale.ROOT, "soak: %d runs complete after %.0f s%n", completed.size(), (System.currentTimeMillis() - t0) / 1000.0);
                    lastReport = System.currentTimeMillis();
                }
                Thread.sleep(1000);
            }
        }
        return 0;
    }

    private static double sample(String exposition, String name) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return Double.NaN;
    }

    private static double sum(String exposition, String prefix) {
        double s = 0;
        for (String line : exposition.split("\n")) if (line.startsWith(prefix)) s += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        return s;
    }
}
