package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.events.EventCodec;
import dev.pmc.stack.ServiceProcess;
import dev.pmc.core.instruments.Instruments;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code pmc run TARGET}: one run on the running stack, with a progress bar and the final metrics;
 * {@code --dry-run} prints what it would cost instead. Options left out come from the target's definition.
 */
@Command(name = "run", sortOptions = false,
        description = {"Start a run on the running stack, show progress and the final metrics.",
                "--dry-run: calls, tokens, USD and minutes at the limit, nothing sent."})
final class RunCommand extends Main.PmcCommand {
    @Parameters(index = "0", paramLabel = "TARGET", description = "a registered target, e.g. sim-base")
    String target;
    @Option(names = "--personas", paramLabel = "SET", description = "default, toxic, self or FILE.json (default: the target's)")
    String personas;
    @Option(names = "--n", paramLabel = "N", description = "ratings per persona and item (default: the target's)")
    Integer n;
    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature (default: the target's)")
    Double temperature;
    @Option(names = "--mode", paramLabel = "MODE", description = "sampling, logprob or sequential (default: the target's)")
    String mode;
    @Option(names = "--instrument", paramLabel = "NAME", description = "mfq30 (default), bfi44 or self-probe")
    String instrument;
    @Option(names = "--dry-run", description = "print calls, tokens, cost and time at the limit; send nothing")
    boolean dryRun;

    static JsonNode descriptor() throws Exception {
        Path d = Stack.descriptor(Stack.Config.defaults(ServiceProcess.projectRoot()).dataDir());
        if (!Files.exists(d)) return composeDescriptor(d);
        JsonNode desc = EventCodec.mapper().readTree(Files.readString(d));
        // the local stack's admin token, unless PMC_TOKEN names another, and only to the processes the stack recorded
        Path admin = d.getParent().resolve("security/admin.token");
        if (Http.token() == null && Files.isReadable(admin)) {
            String squatter = notTheStacks(desc);
            if (squatter != null) {
                throw new IllegalStateException(squatter + ": not sending the local admin token. Is the stack down or restarting? "
                        + "bin/pmc down, then bin/pmc up (or set PMC_TOKEN to send a token deliberately)");
            }
            Http.useToken(Files.readString(admin).strip());
        }
        return desc;
    }

    /**
     * Null when every service URL in the descriptor is served by the process it records (same pid, same start time,
     * holding the listening socket), else which one is not: the admin token goes only to the stack bin/pmc started.
     */
    static String notTheStacks(JsonNode desc) {
        var urls = desc.path("urls");
        for (var it = urls.fields(); it.hasNext(); ) {
            var e = it.next();
            int port = java.net.URI.create(e.getValue().asText()).getPort();
            long pid = desc.path("pids").path(e.getKey()).asLong(-1);
            long start = desc.path("starts").path(e.getKey()).asLong(0);
            var proc = ProcessHandle.of(pid);
            boolean alive = proc.isPresent() && (start == 0 || proc.get().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(start) == start);
            if (!alive) return e.getKey() + " (pid " + pid + ") is not running";
            if (PortOwner.holds(pid, port).map(held -> !held).orElse(false)) {
                return "port " + port + " is not held by " + e.getKey() + " (pid " + pid + ") as .pmc/stack.json records";
            }
        }
        return null;
    }

    /**
     * No local stack recorded: the services docker-compose.yml publishes, on its ports (the same PMC_*_PORT variables
     * compose reads). This JVM did not start them, so it sends only a token it was given (PMC_TOKEN).
     */
    static JsonNode composeDescriptor(Path missing) throws Exception {
        var d = EventCodec.mapper().createObjectNode();
        var urls = d.putObject("urls");
        urls.put("prompt-generator", "http://127.0.0.1:" + envPort("PMC_GENERATOR_PORT", 8081));
        urls.put("metrics-aggregator", "http://127.0.0.1:" + envPort("PMC_AGGREGATOR_PORT", 8084));
        urls.put("provider-sim", "http://127.0.0.1:" + envPort("PMC_SIM_PORT", 8090));
        try {
            Http.get(urls.path("prompt-generator").asText() + "/q/health/live");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no running stack: " + missing + " is missing and nothing answers on "
                    + urls.path("prompt-generator").asText() + " (docker compose); start one with bin/pmc up or docker compose up -d");
        }
        d.put("kafka", "docker compose (127.0.0.1:" + envPort("PMC_KAFKA_PORT_1", 19092) + ", SASL/SCRAM)");
        if (Http.token() == null) {
            System.err.println("pmc: talking to the compose stack without a token; set PMC_TOKEN, e.g. PMC_TOKEN=$(cat .pmc/security/admin.token)");
        }
        return d;
    }

    private static int envPort(String variable, int fallback) {
        String v = System.getenv(variable);
        return v == null || !v.matches("\\d{1,5}") ? fallback : Integer.parseInt(v);
    }

    @Override
    int run() throws Exception {
        JsonNode urls = descriptor().path("urls");
        String request = RunWatch.runRequest(target, personas, n, temperature, mode, instrument);
        if (dryRun) {
            Http.Reply r = Http.postJson(urls.path("prompt-generator").asText() + "/api/v1/runs?dryRun=true", request);
            if (r.status() != 200) throw new IllegalStateException("refused (HTTP " + r.status() + "): " + r.body());
            JsonNode e = r.json();
            out.printf(Locale.ROOT, "dry run of %s (%s mode): %,d slots, %,d provider calls%n", target, e.path("mode").asText(),
                    e.path("slots").asLong(), e.path("calls").asLong());
            out.printf(Locale.ROOT, "estimated tokens: %,d in, %,d out (upper bound: max_tokens per answer)%n",
                    e.path("inputTokens").asLong(), e.path("outputTokens").asLong());
            out.println("estimated cost: " + (e.path("costUsd").isNumber() ? String.format(Locale.ROOT, "$%.2f", e.path("costUsd").asDouble()) : "unknown (no price table)"));
            out.println("time at the target's limit: " + (e.path("minutesAtLimit").isNumber()
                    ? String.format(Locale.ROOT, "%.1f min", e.path("minutesAtLimit").asDouble()) : "unknown (no rpm/tpm configured)"));
            out.println("note: " + e.path("note").asText());
            return 0;
        }
        RunWatch watch = new RunWatch(urls.path("metrics-aggregator").asText());
        RunWatch.Tracked run = watch.submit(urls.path("prompt-generator").asText(), request);
        out.printf("run %s: %d slots%n", run.runId, run.slots);
        boolean tty = System.console() != null;
        watch.follow(out, tty, 500, () -> { });
        if (instrument != null && !Instruments.isDefault(instrument)) {
            // another instrument's reading appears with the aggregator's next refresh after the last slot
            for (int i = 0; i < 40 && !run.instrumentRead && !"cancelled".equals(run.state); i++) {
                Thread.sleep(250);
                watch.poll();
            }
            if (Instruments.SELF_PROBE.equals(instrument)) {
                out.println("target,run,instrument,self_report_claim,self_report_claim_se,self_report");
                out.println(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%s", target, run.runId, instrument, run.claim, run.claimSe,
                        run.selfReport == null ? "unknown" : run.selfReport));
            } else {
                out.println("target,run,instrument,personas,susceptibility,robustness,within_sd");
                out.println(String.format(Locale.ROOT, "%s,%s,%s,%d,%s,%s,%s", target, run.runId, instrument, run.personas, run.s, run.r, run.u));
            }
            return 0;
        }
        if (!run.self) {
            out.println("target,run,personas,susceptibility,robustness,within_sd");
            out.println(String.format(Locale.ROOT, "%s,%s,%d,%s,%s,%s", target, run.runId, run.personas, run.s, run.r, run.u));
        }
        return 0;
    }
}
