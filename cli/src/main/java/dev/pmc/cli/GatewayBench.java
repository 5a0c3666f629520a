package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.Mfq30;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.core.metrics.MoralMetrics;
import dev.pmc.core.scoring.LogprobRating;
import dev.pmc.kafka.TopicReader;
import dev.pmc.stack.ServiceProcess;
import dev.pmc.core.metrics.DesignScale;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code pmc bench gateway}: the gateway against provider-sim on a fresh stack, measured where limits are
 * enforced (provider-sim's own counts of admitted calls per second and 429s):
 * <ol>
 *   <li>configured limit: sim limited to L rpm, target configured with the same L;</li>
 *   <li>adaptive: no limit configured, learned from x-ratelimit headers; and with headers off (pure AIMD);</li>
 *   <li>faults: 20 % 5xx + 10 % hanging calls on a 3,000-slot run, transient and independent faults;</li>
 *   <li>two gateway replicas sharing one configured limit;</li>
 *   <li>logprob mode: 100×30 grid, S and R against the exact moments of the distributions served.</li>
 * </ol>
 */
final class GatewayBench {
    private final Stack stack;
    private final PrintStream out;
    private final int rpm;
    private final int n;

    private GatewayBench(Stack stack, PrintStream out, int rpm, int n) {
        this.stack = stack;
        this.out = out;
        this.rpm = rpm;
        this.n = n;
    }

    @Command(name = "gateway", description = "The gateway against a rate-limited, faulty provider-sim.")
    static final class Cli extends Main.PmcCommand {
        @Option(names = "--rpm", paramLabel = "L", defaultValue = "3000", description = "the simulated account's limit (default 3000)")
        int rpm;
        @Option(names = "--n", paramLabel = "N", defaultValue = "12", description = "ratings per persona and item (default 12)")
        int n;
        @Option(names = "--only", paramLabel = "PARTS", defaultValue = "limit,adaptive,faults,replicas,logprob", description = "which parts (default: all)")
        String only;

        @Override
        int run() throws Exception {
            return GatewayBench.run(rpm, n, only, out, err);
        }
    }

    static int run(int rpm, int n, String only, PrintStream out, PrintStream err) throws Exception {
        Path dir = Files.createTempDirectory("pmc-bench-gw-");
        Stack.Config config = Stack.Config.defaults(ServiceProcess.projectRoot()).withFreePorts(dir).withSimLatency(20);
        try (Stack stack = Stack.start(config, err)) {
            out.printf(Locale.ROOT, "gateway benchmark: L = %d requests/min, runs of 10 personas x 30 items x n=%d = %d slots; "
                    + "provider-sim latency 20 ms; %d cores, Java %s%n", rpm, n, 300 * n, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            GatewayBench b = new GatewayBench(stack, out, rpm, n);
            if (only.contains("limit")) b.limited("bench-limit", true, true);
            if (only.contains("adaptive")) {
                b.limited("bench-adaptive", false, true);
                b.limited("bench-aimd", false, false);
            }
            if (only.contains("faults")) {
                b.faults("bench-faults-transient", "transient");
                b.faults("bench-faults-independent", "independent");
            }
            if (only.contains("replicas")) b.replicas();
            if (only.contains("logprob")) b.logprob();
        }
        return 0;
    }

    private String sim() {
        return stack.url("provider-sim");
    }

    private void behave(String json) throws Exception {
        Http.Reply r = Http.putJson(sim() + "/admin/behaviour", json);
        if (r.status() != 200) throw new IllegalStateException("provider-sim refused behaviour: " + r.body());
    }

    private JsonNode simStats() throws Exception {
        return Http.get(sim() + "/admin/stats").json();
    }

    private void putTarget(String name, String json) throws Exception {
        Http.Reply r = Http.putJson(stack.url("prompt-generator") + "/api/v1/targets/" + name, json);
        if (r.status() != 200) throw new IllegalStateException("target refused: " + r.body());
        Thread.sleep(1500); // the gateway follows pmc.targets
    }

    /** Runs to completion; returns the aggregator's run summary and the seconds it took. */
    private RunWatch.Tracked runToEnd(String request) throws Exception {
        Http.Reply del = Http.send("DELETE", sim() + "/admin/stats");
        if (del.status() != 200) throw new IllegalStateException("cannot reset provider-sim stats");
        RunWatch watch = new RunWatch(stack.url("metrics-aggregator"));
        RunWatch.Tracked run = watch.submit(stack.url("prompt-generator"), request);
        long start = System.nanoTime();
        while (!run.done()) {
            Thread.sleep(500);
            watch.poll();
            if ((System.nanoTime() - start) / 1e9 > 1200) throw new IllegalStateException("run not complete after 1200 s: " + RunWatch.line(run));
        }
        run.seconds = (System.nanoTime() - start) / 1e9;
        return run;
    }

    private JsonNode summary(String target, String runId) throws Exception {
        for (JsonNode r : Http.get(stack.url("metrics-aggregator") + "/api/v1/targets/" + target + "/metrics").json().path("runs")) {
            if (runId.equals(r.path("runId").asText())) return r;
        }
        throw new IllegalStateException("no run " + runId);
    }

    private void limited(String target, boolean configured, boolean headers) throws Exception {
        behave("{\"rpm\":" + rpm + ",\"tpm\":0,\"burstSeconds\":1,\"rateLimitHeaders\":" + headers
                + ",\"errorRate\":0,\"timeoutRate\":0,\"malformedRate\":0,\"slowRate\":0}");
        putTarget(target, "{\"model\":\"sim-base\",\"limits\":{" + (configured ? "\"rpm\":" + rpm + "," : "") + "\"maxInFlight\":64}}");
        RunWatch.Tracked run = runToEnd(RunWatch.runRequest(target, "toxic", n, null));
        JsonNode st = simStats();
        long calls = st.path("calls").asLong();
        long limited = st.path("outcomes").path("rate_limited").asLong();
        long best = st.path("maxAdmittedIn60s").asLong();
        String label = configured ? "configured limit" : headers ? "adaptive (limit learned from x-ratelimit headers)" : "adaptive (no headers: AIMD on 429s)";
        out.printf(Locale.ROOT, "%n## %s — %s%n", target, label);
        out.printf(Locale.ROOT, "run %d slots in %.1f s; provider calls %d, answered 429: %d (%.2f %%)%n", run.slots, run.seconds, calls, limited,
                100.0 * limited / Math.max(1, calls));
        out.printf(Locale.ROOT, "busiest 60 s at provider-sim: %d admitted calls = %.1f %% of L=%d%n", best, 100.0 * best / rpm, rpm);
    }

    private void faults(String target, String mode) throws Exception {
        behave("{\"rpm\":0,\"tpm\":0,\"rateLimitHeaders\":true,\"errorRate\":0.2,\"timeoutRate\":0.1,\"timeoutMs\":30000,"
                + "\"malformedRate\":0,\"slowRate\":0,\"faultMode\":\"" + mode + "\"}");
        putTarget(target, "{\"model\":\"sim-base\",\"timeoutSeconds\":1,\"limits\":{\"maxInFlight\":64}}");
        RunWatch.Tracked run = runToEnd(RunWatch.runRequest(target, "toxic", 10, null));
        JsonNode st = simStats();
        JsonNode s = summary(target, run.runId);
        long calls = st.path("calls").asLong();
        out.printf(Locale.ROOT, "%n## %s — 20 %% 5xx + 10 %% hanging calls (%s faults), gateway timeout 1 s%n", target, mode);
        long distinct = st.path("distinctRequests").asLong();
        long faulted = st.path("outcomes").path("server_error").asLong() + st.path("outcomes").path("hung").asLong();
        out.printf(Locale.ROOT, "run %d slots in %.1f s; provider calls %d = %.3f x slots; outcomes at provider %s%n", run.slots, run.seconds,
                calls, calls / (double) run.slots, st.path("outcomes"));
        out.printf(Locale.ROOT, "distinct requests %d (slots + re-asks), faulted calls %d (%.1f %% of calls): calls beyond the distinct requests "
                + "per faulted call = %.3f%n", distinct, faulted, 100.0 * faulted / calls, (calls - distinct) / (double) Math.max(1, faulted));
        out.printf(Locale.ROOT, "aggregator: settled %d of %d, valid %d, failed %d, duplicates %d, rating events %s%n",
                s.path("settledSlots").asLong(), run.slots, s.path("validRatings").asLong(), s.path("failedSlots").asLong(),
                s.path("duplicates").asLong(), s.path("outcomes"));
    }

    private void replicas() throws Exception {
        ServiceProcess second = stack.startGatewayReplica("model-gateway-2");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        double s1 = 1, s2 = 0;
        while (System.nanoTime() < deadline) {
            s1 = BenchCommand.counter(stack.url("model-gateway"), "pmc_gateway_partition_share");
            s2 = BenchCommand.counter(second.url(), "pmc_gateway_partition_share");
            if (s1 < 0.99 && s2 < 0.99 && s1 > 0 && s2 > 0) break;
            Thread.sleep(500);
        }
        out.printf(Locale.ROOT, "%n## bench-replicas — two gateway replicas, one configured limit L=%d%n", rpm);
        out.printf(Locale.ROOT, "partition shares after rebalance: %.3f and %.3f%n", s1, s2);
        behave("{\"rpm\":" + rpm + ",\"tpm\":0,\"burstSeconds\":1,\"rateLimitHeaders\":true,\"errorRate\":0,\"timeoutRate\":0,\"malformedRate\":0,\"slowRate\":0}");
        putTarget("bench-replicas", "{\"model\":\"sim-secure\",\"limits\":{\"rpm\":" + rpm + ",\"maxInFlight\":64}}");
        double c1 = BenchCommand.counter(stack.url("model-gateway"), "pmc_gateway_requests_total");
        double c2 = BenchCommand.counter(second.url(), "pmc_gateway_requests_total");
        // 100 personas spread over the partitions evenly enough for both replicas to be busy
        RunWatch.Tracked run = runToEnd(RunWatch.runRequest("bench-replicas", "default", 2, null));
        JsonNode st = simStats();
        out.printf(Locale.ROOT, "run %d slots in %.1f s; calls by replica: %.0f and %.0f; answered 429: %d; busiest 60 s at provider-sim: %d = %.1f %% of L%n",
                run.slots, run.seconds, BenchCommand.counter(stack.url("model-gateway"), "pmc_gateway_requests_total") - c1,
                BenchCommand.counter(second.url(), "pmc_gateway_requests_total") - c2, st.path("outcomes").path("rate_limited").asLong(),
                st.path("maxAdmittedIn60s").asLong(), 100.0 * st.path("maxAdmittedIn60s").asLong() / rpm);
    }

    private void logprob() throws Exception {
        behave("{\"rpm\":0,\"tpm\":0,\"errorRate\":0,\"timeoutRate\":0,\"malformedRate\":0,\"slowRate\":0}");
        putTarget("bench-logprob", "{\"model\":\"sim-insecure\",\"mode\":\"logprob\"}");
        RunWatch.Tracked run = runToEnd("{\"target\":\"bench-logprob\",\"personas\":\"default\"}");
        JsonNode st = simStats();
        // the distributions the simulator served are in the response events the gateway wrote
        var recs = TopicReader.readUntil(stack.bootstrap(), Topics.RESPONSES,
                l -> l.stream().filter(r -> r.key().contains(run.runId)).count() >= run.slots, Duration.ofSeconds(60));
        Map<Integer, double[]> mean = new TreeMap<>(), sd = new TreeMap<>(), var = new TreeMap<>();
        for (var r : recs) {
            if (!r.key().contains(run.runId)) continue;
            ResponseEvent e = EventCodec.decodeResponse(r.value());
            LogprobRating.Result lp = LogprobRating.read(e.topLogprobs(), 0.5, LogprobRating.samplingTemperature(e.prompt()));
            int p = Integer.parseInt(e.slot().personaId());
            mean.computeIfAbsent(p, k -> new double[Mfq30.ITEMS])[e.slot().itemId() - 1] = lp.mean();
            sd.computeIfAbsent(p, k -> new double[Mfq30.ITEMS])[e.slot().itemId() - 1] = DesignScale.expectedSampleSd(lp.distribution());
            var.computeIfAbsent(p, k -> new double[Mfq30.ITEMS])[e.slot().itemId() - 1] = lp.sd() * lp.sd();
        }
        MetricsResult exact = MoralMetrics.compute(mean.values().toArray(new double[0][]), sd.values().toArray(new double[0][]),
                var.values().toArray(new double[0][]));
        out.printf(Locale.ROOT, "%n## bench-logprob — logprob mode, 100 personas x 30 items, sim-insecure%n");
        out.printf(Locale.ROOT, "run %d cells in %.1f s; provider calls %d%n", run.slots, run.seconds, st.path("calls").asLong());
        out.printf(Locale.ROOT, "aggregator S=%.12f R=%.12f; exact moments of the served distributions S=%.12f R=%.12f; |dS|=%.1e |dR|=%.1e%n",
                run.s, run.r, exact.overall().susceptibility(), exact.overall().robustness(),
                Math.abs(run.s - exact.overall().susceptibility()), Math.abs(run.r - exact.overall().robustness()));
    }
}
