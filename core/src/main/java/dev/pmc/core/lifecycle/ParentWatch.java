package dev.pmc.core.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import java.util.logging.Logger;

/**
 * Ends this process when the process that started it is gone. {@code bin/pmc up} starts the broker and the services
 * with {@code -Dpmc.parent-pid=PID -Dpmc.parent-start=EPOCH_MS} (its own pid and start time, so a reused pid is not
 * mistaken for it); if the supervisor dies, even by kill -9, its children exit within a few seconds instead of
 * holding the stack's ports as orphans. Without the properties (a service run by Kubernetes, a test) nothing happens.
 * Every Quarkus service gets it: core ships a beans.xml.
 */
@ApplicationScoped
public class ParentWatch {
    private static final Logger LOG = Logger.getLogger(ParentWatch.class.getName());
    private static volatile boolean started;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object init) {
        startIfConfigured();
    }

    /** Starts the watch when pmc.parent-pid is set (idempotent); plain-Java mains call it themselves. */
    public static synchronized void startIfConfigured() {
        String pid = System.getProperty("pmc.parent-pid");
        if (started || pid == null || pid.isBlank()) return;
        started = true;
        long parent = Long.parseLong(pid.trim());
        long startMs = Long.parseLong(System.getProperty("pmc.parent-start", "0").trim());
        Thread t = new Thread(() -> {
            while (true) {
                if (!alive(parent, startMs)) {
                    LOG.warning("the supervising process " + parent + " is gone: exiting");
                    // a clean shutdown if it can, a hard exit if that hangs
                    Thread halt = new Thread(() -> {
                        sleep(10_000);
                        Runtime.getRuntime().halt(3);
                    });
                    halt.setDaemon(true);
                    halt.start();
                    System.exit(3);
                }
                sleep(1000);
            }
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /** Whether the process with this pid exists and started at startMs (±1 s; 0 = do not check the start). */
    static boolean alive(long pid, long startMs) {
        var h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) return false;
        if (startMs <= 0) return true;
        return h.get().info().startInstant().map(i -> Math.abs(i.toEpochMilli() - startMs) < 1000).orElse(true);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
