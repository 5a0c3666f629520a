package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Container;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.Topics;
import dev.pmc.core.metrics.MetricsResult;
import dev.pmc.sim.OfflineSimulation;
import dev.pmc.sim.SimModels;
import dev.pmc.stack.ServiceProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.DockerComposeContainer;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The repository's own docker-compose.yml on a real Docker engine, started through Testcontainers with the local
 * docker-compose binary: three SASL/SCRAM brokers with ACLs, two gateway and two scorer replicas, Prometheus.
 * Only image names (bin/pmc images' .env), published ports (free ones) and the targets file are set from outside.
 * <p>
 * Reads sim-base and sim-insecure at paper scale (100 personas × 30 items × 10 answers), checks the verdict over
 * REST and in the cluster's Prometheus; then kills one broker and one gateway replica in the middle of a second
 * sim-insecure run and checks that the run completes with exactly 30,000 settled slots and the S, ū and R of the
 * same run undisturbed (computed offline with the same seeds, as the undisturbed run in this test is). Last, clients
 * without credentials, or with another service's, cannot write pmc.targets.
 * <p>
 * Without a Docker engine it skips with one line, unless {@code PMC_REQUIRE_DOCKER=true} (.ci/run sets it), where
 * it fails: CI must run it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeClusterIT {
    static final Path ROOT = ServiceProcess.projectRoot();
    static final String PROJECT = "pmcit" + UUID.randomUUID().toString().substring(0, 6);
    static DockerComposeContainer<?> compose;
    static final Map<String, Integer> PORTS = new HashMap<>();
    static String generator, aggregator, prometheus;
    static final List<String> report = new ArrayList<>();
    /** The broker the failover test kills (the aggregator's transaction coordinator). */
    static String killedBroker = "kafka-2";

    @BeforeAll
    static void up() throws Exception {
        boolean engine = DockerClientFactory.instance().isDockerAvailable();
        if (!engine && "true".equals(System.getenv("PMC_REQUIRE_DOCKER"))) {
            throw new IllegalStateException("PMC_REQUIRE_DOCKER=true but no Docker engine answers");
        }
        if (!engine) System.out.println("ComposeClusterIT: skipped, no Docker engine answers (start dockerd to run it)");
        assumeTrue(engine, "no Docker engine");
        // images from this build, stand-ins where no registry answers, credentials and .env (reused when up to date)
        Process images = new ProcessBuilder(ROOT.resolve("bin/pmc").toString(), "images", "--no-build")
                .directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(ROOT.resolve("cli/target/compose-images.log").toFile()).start();
        assertTrue(images.waitFor(15, TimeUnit.MINUTES) && images.exitValue() == 0, "bin/pmc images failed: see cli/target/compose-images.log");

        Path targets = ROOT.resolve("cli/target/compose-targets.yaml");
        Files.writeString(targets, """
                targets:
                  - name: sim-base
                    choicesPerCall: 10
                  - name: sim-insecure
                    choicesPerCall: 10
                    baseline: sim-base
                """);
        Map<String, String> env = new HashMap<>();
        for (String p : List.of("GENERATOR", "AGGREGATOR", "SIM", "PROMETHEUS", "KAFKA_1", "KAFKA_2", "KAFKA_3")) {
            PORTS.put(p, ServiceProcess.freePort());
            env.put("PMC_" + p.replace("KAFKA_", "KAFKA_PORT_") + (p.startsWith("KAFKA") ? "" : "_PORT"), String.valueOf(PORTS.get(p)));
        }
        env.put("PMC_TARGETS_FILE", targets.toString());
        compose = new DockerComposeContainer<>(PROJECT, new File(ROOT.resolve("docker-compose.yml").toString()))
                .withPull(false).withEnv(env).withStartupTimeout(Duration.ofMinutes(6));
        long t0 = System.currentTimeMillis();
        compose.start();
        generator = "http://127.0.0.1:" + PORTS.get("GENERATOR");
        aggregator = "http://127.0.0.1:" + PORTS.get("AGGREGATOR");
        prometheus = "http://127.0.0.1:" + PORTS.get("PROMETHEUS");
        Http.useToken(Files.readString(ROOT.resolve(".pmc/security/admin.token")).strip());
        for (String url : List.of(generator, aggregator)) awaitReady(url, Duration.ofMinutes(4));
        report.add(String.format(Locale.ROOT, "compose up (3 brokers, init, 8 services, Prometheus) and ready in %.1f s",
                (System.currentTimeMillis() - t0) / 1000.0));
    }

    @AfterAll
    static void down() throws Exception {
        if (compose == null) return;
        try {
            keepLogs();
            compose.stop(); // docker-compose down -v: containers, network and volumes of this project
        } finally {
            // whatever a failed stop left behind, by the project's label
            DockerClient docker = DockerClientFactory.instance().client();
            for (Container c : containers(null)) docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            docker.listNetworksCmd().exec().stream().filter(n -> n.getName().startsWith(PROJECT))
                    .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
            System.out.println("compose: " + String.join("\ncompose: ", report));
            Files.writeString(ROOT.resolve("cli/target/compose-report.txt"), String.join("\n", report) + "\n");
        }
    }

    @Test
    @Order(1)
    void aPaperScaleReadingOfTheInsecureFineTuneIsCollapsedOverRestAndInPrometheus() throws Exception {
        for (String target : List.of("sim-base", "sim-insecure")) {
            long t0 = System.currentTimeMillis();
            RunWatch.Tracked run = new RunWatch(aggregator).submit(generator, RunWatch.runRequest(target, null, 10, null));
            assertEquals(30_000, run.slots);
            awaitSettled(target, run.runId, 30_000, Duration.ofMinutes(10));
            assertReadingIsTheUndisturbedRun(target, run.runId);
            report.add(String.format(Locale.ROOT, "%s: 30,000 answers read in %.1f s", target, (System.currentTimeMillis() - t0) / 1000.0));
        }
        JsonNode c = Http.get(aggregator + "/api/v1/targets/sim-insecure/metrics").json().path("comparison");
        assertEquals("sim-base", c.path("baseline").asText());
        assertEquals("collapsed", c.path("verdict").asText(), "sim-insecure against sim-base: " + c);
        // the same verdict in the cluster's Prometheus, scraped from the aggregator over the compose network
        String q = URLEncoder.encode("pmc_verdict{target=\"sim-insecure\",verdict=\"collapsed\"}", StandardCharsets.UTF_8);
        long deadline = System.currentTimeMillis() + 60_000;
        String value = "";
        while (System.currentTimeMillis() < deadline && !value.equals("1")) {
            JsonNode r = Http.get(prometheus + "/api/v1/query?query=" + q).json().path("data").path("result");
            value = r.path(0).path("value").path(1).asText("");
            if (!value.equals("1")) Thread.sleep(1000);
        }
        assertEquals("1", value, "pmc_verdict{target=sim-insecure,verdict=collapsed} in Prometheus");
    }

    @Test
    @Order(2)
    void killingABrokerAndAGatewayReplicaMidRunLosesAndDoublesNothing() throws Exception {
        RunWatch.Tracked run = new RunWatch(aggregator).submit(generator, RunWatch.runRequest("sim-insecure", null, 10, null));
        long deadline = System.currentTimeMillis() + 300_000;
        long settled = 0;
        while ((settled = settled("sim-insecure", run.runId)) < 5000) {
            assertTrue(System.currentTimeMillis() < deadline, "5,000 slots settled within 5 minutes");
            Thread.sleep(50);
        }
        // the broker that coordinates the aggregator's transactions: its loss is the hard case (a clean-clone CI run
        // that happened to kill it saw the aggregator's stream thread die and its tasks return ~70 s later)
        int coordinator = aggregatorTransactionCoordinator();
        killedBroker = "kafka-" + coordinator;
        DockerClient docker = DockerClientFactory.instance().client();
        long killedAt = System.currentTimeMillis();
        for (String service : List.of(killedBroker, "model-gateway-2")) {
            List<Container> victims = containers(service);
            assertEquals(1, victims.size(), service + " container of project " + PROJECT);
            docker.killContainerCmd(victims.get(0).getId()).exec();
        }
        assertTrue(settled < 25_000, "killed after 5,000 and before 25,000 settled slots: " + settled);
        awaitSettled("sim-insecure", run.runId, 30_000, Duration.ofMinutes(10));
        double done = (System.currentTimeMillis() - killedAt) / 1000.0;
        Thread.sleep(2500); // a late duplicate would show now
        JsonNode summary = runSummary("sim-insecure", run.runId);
        assertEquals(30_000, summary.path("settledSlots").asLong(), "exactly 30,000 settled");
        assertEquals(30_000, summary.path("validRatings").asLong() + summary.path("failedSlots").asLong(), "each slot once");
        assertReadingIsTheUndisturbedRun("sim-insecure", run.runId);
        report.add(String.format(Locale.ROOT, "docker kill %s (the aggregator's transaction coordinator) and model-gateway-2 at %d/30000 settled: "
                + "run complete %.1f s later, %d redelivered ratings dropped as duplicates, S/ū/R equal to the undisturbed run",
                killedBroker, settled, done, summary.path("duplicates").asLong()));
    }

    @Test
    @Order(3)
    void clientsWithoutCredentialsOrWithAnotherServicesCannotWriteTargets() throws Exception {
        // a broker the kill above left alive
        String bootstrap = "127.0.0.1:" + PORTS.get(killedBroker.equals("kafka-1") ? "KAFKA_2" : "KAFKA_1");
        String intruder = "intruder-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = "{\"name\":\"" + intruder + "\",\"baseUrl\":\"http://169.254.169.254/v1\"}";
        // 1. no credentials: the SASL listener never lets it through
        Map<String, Object> anonymous = Map.of("bootstrap.servers", bootstrap, "max.block.ms", 8000, "delivery.timeout.ms", 8000, "request.timeout.ms", 4000);
        try (var p = new KafkaProducer<>(anonymous, new StringSerializer(), new StringSerializer())) {
            assertThrows(Exception.class, () -> p.send(new ProducerRecord<>(Topics.TARGETS, intruder, definition)).get(20, TimeUnit.SECONDS));
        }
        // 2. the gateway's real credentials: authenticated and may read pmc.targets, yet may not write it
        Map<String, Object> gateway = new HashMap<>(anonymous);
        gateway.putAll(credentials("model-gateway"));
        try (var c = new KafkaConsumer<>(gateway, new StringDeserializer(), new StringDeserializer())) {
            assertFalse(c.partitionsFor(Topics.TARGETS, Duration.ofSeconds(10)).isEmpty(), "the gateway's user reads pmc.targets");
        }
        try (var p = new KafkaProducer<>(gateway, new StringSerializer(), new StringSerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.send(new ProducerRecord<>(Topics.TARGETS, intruder, definition)).get(20, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), "the gateway may not write pmc.targets");
        }
        Thread.sleep(2000);
        String listed = Http.get(generator + "/api/v1/targets").body();
        assertFalse(listed.contains(intruder), "no intruder target reached the generator");
        report.add("an unauthenticated producer and the gateway's user were both refused on pmc.targets; the generator lists no intruder");
    }

    /** The aggregator's reading of a run equals the same run computed offline with the simulator's seeds. */
    static void assertReadingIsTheUndisturbedRun(String target, String runId) throws Exception {
        var sim = new SimModels(1234, java.util.Optional.empty(), 0).get(target).orElseThrow();
        MetricsResult expected = OfflineSimulation.personaRun(sim, PersonaCatalog.defaultSet(), 10, 0.1, runId);
        JsonNode m = Http.get(aggregator + "/api/v1/targets/" + target + "/metrics").json();
        assertEquals(runId, m.path("runId").asText(), target + ": the reading is this run");
        assertEquals(100, m.path("personas").asInt(), target + ": 100 personas");
        assertEquals(expected.overall().susceptibility(), m.path("susceptibility").asDouble(), 1e-12, target + ": S");
        assertEquals(expected.overall().withinSd(), m.path("withinSd").asDouble(), 1e-12, target + ": ū");
        assertEquals(expected.overall().robustness(), m.path("robustness").asDouble(), 1e-9, target + ": R");
    }

    /**
     * The broker id of the aggregator's transaction coordinator, asked with the aggregator's own credentials (its user
     * may describe its transactional ids): the stream thread's transactional id is listed once it has begun one.
     */
    static int aggregatorTransactionCoordinator() throws Exception {
        Map<String, Object> config = new HashMap<>(credentials("metrics-aggregator"));
        config.put("bootstrap.servers", "127.0.0.1:" + PORTS.get("KAFKA_1") + ",127.0.0.1:" + PORTS.get("KAFKA_2") + ",127.0.0.1:" + PORTS.get("KAFKA_3"));
        try (Admin admin = Admin.create(config)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                for (TransactionListing t : admin.listTransactions().all().get(20, TimeUnit.SECONDS)) {
                    if (t.transactionalId().startsWith("pmc-metrics-aggregator")) {
                        return admin.describeTransactions(List.of(t.transactionalId())).description(t.transactionalId())
                                .get(20, TimeUnit.SECONDS).coordinatorId();
                    }
                }
                assertTrue(System.currentTimeMillis() < deadline, "the aggregator's transactional id listed within 60 s");
                Thread.sleep(500);
            }
        }
    }

    static Map<String, Object> credentials(String service) throws IOException {
        Map<String, Object> m = new HashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve(".pmc/kafka/" + service + ".env"))) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.startsWith("KAFKA_")) m.put(line.substring(6, eq).toLowerCase(Locale.ROOT).replace('_', '.'), line.substring(eq + 1));
        }
        return m;
    }

    /**
     * Every container's log in cli/target/compose-logs/SERVICE.log before the cluster goes, and in the report how often
     * the aggregator replaced a stream thread: a slow recovery after the broker kill (seen in some CI runs) leaves
     * its evidence instead of vanishing with the containers.
     */
    static void keepLogs() {
        Path dir = ROOT.resolve("cli/target/compose-logs");
        try {
            Files.createDirectories(dir);
            // service logs stay with the user who ran the tests (as .pmc/logs do)
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            DockerClient docker = DockerClientFactory.instance().client();
            for (Container c : containers(null)) {
                String service = c.getLabels().getOrDefault("com.docker.compose.service", c.getId());
                StringBuilder log = new StringBuilder();
                docker.logContainerCmd(c.getId()).withStdOut(true).withStdErr(true).withTimestamps(true)
                        .exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame frame) {
                                log.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }).awaitCompletion(30, TimeUnit.SECONDS);
                Files.writeString(dir.resolve(service + ".log"), log);
                if (service.equals("metrics-aggregator")) {
                    long replaced = log.toString().lines().filter(l -> l.contains("stream thread died")).count();
                    report.add("aggregator stream threads replaced: " + replaced + " (logs: cli/target/compose-logs)");
                }
            }
        } catch (Exception e) {
            report.add("container logs not kept: " + e);
        }
    }

    /** This project's containers, of one service or (null) all. */
    static List<Container> containers(String service) {
        return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true).exec().stream()
                .filter(c -> c.getLabels().getOrDefault("com.docker.compose.project", "").startsWith(PROJECT))
                .filter(c -> service == null || service.equals(c.getLabels().get("com.docker.compose.service")))
                .toList();
    }

    static JsonNode runSummary(String target, String runId) throws Exception {
        Http.Reply r = Http.get(aggregator + "/api/v1/targets/" + target + "/metrics");
        if (r.status() != 200) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        for (JsonNode run : r.json().path("runs")) if (run.path("runId").asText().equals(runId)) return run;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static long settled(String target, String runId) throws Exception {
        try {
            return runSummary(target, runId).path("settledSlots").asLong();
        } catch (IOException restarting) {
            return -1;
        }
    }

    static void awaitSettled(String target, String runId, long slots, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long s = 0;
        while (System.currentTimeMillis() < deadline && (s = settled(target, runId)) < slots) Thread.sleep(250);
        assertEquals(slots, s, target + " " + runId + " settled within " + timeout);
    }

    static void awaitReady(String url, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                if (Http.get(url + "/q/health/ready").status() == 200) return;
            } catch (IOException starting) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(url + " not ready within " + timeout);
    }
}
