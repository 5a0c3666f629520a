package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.events.EventCodec;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each run's settled slots as the aggregator counted them: it follows the aggregator's pmc.persona-stats (committed
 * records only, from the beginning, so a restart recomputes them exactly) and sums each run's personas' {@code settled}
 * counts. A slot therefore settles here exactly when it settles in the aggregator: the generator's view of a run and
 * the aggregator's agree by construction, whatever restarted in between. A run whose slots are all settled is
 * completed.
 */
@ApplicationScoped
public class ProgressTracker {
    private static final Logger LOG = Logger.getLogger(ProgressTracker.class);

    /** persona key → its latest settled count; run → the sum over its personas. */
    private final Map<String, Long> personaSettled = new ConcurrentHashMap<>();
    private final Map<String, Long> runSettled = new ConcurrentHashMap<>();
    @Inject
    CompactedTopics topics;

    @Inject
    RunStore store;

    /** After the run store has read pmc.runs (it observes start-up with the default priority). */
    void start(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 600) StartupEvent ev) {
        topics.follow("run-progress", List.of(Topics.PERSONA_STATS), (topic, key, value) -> apply(key, value));
    }

    private long applied;

    void apply(String key, String value) {
        if (key == null) return;
        if (++applied % 20_000 == 0) sweep();
        int a = key.indexOf('|'), b = key.indexOf('|', a + 1);
        if (a < 0 || b < 0) return;
        String runId = key.substring(a + 1, b);
        if (value == null) {
            // retention removed the persona: the run keeps the progress it had
            personaSettled.remove(key);
            return;
        }
        long settled = settledOf(value);
        if (settled < 0) return;
        if (store.get(runId).isEmpty()) {
            // not a run of this registry (a replayed file), or one retention already removed: nothing to track
            personaSettled.remove(key);
            runSettled.remove(runId);
            return;
        }
        Long before = personaSettled.put(key, settled);
        long total = runSettled.merge(runId, settled - (before == null ? 0 : before), Long::sum);
        long now = System.currentTimeMillis();
        store.update(runId, r -> r.withSettled(total, now));
    }

    /**
     * The top-level "settled" count of a persona-stats record, or -1: a streaming read that skips the statistics
     * arrays (every record of pmc.persona-stats passes here; a full tree would build thousands of nodes per record).
     */
    static long settledOf(String json) {
        try (com.fasterxml.jackson.core.JsonParser p = EventCodec.mapper().getFactory().createParser(json)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return -1;
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                com.fasterxml.jackson.core.JsonToken t = p.nextToken();
                if ("settled".equals(name)) return t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                p.skipChildren();
            }
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Forgets runs the store no longer holds (retention). */
    private void sweep() {
        runSettled.keySet().removeIf(id -> store.get(id).isEmpty());
        personaSettled.keySet().removeIf(k -> {
            int a = k.indexOf('|'), b = k.indexOf('|', a + 1);
            return a < 0 || b < 0 || store.get(k.substring(a + 1, b)).isEmpty();
        });
    }

    /** Slots of a run settled so far (0 for an unknown run). */
    public long settled(String runId) {
        return runSettled.getOrDefault(runId, 0L);
    }
}
