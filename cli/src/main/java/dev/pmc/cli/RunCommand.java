package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.events.EventCodec;
import dev.pmc.stack.ServiceProcess;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code pmc run TARGET}: one run on the running stack, with a progress bar and the final metrics. */
final class RunCommand {
    private RunCommand() {
    }

    static JsonNode descriptor() throws Exception {
        Path d = Stack.descriptor(Stack.Config.defaults(ServiceProcess.projectRoot()).dataDir());
        if (!Files.exists(d)) throw new IllegalStateException("no running stack (" + d + " missing): start one with bin/pmc up");
        return EventCodec.mapper().readTree(Files.readString(d));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.get(0).startsWith("--")) throw new Main.UsageException("name the target, e.g. pmc run sim-base");
        String target = args.get(0);
        String personas = Main.option(args, "--personas", "default");
        int n = Main.intOption(args, "--n", 10);
        String t = Main.option(args, "--temperature", null);
        JsonNode urls = descriptor().path("urls");
        RunWatch watch = new RunWatch(urls.path("metrics-aggregator").asText());
        RunWatch.Tracked run = watch.submit(urls.path("prompt-generator").asText(),
                RunWatch.runRequest(target, personas, n, t == null ? null : Double.parseDouble(t)));
        out.printf("run %s: %d slots%n", run.runId, run.slots);
        boolean tty = System.console() != null;
        watch.follow(out, tty, 500, () -> { });
        if (!run.self) {
            out.println("target,run,personas,susceptibility,robustness,within_sd");
            out.println(String.format(Locale.ROOT, "%s,%s,%d,%s,%s,%s", target, run.runId, run.personas, run.s, run.r, run.u));
        }
        return 0;
    }
}
