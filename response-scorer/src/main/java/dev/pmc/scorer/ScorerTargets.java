package dev.pmc.scorer;

import dev.pmc.core.targets.TargetDirectory;
import dev.pmc.core.instruments.Instruments;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/** The registered targets (pmc.targets), for the {@code target} label of the scorer's meters. */
@ApplicationScoped
public class ScorerTargets {
    /** The label of events whose target is not registered. */
    public static final String UNREGISTERED = "unregistered";
    private final TargetDirectory directory = new TargetDirectory();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    void start(@Observes StartupEvent ev) throws InterruptedException {
        Instruments.loadAtStartup();
        directory.start(bootstrap).awaitCaughtUp(Duration.ofSeconds(30));
    }

    /** The target itself when registered, else {@link #UNREGISTERED}. */
    public String label(String target) {
        return directory.contains(target) ? target : UNREGISTERED;
    }

    @PreDestroy
    void stop() {
        directory.close();
    }
}
