package dev.pmc.aggregator;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which target is the baseline (base model) of which, in order: a REST override (in memory), the target
 * registry's {@code baseline} field (followed from pmc.targets), {@code pmc.aggregator.baselines} ("variant:base,…").
 */
@ApplicationScoped
public class Baselines {
    private final Map<String, String> baselineOf = new ConcurrentHashMap<>();
    private final Map<String, String> overrides = new ConcurrentHashMap<>();
    private final Map<String, String> registry = new ConcurrentHashMap<>();

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

    public String of(String target) {
        String o = overrides.get(target);
        if (o != null) return o.isEmpty() ? null : o;
        String r = registry.get(target);
        return r != null ? r : baselineOf.get(target);
    }

    /** A REST change; null removes the target's baseline (overriding the registry and configuration). */
    public void set(String target, String baseline) {
        overrides.put(target, baseline == null ? "" : baseline);
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
}
