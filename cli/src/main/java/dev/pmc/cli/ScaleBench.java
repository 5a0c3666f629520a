package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.stack.ServiceProcess;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code pmc bench scale}: provider calls per second with 1, 2, … gateway replicas in one consumer group, on a fresh
 * local stack. provider-sim answers after a fixed latency and enforces one account limit L (429 above it); the target
 * asks one answer per call, caps every replica at a few calls in flight and declares the same limit L, which the
 * replicas share by their share of pmc.prompts partitions. With latency 250 ms and 4 in flight a replica can make
 * 16 calls/s (960 rpm), so with L = 2,400 rpm the limit binds only at 3 replicas: the ideal is 16, 32, 40 calls/s.
 * Throughput is counted where the limit is enforced (provider-sim's admitted calls) over a window after a warm-up;
 * each replica count reads its own target, deleted afterwards so its queued calls do not spill into the next.
 */
@Command(name = "scale", sortOptions = false,
        description = "Provider calls/s with 1..N gateway replicas under one shared limit.")
final class ScaleBench extends Main.PmcCommand {
    @Option(names = "--replicas", paramLabel = "N", defaultValue = "3", description = "up to this many gateway replicas (default 3)")
    int replicas;
    @Option(names = "--rpm", paramLabel = "L", defaultValue = "2400", description = "the shared account limit (default 2400)")
    int rpm;
    @Option(names = "--latency-ms", paramLabel = "MS", defaultValue = "250", description = "provider-sim's latency (default 250)")
    int latency;
    @Option(names = "--in-flight", paramLabel = "K", defaultValue = "4", description = "calls in flight per replica (default 4)")
    int inFlight;
    @Option(names = "--seconds", paramLabel = "S", defaultValue = "30", description = "measured window per replica count (default 30)")
    int window;
    @Option(names = "--warmup", paramLabel = "S", defaultValue = "15", description = "warm-up before each window (default 15)")
    int warmup;


    @Override
    int run() throws Exception {
        if (rpm < 1 || latency < 1 || inFlight < 1 || replicas < 1 || replicas > 6 || window < 5 || warmup < 0) {
            throw new Main.UsageException("bench scale: --rpm, --latency-ms, --in-flight ≥ 1, --replicas 1..6 (pmc.prompts has 6 partitions), --seconds ≥ 5, --warmup ≥ 0");
        }
        Path dir = Files.createTempDirectory("pmc-bench-scale-");
        Stack.Config config = Stack.Config.defaults(ServiceProcess.projectRoot()).withFreePorts(dir).withSimLatency(latency);
        try (Stack stack = Stack.start(config, err)) {
            String sim = stack.url("provider-sim");
            out.printf(Locale.ROOT, "scale benchmark: provider-sim latency %d ms, account limit L = %d rpm (429 above), one answer per call, "
                    + "%d calls in flight per replica (ideal %.1f calls/s per replica); warm-up %d s, window %d s; %d cores, Java %s%n",
                    latency, rpm, inFlight, inFlight * 1000.0 / latency, warmup, window, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            Http.Reply b = Http.putJson(sim + "/admin/behaviour", "{\"rpm\":" + rpm + ",\"tpm\":0,\"burstSeconds\":1,\"rateLimitHeaders\":true,"
                    + "\"errorRate\":0,\"timeoutRate\":0,\"malformedRate\":0,\"slowRate\":0}");
            if (b.status() != 200) throw new IllegalStateException("provider-sim refused the behaviour: " + b.body());
            List<String> gateways = new ArrayList<>(List.of(stack.url("model-gateway")));
            out.println("replicas,partition_shares,calls_per_s,rpm_at_provider,percent_of_limit,ideal_calls_per_s,answered_429,per_replica_calls");
            double first = 0, last = 0;
            for (int r = 1; r <= replicas; r++) {
                if (r > 1) gateways.add(stack.startGatewayReplica("model-gateway-" + r).url());
                String shares = awaitShares(gateways);
                String target = "bench-scale-" + r;
                Http.Reply t = Http.putJson(stack.url("prompt-generator") + "/api/v1/targets/" + target,
                        "{\"model\":\"sim-base\",\"choicesPerCall\":1,\"limits\":{\"rpm\":" + rpm + ",\"maxInFlight\":" + inFlight + "}}");
                if (t.status() != 200) throw new IllegalStateException("target refused: " + t.body());
                Thread.sleep(1500); // every replica follows pmc.targets
                new RunWatch(stack.url("metrics-aggregator")).submit(stack.url("prompt-generator"), RunWatch.runRequest(target, "default", 10, null));
                Thread.sleep(warmup * 1000L);
                double[] before = calls(gateways);
                if (Http.send("DELETE", sim + "/admin/stats").status() != 200) throw new IllegalStateException("cannot reset provider-sim stats");
                Thread.sleep(window * 1000L);
                JsonNode st = Http.get(sim + "/admin/stats").json();
                double[] after = calls(gateways);
                long ok = st.path("outcomes").path("ok").asLong();
                double perSecond = ok / (double) window;
                StringBuilder perReplica = new StringBuilder();
                for (int i = 0; i < gateways.size(); i++) perReplica.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", after[i] - before[i]));
                double ideal = Math.min(r * inFlight * 1000.0 / latency, rpm / 60.0);
                out.printf(Locale.ROOT, "%d,%s,%.2f,%.0f,%.1f,%.1f,%d,%s%n", r, shares, perSecond, perSecond * 60, 100 * perSecond * 60 / rpm, ideal,
                        st.path("outcomes").path("rate_limited").asLong(), perReplica);
                if (r == 1) first = perSecond;
                last = perSecond;
                Http.send("DELETE", stack.url("prompt-generator") + "/api/v1/targets/" + target); // its queued calls are dropped
                Thread.sleep(3000);
            }
            if (replicas > 1) out.printf(Locale.ROOT, "%d replicas / 1 replica: %.2fx%n", replicas, last / first);
        }
        return 0;
    }

    /** Waits until every replica holds a share of pmc.prompts' partitions (the group has rebalanced); returns them. */
    private static String awaitShares(List<String> gateways) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            double sum = 0, min = 1;
            List<String> shares = new ArrayList<>();
            for (String g : gateways) {
                double s = BenchCommand.counter(g, "pmc_gateway_partition_share");
                sum += s;
                min = Math.min(min, s);
                shares.add(String.format(Locale.ROOT, "%.2f", s));
            }
            if ((min > 0 && Math.abs(sum - 1) < 0.01) || System.currentTimeMillis() > deadline) return String.join(" ", shares);
            Thread.sleep(500);
        }
    }

    private static double[] calls(List<String> gateways) throws Exception {
        double[] c = new double[gateways.size()];
        for (int i = 0; i < c.length; i++) c[i] = BenchCommand.counter(gateways.get(i), "pmc_gateway_requests_total");
        return c;
    }
}
