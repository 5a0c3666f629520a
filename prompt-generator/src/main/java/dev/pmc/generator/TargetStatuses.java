package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.events.TargetStatus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why a target's calls wait, as the gateway reports it in pmc.target-status (today: its account's quota is
 * exhausted), so a run record can say why it stands still. Bounded by the registered targets: a status for a name
 * the registry does not hold is not kept.
 */
@ApplicationScoped
public class TargetStatuses {
    private static final Logger LOG = Logger.getLogger(TargetStatuses.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @jakarta.inject.Inject
    TargetRegistry registry;
    private final Map<String, TargetStatus> paused = new ConcurrentHashMap<>();
    @jakarta.inject.Inject
    CompactedTopics topics;

    void start(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 660) StartupEvent ev) {
        String problem = KafkaClients.createIfMissing(bootstrap, new Topics.Spec(Topics.TARGET_STATUS, 1, true));
        if (problem != null) LOG.debugf("not creating %s (%s): the deployment creates it", Topics.TARGET_STATUS, problem);
        topics.follow("target-status", List.of(Topics.TARGET_STATUS), (topic, key, value) -> apply(key, value));
    }

    void apply(String key, String value) {
        TargetStatus s = TargetStatus.decode(value);
        if (s == null || key == null || !key.equals(s.target()) || s.paused() == null) paused.remove(key == null ? "" : key);
        else if (registry.get(key).isPresent()) paused.put(key, s);
    }

    /** The target's pause, or null while its calls go. */
    public TargetStatus pausedOf(String target) {
        return target == null ? null : paused.get(target);
    }
}
