package dev.pmc.aggregator;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which target is the baseline (base model) of which: from {@code pmc.aggregator.baselines}
 * ("variant:base,…") at start, changeable over REST (in memory; the target registry will persist it).
 */
@ApplicationScoped
public class Baselines {
    private final Map<String, String> baselineOf = new ConcurrentHashMap<>();

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
        return baselineOf.get(target);
    }

    public void set(String target, String baseline) {
        if (baseline == null) baselineOf.remove(target);
        else baselineOf.put(target, baseline);
    }

    public Map<String, String> all() {
        return new TreeMap<>(baselineOf);
    }
}
