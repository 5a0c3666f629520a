package dev.pmc.cli;

import dev.pmc.stack.ServiceProcess;
import dev.pmc.core.Names;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.security.BaseUrlPolicy;
import dev.pmc.core.targets.Intervals;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pmc up}: starts the stack with the scheduler running sim-base, sim-insecure and sim-secure every
 * {@code --every} (default 5m; registry file .pmc/targets.yaml), submits a self run per target, shows live
 * progress of every run (scheduled ones as they start) and keeps the stack up until Ctrl-C (or SIGTERM from
 * {@code bin/pmc down}).
 */
@Command(name = "up", sortOptions = false,
        description = {"Start the local stack and show live progress of its runs.",
                "Kafka, provider-sim, the four services and Prometheus with the project's rules when installed; the scheduler runs",
                "sim-base, sim-insecure and sim-secure every 5m. Ctrl-C stops everything; --detach runs it in the background."})
final class UpCommand extends Main.PmcCommand {
    static final List<String> SIM_TARGETS = List.of("sim-base", "sim-insecure", "sim-secure");

    @Option(names = "--n", paramLabel = "N", defaultValue = "10", description = "ratings per persona and item (default 10)")
    int n;
    @Option(names = "--every", paramLabel = "DURATION", defaultValue = "5m", description = "schedule period of the targets (default 5m)")
    String every;
    @Option(names = "--no-runs", description = "register the targets without a schedule")
    boolean noRuns;
    @Option(names = "--latency-ms", paramLabel = "MS", defaultValue = "-1", description = "provider-sim's answer latency (default: its own)")
    long latency;
    @Option(names = "--no-prometheus", description = "do not start Prometheus even when installed")
    boolean noPrometheus;
    @Option(names = "--replay", paramLabel = "NAME=FILE.csv", description = "serve a published ratings file as model replay:NAME, monitored as target NAME")
    List<String> replayValues = new ArrayList<>();
    @Option(names = "--baseline", paramLabel = "NAME", description = "with --replay: the target the others are compared with")
    String baseline;
    @Option(names = "--allow-base-url", paramLabel = "URL", description = "a local model server targets may use, e.g. http://127.0.0.1:11434/v1")
    List<String> allowBaseUrlValues = new ArrayList<>();
    @Option(names = "--no-tty", description = "plain progress lines (no terminal redrawing)")
    boolean noTty;
    @Option(names = "--detach", description = "run in the background (bin/pmc starts it so; logs in .pmc/logs/pmc-up.log)")
    boolean detach;

    /** The registry of the local stack: the simulated targets, scheduled unless --no-runs. */
    static String targetsYaml(String every, int n) {
        return targetsYaml(every, n, List.of(), null);
    }

    /**
     * ... plus one target per replayed file (model replay:NAME) with the given baseline; with replays only they are
     * scheduled (the simulated targets stay registered for manual runs).
     */
    static String targetsYaml(String every, int n, List<String> replays, String baseline) {
        StringBuilder sb = new StringBuilder("# written by bin/pmc up\ntargets:\n");
        for (String t : List.of("sim-base", "sim-insecure", "sim-secure", "sim-flaky")) {
            sb.append("  - name: ").append(t).append("\n    n: ").append(n).append("\n    choicesPerCall: ").append(n).append('\n');
            if (t.equals("sim-insecure") || t.equals("sim-secure")) sb.append("    baseline: sim-base\n");
            // with replayed files, the simulated targets stay registered but unscheduled: the machine reads the files
            if (every != null && replays.isEmpty() && SIM_TARGETS.contains(t)) sb.append("    schedule: {every: ").append(every).append("}\n");
        }
        for (String r : replays) {
            sb.append("  - name: ").append(r).append("\n    model: \"replay:").append(r).append("\"\n    n: ").append(n).append("\n    choicesPerCall: ").append(n).append('\n');
            if (baseline != null && !baseline.equals(r)) sb.append("    baseline: ").append(baseline).append('\n');
            if (every != null) sb.append("    schedule: {every: ").append(every).append("}\n");
        }
        return sb.toString();
    }

    /** {@code --replay NAME=FILE.csv} values: target/model names and their files (checked to exist). */
    static java.util.Map<String, java.nio.file.Path> replays(List<String> values) {
        java.util.Map<String, java.nio.file.Path> out = new java.util.LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0) throw new Main.UsageException("--replay needs NAME=FILE.csv, got '" + v + "'");
            String name = v.substring(0, eq);
            if (!Names.TARGET.matcher(name).matches()) throw new Main.UsageException("--replay: '" + name + "' is not a target name (" + Names.TARGET + ")");
            java.nio.file.Path file = java.nio.file.Path.of(v.substring(eq + 1)).toAbsolutePath().normalize();
            if (!java.nio.file.Files.isRegularFile(file)) throw new Main.UsageException("--replay " + name + ": no file " + file);
            out.put(name, file);
        }
        return out;
    }

    /**
     * {@code --allow-base-url URL}, repeatable: an operator-chosen endpoint (a local vLLM, Ollama or llama.cpp server)
     * that targets may use although it is on loopback or a private address. An http(s) base without user-info, query or
     * fragment; normalised to end with '/', so it admits its own path and below only.
     */
    static List<String> allowedBaseUrls(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String u : values) {
            String why = BaseUrlPolicy.prefixProblem(u);
            if (why != null) throw new Main.UsageException("--allow-base-url " + why);
            out.add(u.endsWith("/") ? u : u + "/");
        }
        return out;
    }

    /** Writes a file only its owner can read (created rw------- before anything is written to it). */
    static void writeOwnerOnly(java.nio.file.Path file, String text) throws java.io.IOException {
        java.nio.file.Files.deleteIfExists(file);
        java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.writeString(file, text);
    }

    @Override
    int run() throws Exception {
        Intervals.parse(every);
        boolean runs = !noRuns;
        boolean tty = System.console() != null && !noTty;
        Stack.Config config = Stack.Config.defaults(ServiceProcess.projectRoot()).withSimLatency(latency)
                .withAllowedBaseUrls(allowedBaseUrls(allowBaseUrlValues));
        if (java.nio.file.Files.exists(Stack.descriptor(config.dataDir()))) {
            var d = EventCodec.mapper().readTree(java.nio.file.Files.readString(Stack.descriptor(config.dataDir())));
            if (DownCommand.ours(d.path("pid").asLong(), d.path("startMs").asLong()).isPresent()) {
                throw new IllegalStateException("a stack is already running (pid " + d.path("pid").asLong() + "); stop it with bin/pmc down");
            }
            // the last supervisor died without stopping its children: clear them before taking their ports
            int left = DownCommand.stop(config.dataDir(), out);
            if (left > 0) out.println("cleared " + left + " processes of a stack whose supervisor had died");
        }
        long t0 = System.currentTimeMillis();
        java.nio.file.Files.createDirectories(config.dataDir());
        java.nio.file.Path targets = config.dataDir().resolve("targets.yaml");
        var replays = replays(replayValues);
        if (baseline != null && !replays.containsKey(baseline)) throw new Main.UsageException("--baseline " + baseline + " is not one of the --replay names " + replays.keySet());
        java.nio.file.Files.writeString(targets, targetsYaml(runs ? every : null, n, List.copyOf(replays.keySet()), baseline));
        Stack stack = Stack.start(config.withTargetsFile(targets).withReplays(replays), out);
        stack.onEvent(e -> out.println("supervisor: " + e));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("\nstopping the stack ...");
            stack.close();
            out.println("stopped.");
            stopped.countDown();
        }, "pmc-down"));
        stack.writeDescriptor();
        out.printf("stack ready in %.1f s%n", (System.currentTimeMillis() - t0) / 1000.0);
        out.println("  kafka              " + stack.bootstrap());
        stack.services().forEach((name, s) -> out.printf("  %-18s %s%s%n", name, s.url(),
                name.equals("metrics-aggregator") ? "  (/q/metrics, /api/v1/targets)" : ""));
        if (!noPrometheus) {
            String prom = stack.startPrometheus(9090, out);
            if (prom != null) out.println("  prometheus         " + prom + "  (alerts: " + prom + "/alerts)");
        }
        out.println("  logs               " + config.dataDir().resolve("logs"));
        out.println("  tokens             " + stack.security().adminToken() + " (admin; bin/pmc uses it), " + stack.security().readToken()
                + " (read-only); send as 'Authorization: Bearer TOKEN'");
        // the live page's address carries the read token: on the terminal and in an owner-only file, never in a log
        java.nio.file.Path livePage = config.dataDir().resolve("live-page.url");
        writeOwnerOnly(livePage, stack.url("metrics-aggregator") + "/ui/#token=" + stack.security().reader() + "\n");
        if (tty) out.println("  live page          " + stack.url("metrics-aggregator") + "/ui/#token=" + stack.security().reader());
        else out.println("  live page          " + stack.url("metrics-aggregator") + "/ui/  (its address with the read token: " + livePage + ")");
        if (runs) {
            RunWatch watch = new RunWatch(stack.url("metrics-aggregator"));
            List<String> scheduled = new java.util.ArrayList<>(replays.isEmpty() ? SIM_TARGETS : List.of());
            scheduled.addAll(replays.keySet());
            for (String target : scheduled) {
                java.nio.file.Path file = replays.get(target);
                boolean hasSelf = file == null || java.nio.file.Files.isRegularFile(file.resolveSibling(file.getFileName().toString().replaceFirst("\\.csv$", "_self.csv")));
                if (hasSelf) watch.submit(stack.url("prompt-generator"), RunWatch.runRequest(target, "self", n, null));
            }
            out.printf("scheduler: %s every %s (first runs in a few seconds, GET %s/api/v1/schedules); self runs submitted%n",
                    String.join(", ", scheduled), every, stack.url("prompt-generator"));
            // a service that dies is restarted by the stack's supervisor; the watch only reports
            Runnable check = () -> { };
            // follow every run the scheduler starts, for as long as the stack is up
            while (stopped.getCount() > 0) {
                watch.adopt(stack.url("prompt-generator"));
                if (!watch.allDone()) {
                    try {
                        watch.follow(out, tty, 1000, check);
                    } catch (IllegalStateException e) {
                        // a run that failed, or services restarting for long: report and keep supervising
                        out.println("watch: " + e.getMessage());
                        watch = new RunWatch(stack.url("metrics-aggregator"));
                        Thread.sleep(2000);
                        continue;
                    }
                    out.printf("runs complete after %.1f s; next scheduled runs within %s. Ctrl-C (or bin/pmc down) stops the stack.%n",
                            (System.currentTimeMillis() - t0) / 1000.0, every);
                }
                Thread.sleep(2000);
            }
        } else {
            out.println("stack is up (no runs submitted). Ctrl-C (or bin/pmc down) stops it.");
        }
        stopped.await();
        return 0;
    }
}
