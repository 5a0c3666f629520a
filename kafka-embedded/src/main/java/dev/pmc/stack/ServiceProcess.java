package dev.pmc.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One PMC process (a packaged Quarkus app, or a plain Java main such as the Kafka broker) run as a separate JVM, as
 * {@code bin/pmc up} and the end-to-end tests do. Output goes to a log file (appended across restarts); readiness is
 * {@code /q/health/ready} for services, or a line in the log for a main. Every child gets this JVM's pid and start
 * time ({@code -Dpmc.parent-pid}, {@code -Dpmc.parent-start}), so it exits by itself when its supervisor is gone. The
 * same command can be started again after the process died ({@link #restart}).
 */
public final class ServiceProcess implements AutoCloseable {
    /** When a started process is ready. */
    public interface Readiness {
        boolean ready(ServiceProcess p) throws IOException, InterruptedException;
    }

    private final String name;
    private final int port;
    private final List<String> command;
    private final Path log;
    private final Readiness readiness;
    private volatile Process process;
    private volatile long startedAtMs;
    private volatile int restarts;

    private ServiceProcess(String name, int port, List<String> command, Path log, Readiness readiness) {
        this.name = name;
        this.port = port;
        this.command = List.copyOf(command);
        this.log = log;
        this.readiness = readiness;
    }

    /** The project root: the nearest directory upwards from the working directory that holds mvnw. */
    public static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the PMC project root (mvnw) above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** The packaged app of a module: MODULE/target/quarkus-app/quarkus-run.jar. */
    public static Path appJar(Path root, String module) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) throw new IllegalStateException(jar + " is missing: build it with ./mvnw package -DskipTests");
        return jar;
    }

    /**
     * Starts {@code java -jar JAR} with the given system properties (port via quarkus.http.port); ready when its
     * {@code /q/health/ready} answers 200.
     * @param heap e.g. "256m"
     */
    public static ServiceProcess start(String name, Path jar, int port, Map<String, String> props, Path logDir, String heap)
            throws IOException {
        List<String> cmd = java(heap, props);
        cmd.add(1, "-Dquarkus.http.port=" + port);
        cmd.add("-jar");
        cmd.add(jar.toString());
        ServiceProcess p = new ServiceProcess(name, port, cmd, logDir.resolve(name + ".log"), ServiceProcess::httpReady);
        p.launch(false);
        return p;
    }

    /** Starts {@code java -cp CLASSPATH MAIN ARGS...}; ready when the log holds {@code readyLine}. */
    public static ServiceProcess startMain(String name, String classpath, String mainClass, List<String> args, int port,
                                           Map<String, String> props, Path logDir, String heap, String readyLine) throws IOException {
        List<String> cmd = java(heap, props);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        ServiceProcess p = new ServiceProcess(name, port, cmd, logDir.resolve(name + ".log"), sp -> logHasSinceStart(sp, readyLine));
        p.launch(false);
        return p;
    }

    private static List<String> java(String heap, Map<String, String> props) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC");
        // C2 only, compiling after 3,000 calls instead of 10,000: seven JVMs on two cores spent 40-65 % of a paper-scale
        // run's CPU in the JIT with tiered compilation, still in the third run, running C1's profiling code meanwhile
        // (docs/BENCHMARKS.md, "JIT"). PMC_SERVICE_JVM_OPTIONS=-XX:+TieredCompilation restores tiers.
        cmd.add("-XX:-TieredCompilation");
        cmd.add("-XX:CompileThreshold=3000");
        // extra options for every service JVM (bin/pmc: PMC_SERVICE_JVM_OPTIONS), e.g. a JIT or profiling experiment
        String extra = System.getProperty("pmc.service-jvm-options", "").trim();
        if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
        ProcessHandle self = ProcessHandle.current();
        cmd.add("-Dpmc.parent-pid=" + self.pid());
        cmd.add("-Dpmc.parent-start=" + self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L));
        for (var e : props.entrySet()) cmd.add("-D" + e.getKey() + "=" + e.getValue());
        return cmd;
    }

    private long logOffsetAtStart;

    private synchronized void launch(boolean append) throws IOException {
        Files.createDirectories(log.getParent());
        if (append && Files.exists(log)) {
            Files.writeString(log, "\n==== restart " + restarts + " at " + java.time.Instant.now() + " ====\n", java.nio.file.StandardOpenOption.APPEND);
        }
        logOffsetAtStart = append && Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(log.toFile()) : ProcessBuilder.Redirect.to(log.toFile()));
        process = pb.start();
        startedAtMs = System.currentTimeMillis();
    }

    /** Starts the same command again (the previous process must have ended); its output is appended to the log. */
    public synchronized ServiceProcess restart() throws IOException {
        if (process.isAlive()) throw new IllegalStateException(name + " is still running");
        restarts++;
        launch(true);
        return this;
    }

    private static boolean httpReady(ServiceProcess p) throws IOException, InterruptedException {
        return p.httpStatus("/q/health/ready") == 200;
    }

    private static boolean logHasSinceStart(ServiceProcess p, String line) throws IOException {
        if (!Files.exists(p.log)) return false;
        long size = Files.size(p.log);
        if (size <= p.logOffsetAtStart) return false;
        try (var ch = java.nio.channels.FileChannel.open(p.log)) {
            ch.position(p.logOffsetAtStart);
            var buf = java.nio.ByteBuffer.allocate((int) Math.min(size - p.logOffsetAtStart, 4 << 20));
            ch.read(buf);
            return new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8).contains(line);
        }
    }

    /** The HTTP status of a GET on this service, or -1 when it does not answer. */
    public int httpStatus(String path) throws InterruptedException {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            Process p = process;
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + " during start-up; see " + log);
            }
            try {
                if (readiness.ready(this)) return this;
            } catch (IOException ignored) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Start time of the current process (ms since the epoch), recorded so others can tell a reused pid. */
    public long processStartMs() {
        return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(startedAtMs);
    }

    public long startedAtMs() {
        return startedAtMs;
    }

    public int restarts() {
        return restarts;
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit code of the last process, or null while it runs. */
    public Integer exitCode() {
        Process p = process;
        return p.isAlive() ? null : p.exitValue();
    }

    /** SIGKILL now (a crash, for the chaos test). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    @Override
    public void close() {
        Process p = process;
        if (!p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /**
     * A command line for a program that is not ours (Prometheus), wrapped in a shell that ends it when this JVM is gone
     * or when the shell is told to stop, so it never outlives the stack that started it.
     */
    public static List<String> boundToThisJvm(List<String> command) {
        StringBuilder quoted = new StringBuilder();
        for (String a : command) quoted.append('\'').append(a.replace("'", "'\\''")).append("' ");
        String sh = quoted + "& p=$!; trap 'kill $p 2>/dev/null' TERM INT; while kill -0 " + ProcessHandle.current().pid()
                + " 2>/dev/null && kill -0 $p 2>/dev/null; do sleep 1; done; kill $p 2>/dev/null; wait $p";
        return List.of("bash", "-c", sh);
    }

    /** Ports this JVM has handed out, so one stack never gets the same port twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int LOWEST_PORT = 10_000;

    /**
     * A port nothing listens on, for a service to bind a moment later. Chosen below the kernel's ephemeral range:
     * a port from {@code bind(0)} is an ephemeral one, which the kernel may give to an outgoing connection (a Kafka
     * client's, say) before the service binds it; that failed a bench start once ("Port … seems to be in use").
     * Falls back to {@code bind(0)} when the range below is too small.
     */
    public static int freePort() {
        int high = ephemeralRangeStart();
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; high - LOWEST_PORT >= 1000 && i < 200; i++) {
            int port = rnd.nextInt(LOWEST_PORT, high);
            if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) return port;
        }
        for (int i = 0; i < 20; i++) {
            try (var s = new java.net.ServerSocket(0)) {
                if (HANDED_OUT.add(s.getLocalPort())) return s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no free port found");
    }

    /** The first port of Linux's ephemeral range (ip_local_port_range), 32768 where it cannot be read. */
    static int ephemeralRangeStart() {
        try {
            // a reader, not Files.readString: /proc reports size 0 and readString returned one byte ("3") here
            try (var in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                return Integer.parseInt(in.readLine().trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    private static boolean bindable(int port) {
        try (var s = new java.net.ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new java.net.InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
