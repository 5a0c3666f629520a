package dev.pmc.kafka.quarkus;

import dev.pmc.stack.ServiceProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the packaged provider-sim as a separate process for a {@code @QuarkusTest} (real HTTP), and points
 * the model-gateway at it via pmc.gateway.default-base-url.
 */
public class ProviderSimResource implements QuarkusTestResourceLifecycleManager {
    private ServiceProcess sim;

    @Override
    public Map<String, String> start() {
        try {
            Path root = ServiceProcess.projectRoot();
            sim = ServiceProcess.start("provider-sim", ServiceProcess.appJar(root, "provider-sim"), ServiceProcess.freePort(),
                    Map.of(), Path.of("target", "test-logs").toAbsolutePath(), "256m").awaitReady(Duration.ofSeconds(60));
            return Map.of("pmc.gateway.default-base-url", sim.url() + "/v1");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start provider-sim: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (sim != null) sim.close();
    }
}
