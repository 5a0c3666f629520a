package dev.pmc.cli;

import dev.pmc.stack.LocalSecurity;

import dev.pmc.core.Topics;
import dev.pmc.kafka.EmbeddedKafka;
import dev.pmc.stack.ServiceProcess;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.targets.TargetFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The local PMC stack: the Kafka broker, provider-sim and the four services, each a separate JVM process, watched by a
 * supervisor: a process that dies (or whose liveness check fails three times in a row) is restarted with exponential
 * backoff (1 s doubling to 30 s; reset after a minute of uptime) on the same ports, so the stack heals without a
 * restart of the whole. Every child exits by itself when this JVM is gone, so nothing is left orphaned on its ports.
 * Closing the stack stops everything, services first.
 */
final class Stack implements AutoCloseable {
    /** Ports and directories of a stack. Port 0 means "pick a free one". */
    record Config(Path root, Path dataDir, int kafkaPort, int kafkaControllerPort, int simPort, int generatorPort,
                  int gatewayPort, int scorerPort, int aggregatorPort, long simLatencyMs, int partitions,
                  Path targetsFile, Map<String, Path> replays, List<String> allowedBaseUrls) {
        static Config defaults(Path root) {
            return new Config(root, root.resolve(".pmc"), 19092, 19093, 8090, 8081, 8082, 8083, 8084, -1,
                    Topics.DEFAULT_PARTITIONS, null, Map.of(), List.of());
        }

        /** Base URLs targets may use besides the simulator (bin/pmc up --allow-base-url: a local vLLM, Ollama, ...). */
        Config withAllowedBaseUrls(List<String> urls) {
            return new Config(root, dataDir, kafkaPort, kafkaControllerPort, simPort, generatorPort, gatewayPort, scorerPort,
                    aggregatorPort, simLatencyMs, partitions, targetsFile, replays, List.copyOf(urls));
        }

        Config withFreePorts(Path dataDir) {
            return new Config(root, dataDir, ServiceProcess.freePort(), ServiceProcess.freePort(), ServiceProcess.freePort(), ServiceProcess.freePort(),
                    ServiceProcess.freePort(), ServiceProcess.freePort(), ServiceProcess.freePort(), simLatencyMs, partitions, targetsFile, replays,
                    allowedBaseUrls);
        }

        Config withSimLatency(long ms) {
            return new Config(root, dataDir, kafkaPort, kafkaControllerPort, simPort, generatorPort, gatewayPort, scorerPort,
                    aggregatorPort, ms, partitions, targetsFile, replays, allowedBaseUrls);
        }

        /** The prompt-generator loads this target registry file (pmc.targets-file). */
        Config withTargetsFile(Path file) {
            return new Config(root, dataDir, kafkaPort, kafkaControllerPort, simPort, generatorPort, gatewayPort, scorerPort,
                    aggregatorPort, simLatencyMs, partitions, file, replays, allowedBaseUrls);
        }

        /** provider-sim serves each file as model {@code replay:NAME} (besides every file of the shared reference data). */
        Config withReplays(Map<String, Path> files) {
            return new Config(root, dataDir, kafkaPort, kafkaControllerPort, simPort, generatorPort, gatewayPort, scorerPort,
                    aggregatorPort, simLatencyMs, partitions, targetsFile, Map.copyOf(files), allowedBaseUrls);
        }

        /** The published reference data beside the project (../shared/reference-data and its calibration set), where present. */
        List<Path> replayDirs() {
            Path shared = root.resolve("../shared/reference-data").normalize();
            return java.util.stream.Stream.of(shared, shared.resolve("collapse-calibration")).filter(Files::isDirectory).toList();
        }
    }

    /** rwx------ on a directory (where the file system has POSIX permissions). */
    static void ownerOnly(Path dir) throws java.io.IOException {
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // nothing to set
        }
    }

    /** The order processes start in (and the reverse of the order they stop in). */
    static final List<String> SERVICES = List.of("provider-sim", "prompt-generator", "model-gateway", "response-scorer", "metrics-aggregator");

    private final Config config;
    private LocalSecurity security;
    private final Map<String, ServiceProcess> processes;
    private final ServiceProcess kafka;
    private Process prometheus;
    private Map<String, String> gatewayProps = Map.of();
    private Map<String, String> generatorProps = Map.of();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stack-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Restart> restarts = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private volatile Consumer<String> events = s -> { };

    /** Backoff state of one process. */
    private static final class Restart {
        long delayMs = 1000, dueAtMs;
        int failedLiveness;
        boolean pending;
    }

    private Stack(Config config, ServiceProcess kafka, Map<String, ServiceProcess> processes) {
        this.config = config;
        this.kafka = kafka;
        this.processes = processes;
    }

    static Stack start(Config c, java.io.PrintStream log) throws Exception {
        Path logs = c.dataDir().resolve("logs");
        Files.createDirectories(logs);
        // everything of the stack (keys, tokens, logs, broker data, secrets) lives below its data directory: owner-only
        ownerOnly(c.dataDir());
        ownerOnly(logs);
        int kafkaPort = c.kafkaPort() == 0 ? ServiceProcess.freePort() : c.kafkaPort();
        int controllerPort = c.kafkaControllerPort() == 0 ? ServiceProcess.freePort() : c.kafkaControllerPort();
        log.printf("starting Kafka (KRaft, data in %s) ...%n", c.dataDir().resolve("kafka"));
        ServiceProcess kafka = ServiceProcess.startMain("kafka", cliClasspath(), EmbeddedKafka.class.getName(),
                List.of(c.dataDir().resolve("kafka").toString(), Integer.toString(kafkaPort), Integer.toString(controllerPort),
                        Integer.toString(c.partitions())), kafkaPort,
                Map.of("org.slf4j.simpleLogger.defaultLogLevel", "warn", "log4j2.loggerContextFactory",
                        "org.apache.logging.log4j.simple.SimpleLoggerContextFactory"), logs, "512m", EmbeddedKafka.READY_LINE);
        Map<String, ServiceProcess> started = new LinkedHashMap<>();
        started.put("kafka", kafka);
        Stack stack = new Stack(c, kafka, started);
        try {
            // tokens: the services verify them with the stack's public key; this JVM calls them as admin
            stack.security = LocalSecurity.ensure(c.dataDir());
            Http.useToken(stack.security.admin());
            kafka.awaitReady(Duration.ofSeconds(90));
            String bootstrap = stack.bootstrap();
            String simUrl = "http://127.0.0.1:" + c.simPort() + "/v1";
            Map<String, String> kafkaProps = new LinkedHashMap<>(stack.security.serviceProperties());
            kafkaProps.put("kafka.bootstrap.servers", bootstrap);
            // every service validates the targets it reads from pmc.targets, so all of them need the same minimum
            String minPeriod = System.getProperty("pmc.schedule.min-seconds");
            if (minPeriod != null) kafkaProps.put("pmc.schedule.min-seconds", minPeriod);
            // the local simulator, and what the operator allowed with --allow-base-url, are the loopback or private
            // addresses targets may use (with the same checks at registration and in the gateway)
            List<String> allowed = new java.util.ArrayList<>(List.of("http://127.0.0.1:" + c.simPort() + "/"));
            allowed.addAll(c.allowedBaseUrls());
            // and what the registry file's operator allows (allowedBaseUrls: in .pmc/targets.yaml)
            if (c.targetsFile() != null && Files.isRegularFile(c.targetsFile())) {
                for (String u : TargetFile.readRegistry(c.targetsFile()).allowedBaseUrls()) if (!allowed.contains(u)) allowed.add(u);
            }
            kafkaProps.put("pmc.security.allowed-base-urls", String.join(",", allowed));
            Map<String, String> sim = new LinkedHashMap<>(stack.security.serviceProperties());
            if (c.simLatencyMs() >= 0) sim.put("pmc.sim.latency-ms", Long.toString(c.simLatencyMs()));
            // published ratings files served as replay:NAME models
            if (!c.replayDirs().isEmpty()) sim.put("pmc.sim.replay-dirs", String.join(",", c.replayDirs().stream().map(Path::toString).toList()));
            c.replays().forEach((name, file) -> sim.put("pmc.sim.replay." + name, file.toAbsolutePath().toString()));
            Map<String, String> gateway = new LinkedHashMap<>(kafkaProps);
            gateway.put("pmc.gateway.default-base-url", simUrl);
            // provider keys by name: files in the stack's secrets directory (apiKey: NAME in a target)
            Path secrets = c.dataDir().resolve("secrets");
            Files.createDirectories(secrets);
            try {
                Files.setPosixFilePermissions(secrets, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                // the directory keeps the file system's permissions
            }
            gateway.put("pmc.gateway.secrets-dir", secrets.toString());
            stack.gatewayProps = new LinkedHashMap<>(gateway);
            // stable consumer-group instance ids: a restarted process takes its partitions back without a timeout
            gateway.put("mp.messaging.incoming.prompts.group.instance.id", "local-model-gateway");
            Map<String, String> aggregator = new LinkedHashMap<>(kafkaProps);
            aggregator.put("pmc.aggregator.state-dir", c.dataDir().resolve("aggregator-state").toString());
            aggregator.put("pmc.aggregator.partitions", Integer.toString(c.partitions()));
            aggregator.put("pmc.aggregator.instance-id", "local-metrics-aggregator");
            Map<String, String> generator = new LinkedHashMap<>(kafkaProps);
            generator.put("pmc.generator.instance-id", "local-generator");
            // registration's ?probe=true asks the gateway for one call
            generator.put("pmc.generator.gateway-url", "http://127.0.0.1:" + c.gatewayPort());
            if (c.targetsFile() != null) generator.put("pmc.targets-file", c.targetsFile().toAbsolutePath().toString());
            stack.generatorProps = new LinkedHashMap<>(generator);
            log.println("starting provider-sim, prompt-generator, model-gateway, response-scorer, metrics-aggregator ...");
            started.put("provider-sim", ServiceProcess.start("provider-sim", ServiceProcess.appJar(c.root(), "provider-sim"), c.simPort(), sim, logs, "384m"));
            started.put("prompt-generator", ServiceProcess.start("prompt-generator", ServiceProcess.appJar(c.root(), "prompt-generator"), c.generatorPort(), generator, logs, "384m"));
            started.put("model-gateway", ServiceProcess.start("model-gateway", ServiceProcess.appJar(c.root(), "model-gateway"), c.gatewayPort(), gateway, logs, "384m"));
            Map<String, String> scorer = new LinkedHashMap<>(kafkaProps);
            scorer.put("mp.messaging.incoming.responses.group.instance.id", "local-response-scorer");
            started.put("response-scorer", ServiceProcess.start("response-scorer", ServiceProcess.appJar(c.root(), "response-scorer"), c.scorerPort(), scorer, logs, "384m"));
            started.put("metrics-aggregator", ServiceProcess.start("metrics-aggregator", ServiceProcess.appJar(c.root(), "metrics-aggregator"), c.aggregatorPort(), aggregator, logs, "512m"));
            ExecutorService ex = Executors.newFixedThreadPool(started.size());
            List<Future<?>> ready = new ArrayList<>();
            for (ServiceProcess s : started.values()) ready.add(ex.submit(() -> s.awaitReady(Duration.ofSeconds(120))));
            for (Future<?> f : ready) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw (e.getCause() instanceof Exception ce) ? ce : e;
                }
            }
            ex.shutdown();
            stack.supervisor.scheduleWithFixedDelay(stack::supervise, 1, 1, TimeUnit.SECONDS);
            // a stack that runs for weeks keeps valid local tokens: made again a week before they expire
            stack.supervisor.scheduleWithFixedDelay(stack::renewTokens, 1, 1, TimeUnit.HOURS);
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    /** The CLI's own class path (pmc-cli.jar and its lib/), which holds the broker. */
    static String cliClasspath() {
        return System.getProperty("java.class.path");
    }

    /** Where supervisor events (a death, a restart) are reported. */
    void onEvent(Consumer<String> listener) {
        this.events = listener;
    }

    /**
     * One supervision round: restart dead processes when their backoff is due; count failed liveness checks of the
     * services (3 in a row: killed, then restarted like a crash); reset the backoff after a minute of uptime.
     */
    private void supervise() {
        if (closing) return;
        long now = System.currentTimeMillis();
        for (ServiceProcess p : List.copyOf(processes.values())) {
            Restart r = restarts.computeIfAbsent(p.name(), k -> new Restart());
            try {
                if (p.alive()) {
                    if (r.pending) {
                        r.pending = false;
                        continue;
                    }
                    if (now - p.startedAtMs() > 60_000) r.delayMs = 1000;
                    if (!p.name().equals("kafka") && now - p.startedAtMs() > 120_000) {
                        int live = p.httpStatus("/q/health/live");
                        r.failedLiveness = live == 200 || live == -1 ? 0 : r.failedLiveness + 1;
                        if (r.failedLiveness >= 3) {
                            events.accept(p.name() + " fails its liveness check (HTTP " + live + ") 3 times: killing it for a restart");
                            r.failedLiveness = 0;
                            p.kill();
                        }
                    }
                    continue;
                }
                if (!r.pending) {
                    r.pending = true;
                    r.dueAtMs = now + r.delayMs;
                    events.accept(p.name() + " exited (code " + p.exitCode() + "): restarting in " + r.delayMs / 1000.0 + " s; log " + p.log());
                    continue;
                }
                if (now < r.dueAtMs) continue;
                p.restart();
                r.delayMs = Math.min(30_000, r.delayMs * 2);
                events.accept(p.name() + " restarted (pid " + p.pid() + ", restart " + p.restarts() + ")");
                if (Files.exists(descriptor(config.dataDir()))) writeDescriptor();
            } catch (Exception e) {
                events.accept("supervisor: " + p.name() + ": " + e.getMessage());
            }
        }
    }

    private void renewTokens() {
        try {
            long before = LocalSecurity.expiresAt(security.adminToken());
            security = LocalSecurity.ensure(config.dataDir());
            Http.useToken(security.admin());
            if (LocalSecurity.expiresAt(security.adminToken()) != before) events.accept("local tokens renewed (.pmc/security)");
        } catch (Exception e) {
            events.accept("cannot renew the local tokens: " + e.getMessage());
        }
    }

    /** Starts another model-gateway replica in the same consumer group (scaling out); it stops with the stack. */
    ServiceProcess startGatewayReplica(String name) throws Exception {
        return startGatewayReplica(name, Map.of());
    }

    /** A gateway replica with some properties of its own (tests: another consumer group, a JDK hosts file). */
    ServiceProcess startGatewayReplica(String name, Map<String, String> overrides) throws Exception {
        Map<String, String> props = new LinkedHashMap<>(gatewayProps);
        props.putAll(overrides);
        ServiceProcess p = ServiceProcess.start(name, ServiceProcess.appJar(config.root(), "model-gateway"), ServiceProcess.freePort(),
                props, config.dataDir().resolve("logs"), "384m").awaitReady(Duration.ofSeconds(120));
        processes.put(name, p);
        return p;
    }

    /** Starts another prompt-generator replica (its own instance id in the leader election); it stops with the stack. */
    ServiceProcess startGeneratorReplica(String name) throws Exception {
        Map<String, String> props = new LinkedHashMap<>(generatorProps);
        props.put("pmc.generator.instance-id", "local-" + name);
        ServiceProcess p = ServiceProcess.start(name, ServiceProcess.appJar(config.root(), "prompt-generator"), ServiceProcess.freePort(),
                props, config.dataDir().resolve("logs"), "384m").awaitReady(Duration.ofSeconds(120));
        processes.put(name, p);
        return p;
    }

    Config config() {
        return config;
    }

    LocalSecurity security() {
        return security;
    }

    String bootstrap() {
        return "127.0.0.1:" + kafka.port();
    }

    String url(String service) {
        return processes.get(service).url();
    }

    /** The services (HTTP processes), not the broker. */
    Map<String, ServiceProcess> services() {
        Map<String, ServiceProcess> out = new LinkedHashMap<>(processes);
        out.remove("kafka");
        return out;
    }

    /** Every process, the broker first. */
    Map<String, ServiceProcess> processes() {
        return processes;
    }

    /**
     * Writes .pmc/stack.json so that other commands (run, status, down) find the running stack: the supervisor's pid,
     * Kafka, the URLs, and every child's pid with its start time (so down can stop them even without the supervisor,
     * and never a process that merely reused a pid).
     */
    synchronized void writeDescriptor() throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        ProcessHandle self = ProcessHandle.current();
        d.put("pid", self.pid());
        d.put("startMs", self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L));
        d.put("kafka", bootstrap());
        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        Map<String, Long> starts = new LinkedHashMap<>();
        processes.forEach((k, v) -> {
            if (!k.equals("kafka")) urls.put(k, v.url());
            pids.put(k, v.pid());
            starts.put(k, v.processStartMs());
        });
        if (prometheus != null) {
            pids.put("prometheus", prometheus.pid());
            starts.put("prometheus", prometheus.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L));
        }
        d.put("urls", urls);
        d.put("pids", pids);
        d.put("starts", starts);
        Files.writeString(descriptor(config.dataDir()), EventCodec.encode(d));
    }

    static Path descriptor(Path dataDir) {
        return dataDir.resolve("stack.json");
    }

    /**
     * Starts Debian's {@code prometheus} (when on the PATH) with deploy/prometheus (scrape config and alert
     * rules for the default ports), data under .pmc/prometheus, under a shell that ends it when this JVM is gone.
     * Returns its URL, or null when not installed.
     */
    String startPrometheus(int port, java.io.PrintStream log) throws IOException {
        String bin = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "prometheus"))) bin = Path.of(dir, "prometheus").toString();
        }
        if (bin == null) {
            log.println("prometheus not installed (apt-get install prometheus): skipping it");
            return null;
        }
        Path data = config.dataDir().resolve("prometheus");
        Files.createDirectories(data);
        prometheus = new ProcessBuilder(ServiceProcess.boundToThisJvm(List.of(bin, "--config.file=" + config.root().resolve("deploy/prometheus/prometheus.yml"),
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + data)))
                .redirectErrorStream(true).redirectOutput(config.dataDir().resolve("logs/prometheus.log").toFile()).start();
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        closing = true;
        supervisor.shutdownNow();
        if (prometheus != null) {
            prometheus.destroy();
            try {
                prometheus.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ServiceProcess> services = new ArrayList<>(processes.values());
        services.remove(kafka);
        services.parallelStream().forEach(ServiceProcess::close);
        try {
            Files.deleteIfExists(descriptor(config.dataDir()));
        } catch (IOException ignored) {
            // best effort
        }
        kafka.close();
    }
}
