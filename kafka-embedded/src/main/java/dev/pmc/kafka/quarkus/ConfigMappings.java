package dev.pmc.kafka.quarkus;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** For services' tests: a {@code @ConfigMapping} filled from the service's own application.properties, without Quarkus. */
public final class ConfigMappings {
    private ConfigMappings() {
    }

    /**
     * The mapping's keys ({@code prefix}...) from the test class path's application.properties, overridden by
     * {@code extra}; fails as the service's start would (a misspelt or mistyped key named in the message).
     */
    public static <T> T read(Class<T> mapping, String prefix, Map<String, String> extra) {
        Properties app = new Properties();
        try (InputStream in = mapping.getResourceAsStream("/application.properties")) {
            app.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new HashMap<>();
        app.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).forEach(k -> m.put(k, app.getProperty(k)));
        m.put("java.io.tmpdir", System.getProperty("java.io.tmpdir"));
        m.putAll(extra);
        // Quarkus reads "1s" and "50ms" as durations; plain SmallRye Config needs its converter for that
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(mapping).withSources(new PropertiesConfigSource(m, "test", 500)).build();
        return config.getConfigMapping(mapping);
    }
}
