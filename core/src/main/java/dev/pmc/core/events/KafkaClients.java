package dev.pmc.core.events;

import dev.pmc.core.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Settings that every Kafka client PMC builds by hand (admin, raw producers and consumers, followers of compacted
 * topics, Kafka Streams) shares with the channels SmallRye builds: the bootstrap servers plus the connection's
 * security keys from the service's configuration, {@code kafka.security.protocol}, {@code kafka.sasl.*} and
 * {@code kafka.ssl.*} (environment {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_JAAS_CONFIG}, …), the same
 * keys the connector applies to every channel. So a cluster with SASL/SCRAM or TLS is configured once per service.
 * Outside a Quarkus service (the CLI) the keys are read from system properties of the same names.
 */
public final class KafkaClients {
    /** Client keys that authenticate or encrypt the connection (Kafka's CommonClientConfigs, SaslConfigs, SslConfigs). */
    public static final List<String> SECURITY_KEYS = List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config",
            "sasl.login.callback.handler.class", "sasl.client.callback.handler.class", "ssl.truststore.location",
            "ssl.truststore.password", "ssl.truststore.type", "ssl.truststore.certificates", "ssl.keystore.location",
            "ssl.keystore.password", "ssl.keystore.type", "ssl.key.password", "ssl.endpoint.identification.algorithm");

    private KafkaClients() {
    }

    /** Bootstrap servers, the security keys, then {@code keyValues} as alternating client key and value. */
    public static Map<String, Object> config(String bootstrap, Object... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("keys and values come in pairs");
        Map<String, Object> m = new HashMap<>(security());
        m.put("bootstrap.servers", bootstrap);
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    /** The same as {@link #config} for APIs that take Properties (Kafka Streams, consumers built step by step). */
    public static Properties properties(String bootstrap) {
        Properties p = new Properties();
        p.putAll(config(bootstrap));
        return p;
    }

    /** The security keys set in this process's configuration, without the {@code kafka.} prefix. */
    public static Map<String, Object> security() {
        Map<String, Object> m = new HashMap<>();
        for (String key : SECURITY_KEYS) lookup("kafka." + key).ifPresent(v -> m.put(key, v));
        return m;
    }

    /** The security keys among a client's configuration (to build a second client like it). */
    public static Map<String, Object> securityOf(Map<String, ?> clientConfig) {
        Map<String, Object> m = new HashMap<>();
        for (String key : SECURITY_KEYS) {
            Object v = clientConfig.get(key);
            if (v != null) m.put(key, v);
        }
        return m;
    }

    private static Optional<String> lookup(String key) {
        try {
            return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(key, String.class)
                    .filter(v -> !v.isBlank());
        } catch (LinkageError | IllegalStateException | java.util.ServiceConfigurationError e) {
            // no MicroProfile Config in this process (the CLI): system properties of the same name
            return Optional.ofNullable(System.getProperty(key)).filter(v -> !v.isBlank());
        }
    }

    /**
     * Creates the topic as {@link Topics} specifies it when it is missing (where the deployment lets
     * services create topics: the local stack; compose and Kubernetes create them beforehand). Null when it exists
     * now, else why not (the caller logs it).
     */
    public static String createIfMissing(String bootstrap, Topics.Spec spec) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(config(bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(spec.name(), spec.partitions(), (short) -1)
                    .configs(Topics.configs(spec)))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException ? null : String.valueOf(e.getCause().getMessage());
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return String.valueOf(e.getMessage());
        }
    }
}
