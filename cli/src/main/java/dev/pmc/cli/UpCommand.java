package dev.pmc.cli;

import dev.pmc.stack.ServiceProcess;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pmc up}: starts the stack, submits a persona run and a self run for each simulated target, shows
 * live progress and keeps the stack up until Ctrl-C (or SIGTERM from {@code bin/pmc down}).
 */
final class UpCommand {
    static final List<String> SIM_TARGETS = List.of("sim-base", "sim-insecure", "sim-secure");

    private UpCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        int n = Main.intOption(args, "--n", 10);
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
        Stack stack = Stack.start(config, out);
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
            for (String target : SIM_TARGETS) {
                watch.submit(stack.url("prompt-generator"), RunWatch.runRequest(target, "default", n, null));
                watch.submit(stack.url("prompt-generator"), RunWatch.runRequest(target, "self", n, null));
            }
            out.printf("submitted %d runs (%d slots); progress:%n", watch.runs().size(),
                    watch.runs().stream().mapToLong(t -> t.slots).sum());
            watch.follow(out, tty, 1000, () -> {
                for (var s : stack.services().values()) {
                    if (!s.alive()) throw new IllegalStateException(s.name() + " died; see " + s.log());
                }
            });
            out.printf("all runs complete after %.1f s. The stack stays up: Ctrl-C (or bin/pmc down) stops it.%n",
                    (System.currentTimeMillis() - t0) / 1000.0);
        } else {
            out.println("stack is up (no runs submitted). Ctrl-C (or bin/pmc down) stops it.");
        }
        stopped.await();
        return 0;
    }
}
