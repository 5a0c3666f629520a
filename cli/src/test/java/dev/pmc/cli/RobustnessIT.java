package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.Mfq30;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.kafka.TopicReader;
import dev.pmc.sim.OfflineSimulation;
import dev.pmc.sim.SimModels;
import dev.pmc.stack.ServiceProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Running unattended, on a stack of its own (a real broker and the services as processes under the supervisor, as
 * bin/pmc up runs them): (1) ten thousand wrong events on every input topic neither stop a stage nor disturb the good
 * events interleaved with them; (2) a target whose provider is down does not slow a healthy target's run, and deleting
 * it cancels its run; (3) kill -9 of each service in turn and then of the broker, during a paper-scale run: every run
 * completes at exactly 30,000 settled slots without further intervention, with S and R equal to the undisturbed run;
 * (4) two prompt-generator replicas: one leader at any moment, every scheduled period run once, the other replica
 * takes over when the leader is killed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RobustnessIT {
    private static Stack stack;
    private static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        var config = Stack.Config.defaults(ServiceProcess.projectRoot())
                .withFreePorts(Files.createTempDirectory("pmc-robustness-")).withSimLatency(0);
        stack = Stack.start(config, System.out);
        stack.onEvent(e -> {
            System.out.println("supervisor: " + e);
            synchronized (report) {
                report.add(System.currentTimeMillis() + " " + e);
            }
        });
    }

    @AfterAll
    static void stop() {
        if (stack != null) stack.close();
    }

    static void register(String name, String json) throws Exception {
        Http.Reply r = Http.putJson(stack.url("prompt-generator") + "/api/v1/targets/" + name, json);
        assertEquals(200, r.status(), r.body());
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            boolean gateway = Http.get(stack.url("model-gateway") + "/api/v1/targets").body().contains("\"" + name + "\"");
            boolean aggregator = Http.get(stack.url("metrics-aggregator") + "/api/v1/targets/" + name + "/metrics").status() == 200;
            if (gateway && aggregator) return;
            Thread.sleep(200);
        }
        throw new AssertionError("the stages did not learn target " + name);
    }

    /** The aggregator's summary of a run, or an empty node. */
    static JsonNode runSummary(String target, String runId) throws Exception {
        Http.Reply r = Http.get(stack.url("metrics-aggregator") + "/api/v1/targets/" + target + "/metrics");
        if (r.status() != 200) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        for (JsonNode run : r.json().path("runs")) if (run.path("runId").asText().equals(runId)) return run;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static void awaitSettled(String target, String runId, long slots, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long settled = 0;
        while (System.currentTimeMillis() < deadline) {
            try {
                settled = runSummary(target, runId).path("settledSlots").asLong();
            } catch (java.io.IOException restarting) {
                settled = -1;
            }
            if (settled >= slots) return;
            Thread.sleep(250);
        }
        throw new AssertionError(target + " run " + runId + ": " + settled + "/" + slots + " settled after " + timeout);
    }

    private static void assertEveryStageAliveWithoutRestart() throws Exception {
        for (ServiceProcess p : stack.processes().values()) {
            assertTrue(p.alive(), p.name() + " is alive");
            assertEquals(0, p.restarts(), p.name() + " never restarted");
            if (!p.name().equals("kafka")) assertEquals(200, p.httpStatus("/q/health/ready"), p.name() + " is ready");
        }
    }

    /**
     * 10,000+ events that decode but are wrong (or do not decode), generated as structured mutations of valid ones,
     * on pmc.prompts, pmc.responses and pmc.ratings, interleaved with valid events of three runs, plus garbage on the
     * state topics: every bad event ends in its stage's dead-letter topic, every good one is counted exactly once,
     * and no stage stops or restarts.
     */
    @Test
    @Order(1)
    void tenThousandWrongEventsStopNoStageAndTheGoodOnesCountOnce() throws Exception {
        register("fuzz", "{\"model\":\"sim-base\"}");
        EventFuzz fuzz = new EventFuzz(20261125);
        SplittableRandom rnd = new SplittableRandom(7);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        Map<String, Set<String>> expectedDlq = new LinkedHashMap<>();
        Set<String> registered = Set.of("fuzz");
        int good = 0;
        List<String> personas = PersonaCatalog.toxicSet();
        for (int p = 0; p < personas.size(); p++) {
            for (int item = 1; item <= Mfq30.ITEMS; item++) {
                String persona = Integer.toString(p);
                SlotId sp = new SlotId("fuzz-p", "fuzz", persona, item, 1);
                String prompt = EventCodec.encode(new PromptEvent(1, sp, 1, PromptTemplate.system(personas.get(p)),
                        PromptTemplate.user(Mfq30.get().item(item)), 0.1, 4, 0));
                SlotId sr = new SlotId("fuzz-r", "fuzz", persona, item, 1);
                String response = EventCodec.encode(new ResponseEvent(1, sr, 1, "sim-base", Integer.toString(1 + (p + item) % 5), null, 3, 0,
                        new PromptEvent(1, sr, 1, null, PromptTemplate.user(Mfq30.get().item(item)), 0.1, 4, 0)));
                SlotId sa = new SlotId("fuzz-a", "fuzz", persona, item, 1);
                String rating = EventCodec.encode(new RatingEvent(1, sa, 1, RatingOutcome.VALID, (p * item) % 6, "t", 0));
                records.add(new ProducerRecord<>(Topics.PROMPTS, sp.kafkaKey(), prompt));
                records.add(new ProducerRecord<>(Topics.RESPONSES, sr.kafkaKey(), response));
                records.add(new ProducerRecord<>(Topics.RATINGS, sa.kafkaKey(), rating));
                good += 3;
                // about 12 mutants of each good event: 3,600 per topic
                for (int m = 0; m < 12; m++) {
                    addBad(records, expectedDlq, Topics.PROMPTS, fuzz.mutate(prompt, sp.kafkaKey()), EventCodec::decodePrompt, registered, true);
                    addBad(records, expectedDlq, Topics.RESPONSES, fuzz.mutate(response, sr.kafkaKey()), EventCodec::decodeResponse, registered, false);
                    addBad(records, expectedDlq, Topics.RATINGS, fuzz.mutate(rating, sa.kafkaKey()), EventCodec::decodeRating, registered, true);
                }
            }
        }
        for (String topic : List.of(Topics.PROMPTS, Topics.RESPONSES, Topics.RATINGS)) {
            for (EventFuzz.Mutant g : fuzz.garbage("garbage", 60)) {
                records.add(new ProducerRecord<>(topic, g.key(), g.value()));
                expectedDlq.computeIfAbsent(topic, t -> new HashSet<>()).add(g.key() + "\u0000" + g.value());
            }
        }
        // the compacted state topics hold garbage too (their followers skip it)
        for (String topic : List.of(Topics.TARGETS, Topics.RUNS, Topics.PERSONA_STATS, Topics.BASELINES)) {
            for (EventFuzz.Mutant g : fuzz.garbage("state-garbage", 30)) {
                if (g.value().length() < 100_000) records.add(new ProducerRecord<>(topic, g.key(), g.value()));
            }
        }
        int bad = expectedDlq.values().stream().mapToInt(Set::size).sum();
        assertTrue(bad >= 10_000, "bad events generated: " + bad);
        Collections.shuffle(records, new java.util.Random(rnd.nextLong()));
        long t0 = System.currentTimeMillis();
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20), new StringSerializer(), new StringSerializer())) {
            for (var r : records) producer.send(r);
            producer.flush();
        }
        System.out.printf("fuzz: sent %d good and %d bad events (%d records in all) in %.1f s%n", good, bad, records.size(),
                (System.currentTimeMillis() - t0) / 1000.0);

        // every good event counted exactly once
        awaitSettled("fuzz", "fuzz-a", 300, Duration.ofSeconds(120));
        awaitSettled("fuzz", "fuzz-r", 300, Duration.ofSeconds(120));
        awaitSettled("fuzz", "fuzz-p", 300, Duration.ofSeconds(180));
        for (String run : List.of("fuzz-a", "fuzz-r")) {
            JsonNode s = runSummary("fuzz", run);
            assertEquals(300, s.path("validRatings").asLong(), run + ": every good rating counted");
            assertEquals(300, s.path("settledSlots").asLong(), run + ": settled once each");
            assertEquals(0, s.path("duplicates").asLong(), run + ": nothing counted twice");
        }
        JsonNode p = runSummary("fuzz", "fuzz-p");
        assertEquals(300, p.path("settledSlots").asLong(), "fuzz-p: every good prompt answered and settled once");

        // every bad event in its stage's dead-letter topic, with a reason
        Map<String, String> dlqOf = Map.of(Topics.PROMPTS, Topics.PROMPTS_DLQ, Topics.RESPONSES, Topics.RESPONSES_DLQ, Topics.RATINGS, Topics.RATINGS_DLQ);
        for (var e : expectedDlq.entrySet()) {
            Set<String> want = e.getValue();
            var got = TopicReader.readUntil(stack.bootstrap(), dlqOf.get(e.getKey()), l -> {
                Set<String> seen = new HashSet<>();
                for (var r : l) seen.add(r.key() + "\u0000" + r.value());
                return seen.containsAll(want);
            }, Duration.ofSeconds(120));
            Set<String> seen = new HashSet<>();
            int withReason = 0;
            for (var r : got) {
                if (seen.add(r.key() + "\u0000" + r.value()) && r.headers().lastHeader(EventCodec.DLQ_REASON_HEADER) != null) withReason++;
            }
            Set<String> missing = new HashSet<>(want);
            missing.removeAll(seen);
            assertEquals(Set.of(), missing.size() > 5 ? Set.of(missing.size() + " missing") : missing, e.getKey() + ": bad events not dead-lettered");
            assertTrue(withReason >= want.size(), dlqOf.get(e.getKey()) + " records carry a reason");
            System.out.printf("fuzz: %s: %d bad events, all in %s with a reason%n", e.getKey(), want.size(), dlqOf.get(e.getKey()));
        }
        assertEveryStageAliveWithoutRestart();
    }

    /** Sends a mutant that the stage must refuse (and expects it in the dead-letter topic); skips one that stayed valid. */
    private static void addBad(List<ProducerRecord<String, String>> records, Map<String, Set<String>> expected, String topic, EventFuzz.Mutant m,
                               java.util.function.Function<String, Object> decoder, Set<String> registered, boolean refusesUnregistered) {
        boolean refused = !EventFuzz.decodes(decoder, m.value());
        if (!refused) {
            JsonNode slot = EventFuzz.tree(m.value()).path("slot");
            String key = SlotId.personaKey(slot.path("target").asText(), slot.path("runId").asText(), slot.path("personaId").asText());
            refused = !key.equals(m.key()) || (refusesUnregistered && !registered.contains(slot.path("target").asText()));
        }
        if (!refused) return;
        records.add(new ProducerRecord<>(topic, m.key(), m.value()));
        expected.computeIfAbsent(topic, t -> new HashSet<>()).add(m.key() + "\u0000" + m.value());
    }

    /**
     * A target whose provider is down (every call 503: retries, an open circuit) beside a healthy one: the healthy
     * run takes as long as alone. Deleting the failing target cancels its run and the gateway drops its waiting calls.
     */
    @Test
    @Order(2)
    void aFailingTargetDoesNotDelayAHealthyOneAndDeletingItCancelsItsRun() throws Exception {
        register("healthy", "{\"model\":\"sim-base\",\"personas\":\"default\",\"n\":2}");
        register("down", "{\"model\":\"sim-down\",\"personas\":\"default\",\"n\":2}");
        RunWatch watch = new RunWatch(stack.url("metrics-aggregator"));
        // warm-up, then the healthy target alone
        timeRun(watch, "healthy");
        double alone = timeRun(watch, "healthy");
        RunWatch.Tracked down = watch.submit(stack.url("prompt-generator"), RunWatch.runRequest("down", null, 2, null));
        Thread.sleep(3000); // its first window of prompts is waiting in the gateway behind an open circuit
        double beside = timeRun(watch, "healthy");
        System.out.printf("isolation: healthy 6,000-slot run alone %.1f s, beside a target whose provider is down %.1f s%n", alone, beside);
        report.add("isolation: alone " + alone + " s, beside a failing target " + beside + " s");
        assertTrue(beside <= alone * 1.5 + 3, "the healthy run is not delayed: alone " + alone + " s, beside the failing target " + beside + " s");
        JsonNode downRun = Http.get(stack.url("prompt-generator") + "/api/v1/runs/" + down.runId).json();
        assertTrue(downRun.path("settled").asLong() < 6000, "the failing target's run is still going: " + downRun);
        assertEquals(204, Http.delete(stack.url("prompt-generator") + "/api/v1/targets/down").status());
        long deadline = System.currentTimeMillis() + 20_000;
        while (!"cancelled".equals(Http.get(stack.url("prompt-generator") + "/api/v1/runs/" + down.runId).json().path("state").asText())
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertEquals("cancelled", Http.get(stack.url("prompt-generator") + "/api/v1/runs/" + down.runId).json().path("state").asText());
        deadline = System.currentTimeMillis() + 30_000;
        while (BenchCommand.counter(stack.url("model-gateway"), "pmc_gateway_pending") > 0 && System.currentTimeMillis() < deadline) Thread.sleep(200);
        assertEquals(0, BenchCommand.counter(stack.url("model-gateway"), "pmc_gateway_pending"), "the gateway dropped the deleted target's waiting prompts");
    }

    private static double timeRun(RunWatch watch, String target) throws Exception {
        long t0 = System.currentTimeMillis();
        RunWatch.Tracked t = watch.submit(stack.url("prompt-generator"), RunWatch.runRequest(target, null, 2, null));
        awaitSettled(target, t.runId, t.slots, Duration.ofSeconds(180));
        return (System.currentTimeMillis() - t0) / 1000.0;
    }

    /**
     * kill -9 of each service in turn, then of the broker, 3 s into a paper-scale run of sim-base (100 personas × 30
     * items × 10): the supervisor restarts the dead process; the run completes at exactly 30,000 settled slots without
     * any other intervention; every slot counts once, so S, R and ū equal the same run computed undisturbed
     * (in-process, same prompts and seeds); the prompt-generator's view of the run equals the aggregator's.
     */
    @Test
    @Order(3)
    void killingEachServiceAndTheBrokerMidRunLosesAndDoublesNothing() throws Exception {
        register("chaos", "{\"model\":\"sim-base\",\"personas\":\"default\",\"n\":10}");
        var sim = new SimModels(1234, Optional.empty(), 0).get("sim-base").orElseThrow();
        List<String> lines = new ArrayList<>();
        for (String victim : List.of("prompt-generator", "model-gateway", "response-scorer", "metrics-aggregator", "kafka")) {
            RunWatch watch = new RunWatch(stack.url("metrics-aggregator"));
            RunWatch.Tracked run = watch.submit(stack.url("prompt-generator"), RunWatch.runRequest("chaos", null, 10, null));
            assertEquals(30_000, run.slots);
            long deadline = System.currentTimeMillis() + 30_000;
            while (runSummary("chaos", run.runId).path("settledSlots").asLong() < 3000 && System.currentTimeMillis() < deadline) Thread.sleep(100);
            ServiceProcess p = stack.processes().get(victim);
            int restartsBefore = p.restarts();
            long killedAt = System.currentTimeMillis();
            long settledAtKill = runSummary("chaos", run.runId).path("settledSlots").asLong();
            p.kill();
            // back up: the supervisor restarted it and it is ready
            while (p.restarts() == restartsBefore || !ready(p)) {
                assertTrue(System.currentTimeMillis() - killedAt < 120_000, victim + " not back within 120 s");
                Thread.sleep(100);
            }
            double recovered = (System.currentTimeMillis() - killedAt) / 1000.0;
            awaitSettled("chaos", run.runId, 30_000, Duration.ofSeconds(300));
            double done = (System.currentTimeMillis() - killedAt) / 1000.0;
            Thread.sleep(2500); // a late duplicate would show now
            JsonNode summary = runSummary("chaos", run.runId);
            assertEquals(30_000, summary.path("settledSlots").asLong(), victim + ": exactly 30,000 settled");
            assertEquals(30_000, summary.path("validRatings").asLong() + summary.path("failedSlots").asLong(), victim + ": each slot once");
            MetricsResult expected = OfflineSimulation.personaRun(sim, PersonaCatalog.defaultSet(), 10, 0.1, run.runId);
            JsonNode m = Http.get(stack.url("metrics-aggregator") + "/api/v1/targets/chaos/metrics").json();
            assertEquals(run.runId, m.path("runId").asText(), victim + ": the reading is this run");
            assertEquals(expected.overall().susceptibility(), m.path("susceptibility").asDouble(), 1e-12, victim + ": S as undisturbed");
            assertEquals(expected.overall().withinSd(), m.path("withinSd").asDouble(), 1e-12, victim + ": ū as undisturbed");
            assertEquals(expected.overall().robustness(), m.path("robustness").asDouble(), 1e-9, victim + ": R as undisturbed");
            long until = System.currentTimeMillis() + 20_000;
            JsonNode g = Http.get(stack.url("prompt-generator") + "/api/v1/runs/" + run.runId).json();
            while (!"completed".equals(g.path("state").asText()) && System.currentTimeMillis() < until) {
                Thread.sleep(200);
                g = Http.get(stack.url("prompt-generator") + "/api/v1/runs/" + run.runId).json();
            }
            assertEquals("completed", g.path("state").asText(), victim + ": the generator completed the run: " + g);
            assertEquals(summary.path("settledSlots").asLong(), g.path("settled").asLong(), victim + ": the generator's view equals the aggregator's");
            String line = String.format(java.util.Locale.ROOT, "kill -9 %s at %d/30000 settled: back (restarted and ready) after %.1f s, run complete %.1f s after the kill, %d redelivered ratings dropped as duplicates",
                    victim, settledAtKill, recovered, done, summary.path("duplicates").asLong());
            System.out.println("chaos: " + line);
            lines.add(line);
        }
        report.addAll(lines);
        Files.writeString(ServiceProcess.projectRoot().resolve("cli/target/chaos-report.txt"), String.join("\n", report) + "\n");
    }

    private static boolean ready(ServiceProcess p) throws InterruptedException {
        if (!p.alive()) return false;
        if (p.name().equals("kafka")) {
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", stack.bootstrap(), "request.timeout.ms", 2000,
                    "default.api.timeout.ms", 3000))) {
                admin.describeCluster().nodes().get(3, java.util.concurrent.TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }
        return p.httpStatus("/q/health/ready") == 200;
    }

    /**
     * Two prompt-generator replicas on one schedule (every 10 s): sampled every 100 ms, exactly one is leader (never
     * two); each schedule period yields one run (ids are the period's start) and every one of them completes with the
     * generator's count equal to the aggregator's; when the leader is killed the schedule goes on without a gap
     * longer than the failover.
     */
    @Test
    @Order(4)
    void twoGeneratorReplicasScheduleEveryPeriodOnceAndTakeOverFromEachOther() throws Exception {
        ServiceProcess second = stack.startGeneratorReplica("prompt-generator-2");
        ServiceProcess first = stack.processes().get("prompt-generator");
        List<ServiceProcess> replicas = List.of(first, second);
        java.util.concurrent.atomic.AtomicInteger twoLeaders = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                int leaders = 0;
                for (ServiceProcess p : replicas) {
                    try {
                        if (BenchCommand.counter(p.url(), "pmc_generator_leader") == 1) leaders++;
                    } catch (Exception down) {
                        // a killed replica is no leader
                    }
                }
                if (leaders > 1) twoLeaders.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        register("sched", "{\"model\":\"sim-base\",\"personas\":\"toxic\",\"n\":1,\"schedule\":{\"every\":\"10s\"}}");
        Thread.sleep(32_000);
        ServiceProcess leader = null;
        for (ServiceProcess p : replicas) if (BenchCommand.counter(p.url(), "pmc_generator_leader") == 1) leader = p;
        assertTrue(leader != null, "one replica leads");
        long killedAt = System.currentTimeMillis();
        leader.kill();
        System.out.println("leader: killed " + leader.name() + " after 32 s of scheduling");
        Thread.sleep(40_000);
        // stop scheduling, let the last run finish
        assertEquals(200, Http.putJson(stack.url("prompt-generator") + "/api/v1/targets/sched", "{\"model\":\"sim-base\",\"personas\":\"toxic\",\"n\":1}").status());
        Thread.sleep(15_000);
        sampling.set(false);
        sampler.join();
        assertEquals(0, twoLeaders.get(), "samples with two leaders at once");

        List<String> runIds = new ArrayList<>();
        for (var r : TopicReader.readAll(stack.bootstrap(), Topics.RUNS)) {
            if (r.value() != null && r.key().endsWith("-sched") && !runIds.contains(r.key())) runIds.add(r.key());
        }
        Collections.sort(runIds);
        System.out.println("leader: scheduled runs " + runIds);
        assertTrue(runIds.size() >= 6, "about one run per 10 s over 72 s, got " + runIds);
        long previous = -1, largestGap = 0;
        for (String id : runIds) {
            long t = java.time.LocalDateTime.parse(id.substring(0, 18), java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS"))
                    .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
            assertEquals(0, t % 10_000, id + " starts a 10 s period");
            if (previous >= 0) largestGap = Math.max(largestGap, t - previous);
            previous = t;
            JsonNode g = Http.get(stack.url("prompt-generator") + "/api/v1/runs/" + id).json();
            assertEquals("completed", g.path("state").asText(), id + ": " + g);
            JsonNode summary = runSummary("sched", id);
            assertEquals(g.path("slots").asLong(), summary.path("settledSlots").asLong(), id + ": all slots settled once");
            assertEquals(g.path("settled").asLong(), summary.path("settledSlots").asLong(), id + ": the generator's view equals the aggregator's");
        }
        // a killed leader is replaced within the session timeout (or it comes back itself): at most a period or two lost
        assertTrue(largestGap <= 30_000, "largest gap between scheduled runs " + largestGap + " ms (leader killed at " + killedAt + ")");
        String line = String.format(java.util.Locale.ROOT, "leader election: %d scheduled runs in 72 s with two replicas, leader killed after 32 s, largest gap between runs %.0f s, 0 samples with two leaders",
                runIds.size(), largestGap / 1000.0);
        System.out.println(line);
        report.add(line);
        Files.writeString(ServiceProcess.projectRoot().resolve("cli/target/chaos-report.txt"), String.join("\n", report) + "\n");
    }
}
