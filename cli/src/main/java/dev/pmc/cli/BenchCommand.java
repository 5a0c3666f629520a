package dev.pmc.cli;

import dev.pmc.stack.ServiceProcess;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pmc bench …}: the benchmarks, one subcommand each; the end-to-end one and the helpers the others share live here. */
@Command(name = "bench", synopsisSubcommandLabel = "BENCHMARK",
        description = "Benchmarks; figures and how they were taken in docs/BENCHMARKS.md.",
        subcommands = {BenchCommand.E2e.class, GatewayBench.Cli.class, ScaleBench.class, CostBench.class, SoakBench.class,
                BenchCommand.Jmh.Parser.class, BenchCommand.Jmh.Bootstrap.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark");
    }

    /** JMH micro-benchmarks: bin/pmc runs them from the benchmarks module's jar (these entries give them usage and completion). */
    static final class Jmh {
        @Command(name = "parser", description = "JMH: the rating parser (run through bin/pmc; JMH options follow)")
        static final class Parser extends Main.PmcCommand {
            @Override
            int run() {
                throw new Main.UsageException("JMH benchmarks run from benchmarks/target/pmc-benchmarks.jar: use bin/pmc bench parser");
            }
        }

        @Command(name = "bootstrap", description = "JMH: bootstrap SEs (run through bin/pmc; JMH options follow)")
        static final class Bootstrap extends Main.PmcCommand {
            @Override
            int run() {
                throw new Main.UsageException("JMH benchmarks run from benchmarks/target/pmc-benchmarks.jar: use bin/pmc bench bootstrap");
            }
        }
    }

    /**
     * {@code pmc bench e2e}: a fresh stack on free ports (provider latency 0), then one 100-persona × 30-item × n sim-base
     * run per round, timed from submission until the aggregator has counted every slot. Reports the time at which each
     * stage had handled every slot (so its events/s), and per process the CPU seconds used during the round and the peak RSS.
     */
    @Command(name = "e2e", description = "Time one 100-persona run through a fresh stack (provider latency 0).")
    static final class E2e extends Main.PmcCommand {
        @Option(names = "--n", paramLabel = "N", defaultValue = "10", description = "ratings per persona and item (default 10)")
        int n;
        @Option(names = "--rounds", paramLabel = "K", defaultValue = "2", description = "runs, the first with cold JVMs (default 2)")
        int rounds;

        @Override
        int run() throws Exception {
            return e2e(n, rounds, out, err);
        }
    }

    static int e2e(int n, int rounds, PrintStream out, PrintStream err) throws Exception {
        Path root = ServiceProcess.projectRoot();
        Path dir = Files.createTempDirectory("pmc-bench-");
        Stack.Config config = Stack.Config.defaults(root).withFreePorts(dir).withSimLatency(0);
        long t0 = System.nanoTime();
        try (Stack stack = Stack.start(config, err)) {
            out.printf(Locale.ROOT, "stack started in %.1f s (%d cores, Java %s)%n", (System.nanoTime() - t0) / 1e9,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            for (int round = 1; round <= rounds; round++) {
                out.printf("%n## round %d%s%n", round, round == 1 ? " (cold JVMs)" : "");
                round(stack, n, out);
            }
        }
        return 0;
    }

    private static void round(Stack stack, int n, PrintStream out) throws Exception {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("pmc (driver)", ProcessHandle.current().pid());
        stack.processes().forEach((k, v) -> pids.put(k, v.pid()));
        Map<String, Double> cpu0 = new LinkedHashMap<>();
        Map<String, Map<String, Long>> jit0 = new LinkedHashMap<>();
        pids.forEach((k, pid) -> cpu0.put(k, cpuSeconds(pid)));
        pids.forEach((k, pid) -> jit0.put(k, compilerTicks(pid)));
        double gw0 = counter(stack.url("model-gateway"), "pmc_gateway_responses_total");
        double calls0 = counter(stack.url("model-gateway"), "pmc_gateway_requests_total");
        double sc0 = counter(stack.url("response-scorer"), "pmc_scorer_outcomes_total");

        RunWatch watch = new RunWatch(stack.url("metrics-aggregator"));
        long start = System.nanoTime();
        RunWatch.Tracked run = watch.submit(stack.url("prompt-generator"), RunWatch.runRequest("sim-base", "default", n, null));
        double tGen = Double.NaN, tGw = Double.NaN, tSc = Double.NaN, tAgg;
        // the probes are part of the load: a Prometheus scrape of a service costs it milliseconds of CPU (hundreds of
        // Kafka client meters), so the stages' counters are read only once everything is published, and the
        // aggregator's view every 250 ms (the run record, a map lookup, every 100 ms)
        long polls = 0;
        while (true) {
            double t = (System.nanoTime() - start) / 1e9;
            if (Double.isNaN(tGen)) {
                var r = Http.get(stack.url("prompt-generator") + "/api/v1/runs/" + run.runId).json();
                if (r.path("published").asLong() >= run.slots) tGen = t;
            }
            if (!Double.isNaN(tGen) && polls % 2 == 0) {
                if (Double.isNaN(tGw) && counter(stack.url("model-gateway"), "pmc_gateway_responses_total") - gw0 >= run.slots) tGw = t;
                if (Double.isNaN(tSc) && counter(stack.url("response-scorer"), "pmc_scorer_outcomes_total") - sc0 >= run.slots) tSc = t;
            }
            if (polls++ % 3 == 0 || !Double.isNaN(tGen)) watch.poll();
            if (run.done()) {
                tAgg = t;
                break;
            }
            if (t > 900) throw new IllegalStateException("run not complete after 900 s: " + RunWatch.line(run));
            Thread.sleep(80);
        }
        out.printf(Locale.ROOT, "sim-base run %s: %d slots, submission to final metrics %.1f s; S=%.4f R=%.3f personas=%d%n",
                run.runId, run.slots, tAgg, run.s, run.r, run.personas);
        // sim-base asks a cell's repetitions in one call (choicesPerCall): fewer HTTP calls than slots
        out.printf(Locale.ROOT, "provider calls: %.0f for %d slots%n", counter(stack.url("model-gateway"), "pmc_gateway_requests_total") - calls0, run.slots);
        out.println();
        out.println("| stage | all slots done at (s) | events/s |");
        out.println("|---|---|---|");
        stage(out, "prompt-generator (published)", tGen, run.slots);
        stage(out, "model-gateway (answered)", tGw, run.slots);
        stage(out, "response-scorer (scored)", tSc, run.slots);
        stage(out, "metrics-aggregator (counted)", tAgg, run.slots);
        out.println();
        // JIT: CPU of the JVM's compiler threads within it; a round is warm when they are nearly idle
        out.println("| process | CPU s in round | of which JIT | peak RSS (MiB) |");
        out.println("|---|---|---|---|");
        double total = 0, totalJit = 0;
        for (var p : pids.entrySet()) {
            double cpu = cpuSeconds(p.getValue()) - cpu0.get(p.getKey());
            double jit = compilerCpuSecondsSince(p.getValue(), jit0.get(p.getKey()));
            total += cpu;
            totalJit += jit;
            out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %d |%n", p.getKey(), cpu, jit, peakRssKb(p.getValue()) / 1024);
        }
        // on a machine with C cores the wall time cannot fall below total / C
        out.printf(Locale.ROOT, "| all (%d cores) | %.1f | %.1f | |%n", Runtime.getRuntime().availableProcessors(), total, totalJit);
    }

    private static void stage(PrintStream out, String name, double t, long slots) {
        if (Double.isNaN(t)) out.printf(Locale.ROOT, "| %s | not seen (done before the aggregator) | |%n", name);
        else out.printf(Locale.ROOT, "| %s | %.2f | %.0f |%n", name, t, slots / t);
    }

    /** Sum of every sample of a metric family in a Prometheus exposition. */
    static double counter(String baseUrl, String name) throws IOException {
        double sum = 0;
        for (String line : Http.get(baseUrl + "/q/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** utime + stime of a Linux process, in seconds (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime (clock ticks) of a /proc stat line, a process's or a thread's. */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * CPU seconds of a process's JIT compiler threads since {@code before} (from {@link #compilerTicks}). The JVM starts and
     * stops compiler threads as the queue grows and shrinks: a thread that ended meanwhile takes its CPU with it (an
     * undercount), a thread started meanwhile counts from zero.
     */
    static double compilerCpuSecondsSince(long pid, Map<String, Long> before) {
        long ticks = 0;
        for (var t : compilerTicks(pid).entrySet()) ticks += t.getValue() - before.getOrDefault(t.getKey(), 0L);
        return ticks / 100.0;
    }

    /** utime + stime per thread id of a Linux process's JIT compiler threads ("C2 CompilerThre…", "C1 CompilerThre…"). */
    static Map<String, Long> compilerTicks(long pid) {
        Map<String, Long> out = new java.util.HashMap<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (!comm.startsWith("C2 Compiler") && !comm.startsWith("C1 Compiler")) continue;
                    out.put(task.getFileName().toString(), ticks(stat));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended: no compiler threads
        }
        return out;
    }

    /** VmHWM (peak resident set) of a Linux process, in KiB. */
    static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }
}
