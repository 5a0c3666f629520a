package dev.pmc.aggregator;

import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.events.EventCodec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which target is the baseline (base model) of which, in order: an override set over REST, the target registry's
 * {@code baseline} field (followed from pmc.targets), {@code pmc.aggregator.baselines} ("variant:base,…"). Overrides
 * live in the compacted topic pmc.baselines (key: the variant; value {"baseline": name} or {"baseline": null} for
 * "none"; a tombstone removes the override), so every aggregator replica and every restart sees the same ones.
 */
@ApplicationScoped
public class Baselines {
    private static final Logger LOG = Logger.getLogger(Baselines.class);

    private final Map<String, String> baselineOf = new ConcurrentHashMap<>();
    private final Map<String, String> overrides = new ConcurrentHashMap<>();
    private final Map<String, String> registry = new ConcurrentHashMap<>();
    private CompactedTopics.View follower;
    @jakarta.inject.Inject
    CompactedTopics topics;
    private KafkaProducer<String, String> producer;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    public Baselines(@ConfigProperty(name = "pmc.aggregator.baselines") java.util.Optional<String> configured) {
        configured.ifPresent(csv -> {
            for (String pair : csv.split(",")) {
                if (pair.isBlank()) continue;
                String[] kv = pair.trim().split(":");
                if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                    throw new IllegalArgumentException("pmc.aggregator.baselines: expected variant:base pairs, got '" + pair + "'");
                }
                baselineOf.put(kv[0].trim(), kv[1].trim());
            }
        });
    }

    /** Starts following (once). */
    synchronized void start() {
        if (follower != null) return;
        producer = new KafkaProducer<>(KafkaClients.config(bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
        follower = topics.follow("baselines", List.of(Topics.BASELINES), this::onRecord);
    }

    private void onRecord(String topic, String key, String value) {
        if (key == null) return;
        if (value == null) {
            overrides.remove(key);
            return;
        }
        try {
            var b = EventCodec.mapper().readTree(value).path("baseline");
            overrides.put(key, b.isTextual() ? b.asText() : "");
        } catch (Exception e) {
            LOG.warnf("ignoring unreadable baseline override %s: %s", key, e.getMessage());
        }
    }

    public String of(String target) {
        String o = overrides.get(target);
        if (o != null) return o.isEmpty() ? null : o;
        String r = registry.get(target);
        return r != null ? r : baselineOf.get(target);
    }

    /**
     * A REST change, written to pmc.baselines and applied once Kafka has it; null means "no baseline" (overriding the
     * registry and configuration). Returns when the change is durable.
     */
    public void set(String target, String baseline) throws Exception {
        String value = EventCodec.encode(java.util.Collections.singletonMap("baseline", baseline));
        producer.send(new ProducerRecord<>(Topics.BASELINES, target, value)).get(30, TimeUnit.SECONDS);
        overrides.put(target, baseline == null ? "" : baseline);
    }

    /** Removes a REST override (the registry's or the configured baseline applies again). */
    public void clear(String target) throws Exception {
        producer.send(new ProducerRecord<>(Topics.BASELINES, target, null)).get(30, TimeUnit.SECONDS);
        overrides.remove(target);
    }

    /** The registry's baseline of a target (null: none defined there). */
    void fromRegistry(String target, String baseline) {
        if (baseline == null) registry.remove(target);
        else registry.put(target, baseline);
    }

    public Map<String, String> all() {
        Map<String, String> out = new TreeMap<>(baselineOf);
        out.putAll(registry);
        overrides.forEach((k, v) -> {
            if (v.isEmpty()) out.remove(k);
            else out.put(k, v);
        });
        return out;
    }

    @PreDestroy
    void stop() {
        if (producer != null) producer.close(java.time.Duration.ofSeconds(5));
    }
}
