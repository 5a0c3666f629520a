package dev.pmc.core.targets;

import dev.pmc.core.Names;
import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * The registered targets, as the compacted registry topic pmc.targets holds them: the one place each service mirrors
 * that topic (on its {@link CompactedTopics} reader). A record names a target by its key; a tombstone removes it. A
 * definition this version cannot read still registers the name (its {@link #config} is empty), so a newer
 * generator's target is not refused as unknown. Services keep per-target meters and resources to these names (a name
 * seen only in an event mints nothing) and listen for changes.
 */
@Singleton
public final class TargetDirectory {
    private static final Logger LOG = Logger.getLogger(TargetDirectory.class.getName());

    /** A change of one target, on the reader's thread, after the directory holds it. */
    public interface Listener {
        /**
         * @param json the record as written (null: deleted)
         * @param config its definition with defaults (null: deleted, or not readable by this version)
         */
        void changed(String name, String json, TargetConfig config);
    }

    private final CompactedTopics topics;
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final Map<String, TargetConfig> configs = new ConcurrentSkipListMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile CompactedTopics.View view;

    @Inject
    public TargetDirectory(CompactedTopics topics) {
        this.topics = topics;
    }

    /** Hears every change read from now on (start() replays the topic to listeners added before it). */
    public TargetDirectory listen(Listener l) {
        listeners.add(l);
        return this;
    }

    /** Starts reading pmc.targets (once; later calls return at once). */
    public synchronized TargetDirectory start() {
        if (view == null) view = topics.follow("target-directory", List.of(Topics.TARGETS), (topic, key, value) -> apply(key, value));
        return this;
    }

    /** Applies one record of pmc.targets (the reader calls it; a test may feed records itself). */
    public void apply(String name, String json) {
        if (!Names.isTarget(name)) return;
        TargetConfig config = null;
        if (json == null) {
            names.remove(name);
            configs.remove(name);
        } else {
            try {
                config = TargetFile.parseTarget(json).withDefaults();
                configs.put(name, config);
            } catch (RuntimeException e) {
                configs.remove(name);
                LOG.warning(() -> "target " + name + " in " + Topics.TARGETS + " is not readable here (" + e.getMessage() + "): registered by name only");
            }
            names.add(name);
        }
        for (Listener l : listeners) l.changed(name, json, config);
    }

    /** A change this service has written to pmc.targets, held at once rather than when its echo is read. */
    public void wrote(TargetConfig t) {
        configs.put(t.name(), t);
        names.add(t.name());
    }

    /** A deletion this service has written to pmc.targets (a tombstone), held at once. */
    public void deleted(String name) {
        names.remove(name);
        configs.remove(name);
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        var v = view;
        return v != null && v.awaitCaughtUp(timeout);
    }

    /** Completes (true) once every pmc.targets record written before the call has been read; false if not reading. */
    public CompletableFuture<Boolean> sync() {
        var v = view;
        return v == null ? CompletableFuture.completedFuture(false) : v.sync();
    }

    public boolean contains(String name) {
        return name != null && names.contains(name);
    }

    public Set<String> names() {
        return new TreeSet<>(names);
    }

    /** The target's definition with defaults; empty when unknown or not readable by this version. */
    public Optional<TargetConfig> config(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(configs.get(name));
    }

    public Collection<TargetConfig> configs() {
        return new ArrayList<>(configs.values());
    }
}
