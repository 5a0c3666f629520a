package dev.pmc.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's own settings ({@code pmc.gateway.*}; application.properties says what each does). One typed
 * mapping: a misspelt {@code pmc.gateway.} key stops the start naming it instead of being ignored.
 */
@ConfigMapping(prefix = "pmc.gateway")
public interface GatewayConfig {
    /** The OpenAI-compatible endpoint of targets defined nowhere (the simulator). */
    String defaultBaseUrl();

    Optional<String> targetsFile();

    /** Prompts handled at once (waiting for a limiter or in flight). */
    int maxPending();

    /** How long a group of a cell's repetitions still short of choicesPerCall waits for more. */
    @WithName("coalesce-wait-ms")
    long coalesceWaitMs();

    double limitUtilisation();

    /** How often an account whose quota is exhausted sends one check call. */
    @WithDefault("10m")
    Duration quotaRecheck();

    /** A mounted directory of secrets, one file per name. */
    Optional<String> secretsDir();

    /** secret name → environment variable holding it. */
    Map<String, String> secretEnv();

    Registry registry();

    Adaptive adaptive();

    Retry retry();

    Circuit circuit();

    interface Registry {
        /** Read targets from pmc.targets (and report target status there); false: the targets file and defaults only. */
        @WithDefault("true")
        boolean enabled();
    }

    /** Unknown limits: AIMD on the request rate until headers announce a limit. */
    interface Adaptive {
        double initialRps();

        double maxRps();
    }

    interface Retry {
        int maxRetries();

        double budgetRatio();

        double budgetReserve();

        long backoffBaseMs();

        long backoffCapMs();

        int maxRateLimited();
    }

    interface Circuit {
        int failureThreshold();

        Duration openDuration();
    }
}
