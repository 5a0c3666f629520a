package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.events.SlotId;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every persona's latest statistics, by target and run, read from the compacted pmc.persona-stats (committed records
 * only, from the beginning: the aggregator's restart restores it from Kafka) and followed as the topology writes it.
 * Each run carries a change counter, so the view recomputes only runs that changed; a tombstone (retention) removes a
 * persona, and a run without personas disappears.
 */
public final class PersonaIndex {
    private static final Logger LOG = Logger.getLogger(PersonaIndex.class);

    /** One run's personas and how often they changed. */
    static final class RunEntry {
        final String target, runId;
        final Map<String, PersonaStats> personas = new ConcurrentHashMap<>();
        final AtomicLong version = new AtomicLong();
        /** Sum of the personas' settled slots (kept with each change, so a completion check reads it without a walk). */
        final AtomicLong settled = new AtomicLong();

        RunEntry(String target, String runId) {
            this.target = target;
            this.runId = runId;
        }
    }

    private final Map<String, Map<String, RunEntry>> byTarget = new ConcurrentSkipListMap<>();
    /** persona key → its run entry, for tombstones (which carry only the key). */
    private final Map<String, RunEntry> byKey = new ConcurrentHashMap<>();
    private volatile CompactedTopics.View follower;

    /** Starts following pmc.persona-stats on the service's reader; {@link #awaitCaughtUp} waits for the restore. */
    public void start(CompactedTopics topics) {
        follower = topics.follow("persona-index", List.of(Topics.PERSONA_STATS), (topic, key, value) -> apply(key, value));
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower != null && follower.awaitCaughtUp(timeout);
    }

    public boolean caughtUp() {
        return follower != null && follower.caughtUp();
    }

    /** Applies one record of pmc.persona-stats (null value = tombstone). */
    void apply(String key, String value) {
        if (key == null) return;
        if (value == null) {
            RunEntry e = byKey.remove(key);
            if (e == null) return;
            PersonaStats gone = e.personas.remove(key.substring(key.lastIndexOf(SlotId.SEP) + 1));
            if (gone != null) e.settled.addAndGet(-gone.getSettled());
            e.version.incrementAndGet();
            if (e.personas.isEmpty()) {
                Map<String, RunEntry> runs = byTarget.get(e.target);
                if (runs != null) {
                    runs.remove(e.runId, e);
                    if (runs.isEmpty()) byTarget.remove(e.target, runs);
                }
            }
            return;
        }
        PersonaStats ps;
        try {
            ps = EventCodec.mapper().readValue(value, PersonaStats.class);
        } catch (Exception ex) {
            LOG.warnf("ignoring unreadable persona statistics %s: %s", key, ex.getMessage());
            return;
        }
        if (ps.getTarget() == null || ps.getRunId() == null || ps.getPersonaId() == null) return;
        RunEntry e = byTarget.computeIfAbsent(ps.getTarget(), t -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(ps.getRunId(), r -> new RunEntry(ps.getTarget(), r));
        PersonaStats before = e.personas.put(ps.getPersonaId(), ps);
        e.settled.addAndGet(ps.getSettled() - (before == null ? 0 : before.getSettled()));
        byKey.put(key, e);
        e.version.incrementAndGet();
    }

    /** Targets with data. */
    public List<String> targets() {
        return new ArrayList<>(byTarget.keySet());
    }

    /** A target's runs by id (oldest first), each with its personas in canonical order and its change counter. */
    public Map<String, Snapshot> runs(String target) {
        Map<String, Snapshot> out = new TreeMap<>();
        Map<String, RunEntry> runs = byTarget.get(target);
        if (runs == null) return out;
        runs.forEach((id, e) -> {
            long v = e.version.get();
            List<PersonaStats> list = new ArrayList<>(e.personas.values());
            list.sort(PersonaStats.CANONICAL_ORDER);
            out.put(id, new Snapshot(id, v, list));
        });
        return out;
    }

    /** A run's change counter and settled slots (the sum over its personas), read without copying its personas. */
    public record Progress(String target, String runId, long version, long settled) {
    }

    /** Every run's progress. */
    public List<Progress> progress() {
        List<Progress> out = new ArrayList<>();
        byTarget.values().forEach(runs -> runs.values().forEach(e -> out.add(new Progress(e.target, e.runId, e.version.get(), e.settled.get()))));
        return out;
    }

    /** Every persona of every run (diagnostics, export). */
    public List<PersonaStats> all() {
        List<PersonaStats> out = new ArrayList<>();
        byTarget.values().forEach(runs -> runs.values().forEach(e -> out.addAll(e.personas.values())));
        return out;
    }

    /** Personas held. */
    public long personaCount() {
        return byKey.size();
    }

    /** A run's personas (canonical order) and the change counter they were read at. */
    public record Snapshot(String runId, long version, List<PersonaStats> personas) {
    }
}
