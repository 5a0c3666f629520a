package dev.pmc.cli;

import dev.pmc.core.Topics;
import dev.pmc.kafka.EmbeddedKafka;
import dev.pmc.stack.ServiceProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The local PMC stack: the embedded broker in this JVM, and provider-sim plus the four services as
 * separate JVM processes started from their packaged apps. Closing it stops everything, services first.
 */
final class Stack implements AutoCloseable {
    /** Ports and directories of a stack. Port 0 means "pick a free one". */
    record Config(Path root, Path dataDir, int kafkaPort, int kafkaControllerPort, int simPort, int generatorPort,
                  int gatewayPort, int scorerPort, int aggregatorPort, long simLatencyMs, int partitions, int gatewayInFlight,
                  Path targetsFile) {
        static Config defaults(Path root) {
            return new Config(root, root.resolve(".pmc"), 19092, 19093, 8090, 8081, 8082, 8083, 8084, -1,
                    Topics.DEFAULT_PARTITIONS, 64, null);
        }

        Config withFreePorts(Path dataDir) {
            return new Config(root, dataDir, 0, 0, ServiceProcess.freePort(), ServiceProcess.freePort(), ServiceProcess.freePort(),
                    ServiceProcess.freePort(), ServiceProcess.freePort(), simLatencyMs, partitions, gatewayInFlight, targetsFile);
        }

        Config withSimLatency(long ms) {
            return new Config(root, dataDir, kafkaPort, kafkaControllerPort, simPort, generatorPort, gatewayPort, scorerPort,
                    aggregatorPort, ms, partitions, gatewayInFlight, targetsFile);
        }

        /** The prompt-generator loads this target registry file (pmc.targets-file). */
        Config withTargetsFile(Path file) {
            return new Config(root, dataDir, kafkaPort, kafkaControllerPort, simPort, generatorPort, gatewayPort, scorerPort,
                    aggregatorPort, simLatencyMs, partitions, gatewayInFlight, file);
        }
    }

    private final Config config;
    private final EmbeddedKafka kafka;
    private final Map<String, ServiceProcess> services;
    private Process prometheus;
    private Map<String, String> gatewayProps = Map.of();

    private Stack(Config config, EmbeddedKafka kafka, Map<String, ServiceProcess> services) {
        this.config = config;
        this.kafka = kafka;
        this.services = services;
    }

    static Stack start(Config c, java.io.PrintStream log) throws Exception {
        Path logs = c.dataDir().resolve("logs");
        Files.createDirectories(logs);
        log.printf("starting Kafka (KRaft, data in %s) ...%n", c.dataDir().resolve("kafka"));
        EmbeddedKafka kafka = EmbeddedKafka.start(c.dataDir().resolve("kafka"), c.kafkaPort(), c.kafkaControllerPort());
        kafka.createPipelineTopics(c.partitions());
        String bootstrap = kafka.bootstrapServers();
        String simUrl = "http://127.0.0.1:" + c.simPort() + "/v1";
        Map<String, ServiceProcess> started = new LinkedHashMap<>();
        Stack stack = new Stack(c, kafka, started);
        try {
            Map<String, String> kafkaProps = Map.of("kafka.bootstrap.servers", bootstrap);
            Map<String, String> sim = new LinkedHashMap<>();
            if (c.simLatencyMs() >= 0) sim.put("pmc.sim.latency-ms", Long.toString(c.simLatencyMs()));
            Map<String, String> gateway = new LinkedHashMap<>(kafkaProps);
            gateway.put("pmc.gateway.default-base-url", simUrl);
            gateway.put("pmc.gateway.default-max-in-flight", Integer.toString(c.gatewayInFlight()));
            stack.gatewayProps = gateway;
            Map<String, String> aggregator = new LinkedHashMap<>(kafkaProps);
            aggregator.put("pmc.aggregator.state-dir", c.dataDir().resolve("aggregator-state").toString());
            aggregator.put("pmc.aggregator.partitions", Integer.toString(c.partitions()));
            log.println("starting provider-sim, prompt-generator, model-gateway, response-scorer, metrics-aggregator ...");
            started.put("provider-sim", ServiceProcess.start("provider-sim", ServiceProcess.appJar(c.root(), "provider-sim"), c.simPort(), sim, logs, "384m"));
            Map<String, String> generator = new LinkedHashMap<>(kafkaProps);
            if (c.targetsFile() != null) generator.put("pmc.targets-file", c.targetsFile().toAbsolutePath().toString());
            started.put("prompt-generator", ServiceProcess.start("prompt-generator", ServiceProcess.appJar(c.root(), "prompt-generator"), c.generatorPort(), generator, logs, "384m"));
            started.put("model-gateway", ServiceProcess.start("model-gateway", ServiceProcess.appJar(c.root(), "model-gateway"), c.gatewayPort(), gateway, logs, "384m"));
            started.put("response-scorer", ServiceProcess.start("response-scorer", ServiceProcess.appJar(c.root(), "response-scorer"), c.scorerPort(), kafkaProps, logs, "384m"));
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
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    /** Starts another model-gateway replica in the same consumer group (scaling out); it stops with the stack. */
    ServiceProcess startGatewayReplica(String name) throws Exception {
        ServiceProcess p = ServiceProcess.start(name, ServiceProcess.appJar(config.root(), "model-gateway"), ServiceProcess.freePort(),
                gatewayProps, config.dataDir().resolve("logs"), "384m").awaitReady(Duration.ofSeconds(120));
        services.put(name, p);
        return p;
    }

    Config config() {
        return config;
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    String url(String service) {
        return services.get(service).url();
    }

    Map<String, ServiceProcess> services() {
        return services;
    }

    /** Writes .pmc/stack.json so that other commands (run, status) find the running stack. */
    void writeDescriptor() throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pid", ProcessHandle.current().pid());
        d.put("kafka", bootstrap());
        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        services.forEach((k, v) -> {
            urls.put(k, v.url());
            pids.put(k, v.pid());
        });
        d.put("urls", urls);
        d.put("pids", pids);
        Files.writeString(descriptor(config.dataDir()), dev.pmc.core.events.EventCodec.encode(d));
    }

    static Path descriptor(Path dataDir) {
        return dataDir.resolve("stack.json");
    }

    /**
     * Starts Debian's {@code prometheus} (when on the PATH) with deploy/prometheus (scrape config and alert
     * rules for the default ports), data under .pmc/prometheus. Returns its URL, or null when not installed.
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
        prometheus = new ProcessBuilder(bin, "--config.file=" + config.root().resolve("deploy/prometheus/prometheus.yml"),
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + data)
                .redirectErrorStream(true).redirectOutput(config.dataDir().resolve("logs/prometheus.log").toFile()).start();
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        if (prometheus != null) {
            prometheus.destroy();
            try {
                prometheus.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ServiceProcess> list = new ArrayList<>(services.values());
        list.parallelStream().forEach(ServiceProcess::close);
        try {
            Files.deleteIfExists(descriptor(config.dataDir()));
        } catch (IOException ignored) {
            // best effort
        }
        kafka.close();
    }
}
