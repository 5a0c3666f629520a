package dev.pmc.kafka;

import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.Topics;
import dev.pmc.core.lifecycle.ParentWatch;
import dev.pmc.stack.ServiceProcess;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka 4.1.2 broker in KRaft mode (combined broker+controller) running in this JVM.
 * Storage is formatted with {@link StorageTool} on first start; a data directory that is already formatted
 * is reused, so topics, offsets and state-store changelogs survive a restart of the broker.
 */
public final class EmbeddedKafka implements TestBroker {
    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final KafkaRaftServer server;

    private EmbeddedKafka(Path dataDir, int port, int controllerPort, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.server = server;
    }

    /** Starts a broker on free ports with its data in a new temporary directory. */
    public static EmbeddedKafka startTemporary() {
        try {
            return start(Files.createTempDirectory("pmc-kafka-"), 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker with its log and metadata under {@code dataDir}.
     * @param port client port, 0 for a free one
     * @param controllerPort KRaft controller port, 0 for a free one
     */
    public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) {
        try {
            Files.createDirectories(dataDir);
            int p = port == 0 ? ServiceProcess.freePort() : port;
            int c = controllerPort == 0 ? ServiceProcess.freePort() : controllerPort;
            Path logs = dataDir.resolve("logs");
            Properties props = serverProperties(p, c, logs);
            Path propsFile = dataDir.resolve("server.properties");
            try (var out = Files.newOutputStream(propsFile)) {
                props.store(out, "PMC embedded broker");
            }
            format(dataDir, propsFile);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka k = new EmbeddedKafka(dataDir, p, c, server);
            k.awaitReady(30_000);
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Properties serverProperties(int port, int controllerPort, Path logs) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logs.toAbsolutePath().toString());
        p.put("num.partitions", Integer.toString(Topics.DEFAULT_PARTITIONS));
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return p;
    }

    private static void format(Path dataDir, Path propsFile) throws IOException {
        Path idFile = dataDir.resolve("cluster.id");
        String clusterId;
        if (Files.exists(idFile)) {
            clusterId = Files.readString(idFile).trim();
        } else {
            clusterId = Uuid.randomUuid().toString();
            Files.writeString(idFile, clusterId);
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[]{"format", "-t", clusterId, "-c", propsFile.toString(),
                "--ignore-formatted"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed: " + buf.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("broker at " + bootstrapServers() + " not ready after " + timeoutMs + " ms", last);
    }

    @Override
    public String describe() {
        return "embedded KRaft broker in this JVM";
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    /** Creates the pipeline's topics (idempotent). */
    public void createPipelineTopics(int partitions) {
        createTopics(bootstrapServers(), Topics.all(partitions));
    }

    /** Creates the given topics on a cluster unless they exist. */
    public static void createTopics(String bootstrap, List<Topics.Spec> specs) {
        try (Admin admin = Admin.create(KafkaClients.config(bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topics.Spec s : specs) topics.add(new NewTopic(s.name(), s.partitions(), (short) 1).configs(Topics.configs(s)));
            var result = admin.createTopics(topics);
            for (var e : result.values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause().getMessage(), ex);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating topics", e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    /** The line the standalone broker prints once it serves and the pipeline's topics exist. */
    public static final String READY_LINE = "kafka ready at ";

    /**
     * Standalone broker: {@code EmbeddedKafka DATA_DIR [PORT [CONTROLLER_PORT [PARTITIONS]]]}; stops on SIGTERM, and
     * by itself when its supervisor ({@code -Dpmc.parent-pid}) is gone.
     */
    public static void main(String[] args) throws Exception {
        ParentWatch.startIfConfigured();
        Path dir = Path.of(args.length > 0 ? args[0] : ".pmc/kafka");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int cport = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int partitions = args.length > 3 ? Integer.parseInt(args[3]) : Topics.DEFAULT_PARTITIONS;
        EmbeddedKafka k = start(dir, port, cport);
        k.createPipelineTopics(partitions);
        System.out.println(READY_LINE + k.bootstrapServers());
        Runtime.getRuntime().addShutdownHook(new Thread(k::close, "kafka-shutdown"));
        Thread.currentThread().join();
    }
}
