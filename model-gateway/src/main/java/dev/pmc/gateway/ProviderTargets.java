package dev.pmc.gateway;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Resolves a target name to its provider endpoint, model name, key and a cached HTTP client. */
@ApplicationScoped
public class ProviderTargets {
    public record Target(String name, URI baseUri, String model, String authorization, OpenAiChatApi client) {
    }

    private final Map<String, Target> cache = new ConcurrentHashMap<>();
    private final Config config;
    private final String defaultBaseUrl;
    private final Duration timeout;
    private final int poolSize;

    public ProviderTargets(Config config,
                           @ConfigProperty(name = "pmc.gateway.default-base-url") String defaultBaseUrl,
                           @ConfigProperty(name = "pmc.gateway.request-timeout") Duration timeout,
                           @ConfigProperty(name = "pmc.gateway.connection-pool-size") int poolSize) {
        this.config = config;
        this.defaultBaseUrl = defaultBaseUrl;
        this.timeout = timeout;
        this.poolSize = poolSize;
    }

    public Target get(String name) {
        return cache.computeIfAbsent(name, this::create);
    }

    public Duration timeout() {
        return timeout;
    }

    private Target create(String name) {
        String prefix = "pmc.gateway.target.\"" + name + "\".";
        URI base = URI.create(config.getOptionalValue(prefix + "base-url", String.class).orElse(defaultBaseUrl));
        String model = config.getOptionalValue(prefix + "model", String.class).orElse(name);
        String keyEnv = config.getOptionalValue(prefix + "api-key-env", String.class).orElse(null);
        String key = keyEnv == null ? null : System.getenv(keyEnv);
        OpenAiChatApi client = QuarkusRestClientBuilder.newBuilder()
                .baseUri(base)
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, poolSize)
                .build(OpenAiChatApi.class);
        return new Target(name, base, model, key == null || key.isBlank() ? null : "Bearer " + key, client);
    }
}
