package dev.pmc.core.security.web;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Says at every start when authorization is off. It is switched off only by the one dedicated setting
 * {@code pmc.security.authorization-enabled=false} (the services' own unit tests set it from Maven; no profile does),
 * so starting a packaged service with QUARKUS_PROFILE=test no longer opens every path.
 */
@ApplicationScoped
public class AuthorizationSwitch {
    private static final Logger LOG = Logger.getLogger(AuthorizationSwitch.class);

    @ConfigProperty(name = "pmc.security.authorization-enabled", defaultValue = "true")
    boolean enabled;

    void start(@Observes StartupEvent ev) {
        if (!enabled) {
            LOG.warn("AUTHORIZATION IS OFF (pmc.security.authorization-enabled=false): every path answers without a token. Never in a deployment.");
        }
    }
}
