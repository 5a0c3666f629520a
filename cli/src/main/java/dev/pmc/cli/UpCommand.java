package dev.pmc.cli;

import dev.pmc.stack.ServiceProcess;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pmc up}: starts the stack with the scheduler running sim-base, sim-insecure and sim-secure every
 * {@code --every} (default 5m; registry file .pmc/targets.yaml), submits a self run per target, shows live
 * progress of every run (scheduled ones as they start) and keeps the stack up until Ctrl-C (or SIGTERM from
 * {@code bin/pmc down}).
 */
final class UpCommand {
    static final List<String> SIM_TARGETS = List.of("sim-base", "sim-insecure", "sim-secure");

    private UpCommand() {
    }

    /** The registry of the local stack: the simulated targets, scheduled unless --no-runs. */
    static String targetsYaml(String every, int n) {
        StringBuilder sb = new StringBuilder("# written by bin/pmc up\ntargets:\n");
        for (String t : List.of("sim-base", "sim-insecure", "sim-secure", "sim-flaky")) {
            sb.append("  - name: ").append(t).append("\n    n: ").append(n).append('\n');
            if (t.equals("sim-insecure") || t.equals("sim-secure")) sb.append("    baseline: sim-base\n");
            if (every != null && SIM_TARGETS.contains(t)) sb.append("    schedule: {every: ").append(every).append("}\n");
        }
        return sb.toString();
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        int n = Main.intOption(args, "--n", 10);
        String every = Main.option(args, "--every", "5m");
        dev.pmc.core.targets.Intervals.parse(every);
        boolean runs = !args.contains("--no-runs");
        long latency = Main.intOption(args, "--latency-ms", -1);
        boolean tty = System.console() != null && !args.contains("--no-tty");
        Stack.Config config = Stack.Config.defaults(ServiceProcess.projectRoot()).withSimLatency(latency);
        if (java.nio.file.Files.exists(Stack.descriptor(config.dataDir()))) {
            String d = java.nio.file.Files.readString(Stack.descriptor(config.dataDir()));
            long pid = dev.pmc.core.events.EventCodec.mapper().readTree(d).path("pid").asLong();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IllegalStateException("a stack is already running (pid " + pid + "); stop it with bin/pmc down");
            }
        }
        long t0 = System.currentTimeMillis();
        java.nio.file.Files.createDirectories(config.dataDir());
        java.nio.file.Path targets = config.dataDir().resolve("targets.yaml");
        java.nio.file.Files.writeString(targets, targetsYaml(runs ? every : null, n));
        Stack stack = Stack.start(config.withTargetsFile(targets), out);
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
        if (!args.contains("--no-prometheus")) {
            String prom = stack.startPrometheus(9090, out);
            if (prom != null) out.println("  prometheus         " + prom + "  (alerts: " + prom + "/alerts)");
        }
        out.println("  logs               " + config.dataDir().resolve("logs"));
        if (runs) {
            RunWatch watch = new RunWatch(stack.url("metrics-aggregator"));
            for (String target : SIM_TARGETS) watch.submit(stack.url("prompt-generator"), RunWatch.runRequest(target, "self", n, null));
            out.printf("scheduler: %s every %s (first runs in a few seconds, GET %s/api/v1/schedules); self runs submitted%n",
                    String.join(", ", SIM_TARGETS), every, stack.url("prompt-generator"));
            Runnable check = () -> {
                for (var s : stack.services().values()) {
                    if (!s.alive()) throw new IllegalStateException(s.name() + " died; see " + s.log());
                }
            };
            // follow every run the scheduler starts, for as long as the stack is up
            while (stopped.getCount() > 0) {
                watch.adopt(stack.url("prompt-generator"));
                if (!watch.allDone()) {
                    watch.follow(out, tty, 1000, check);
                    out.printf("runs complete after %.1f s; next scheduled runs within %s. Ctrl-C (or bin/pmc down) stops the stack.%n",
                            (System.currentTimeMillis() - t0) / 1000.0, every);
                }
                check.run();
                Thread.sleep(2000);
            }
        } else {
            out.println("stack is up (no runs submitted). Ctrl-C (or bin/pmc down) stops it.");
        }
        stopped.await();
        return 0;
    }
}
