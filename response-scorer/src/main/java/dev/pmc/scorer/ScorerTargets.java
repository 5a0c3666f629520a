package dev.pmc.scorer;

import dev.pmc.core.targets.TargetDirectory;
import dev.pmc.core.instruments.Instruments;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;

/** The registered targets (pmc.targets), for the {@code target} label of the scorer's meters. */
@ApplicationScoped
public class ScorerTargets {
    /** The label of events whose target is not registered. */
    public static final String UNREGISTERED = "unregistered";

    @Inject
    TargetDirectory directory;

    void start(@Observes StartupEvent ev) throws InterruptedException {
        Instruments.loadAtStartup();
        directory.start().awaitCaughtUp(Duration.ofSeconds(30));
    }

    /** The target itself when registered, else {@link #UNREGISTERED}. */
    public String label(String target) {
        return directory.contains(target) ? target : UNREGISTERED;
    }
}
