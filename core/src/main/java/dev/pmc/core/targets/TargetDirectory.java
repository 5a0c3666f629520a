package dev.pmc.core.targets;

import dev.pmc.core.Names;
import dev.pmc.core.Topics;
import dev.pmc.core.events.CompactedTopic;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the registered targets, followed from the compacted registry topic pmc.targets (a tombstone removes
 * one). Services use it to keep per-target meters and resources to registered targets: a name seen only in an event
 * mints nothing.
 */
public final class TargetDirectory implements AutoCloseable {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(TargetDirectory.class.getName());
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private CompactedTopic.Follower follower;

    public TargetDirectory start(String bootstrap) {
        follower = CompactedTopic.follow(bootstrap, List.of(Topics.TARGETS), "target-directory", (topic, key, value) -> {
            if (!Names.isTarget(key)) return;
            if (value == null) names.remove(key);
            else names.add(key);
        }, e -> LOG.severe("target directory stopped: " + e.getMessage()));
        return this;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower != null && follower.awaitCaughtUp(timeout);
    }

    public boolean contains(String name) {
        return names.contains(name);
    }

    public Set<String> names() {
        return new TreeSet<>(names);
    }

    @Override
    public void close() {
        if (follower != null) follower.stop();
    }
}
