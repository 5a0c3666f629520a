package dev.pmc.core.events;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * Reading compacted state topics (pmc.targets, pmc.runs) whole, without a consumer group: every record from the
 * beginning, key and value (null = tombstone) handed to a callback — up to the end offsets of the moment
 * ({@link #readToEnd}) or for as long as the service runs ({@link #follow}).
 */
public final class CompactedTopic {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(CompactedTopic.class.getName());

    private CompactedTopic() {
    }

    /** Reads to the current end; returns false (having read nothing) when the topic does not exist. */
    public static boolean readToEnd(String bootstrap, String topic, Duration timeout, BiConsumer<String, String> onRecord) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props(bootstrap))) {
            var info = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (info == null || info.isEmpty()) return false;
            List<TopicPartition> parts = info.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(500))) onRecord.accept(r.key(), r.value());
            }
            return true;
        }
    }

    /** A record of a followed topic. */
    public interface RecordHandler {
        void accept(String topic, String key, String value);
    }

    /** A background follower; {@link #stop()} ends it. */
    public static final class Follower {
        private volatile KafkaConsumer<String, String> consumer;
        private volatile boolean stopped;
        /** In the main loop, where a wakeup means "look at the sync requests" (before it, a wakeup would end the follower). */
        private volatile boolean polling;
        private final java.util.concurrent.CountDownLatch caughtUp = new java.util.concurrent.CountDownLatch(1);

        public void stop() {
            stopped = true;
            var c = consumer;
            if (c != null) c.wakeup();
        }

        /** Waits until every record that existed when the follower started has been handled; false on timeout. */
        public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
            return caughtUp.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        public boolean caughtUp() {
            return caughtUp.getCount() == 0;
        }

        private final java.util.concurrent.ConcurrentLinkedQueue<java.util.concurrent.CompletableFuture<Boolean>> syncRequests =
                new java.util.concurrent.ConcurrentLinkedQueue<>();

        /**
         * A read barrier: completes (true) once the follower has handled every record that existed when it was asked,
         * so a record written before an event that names it (a target before its prompts) is known afterwards.
         * Requests made together share one end-offset lookup. Completes false when the follower stops first.
         */
        public java.util.concurrent.CompletableFuture<Boolean> sync() {
            var f = new java.util.concurrent.CompletableFuture<Boolean>();
            if (stopped) {
                f.complete(false);
                return f;
            }
            syncRequests.add(f);
            var c = consumer;
            if (c != null && polling) c.wakeup();
            return f;
        }

        private void failPendingSyncs() {
            for (var f = syncRequests.poll(); f != null; f = syncRequests.poll()) f.complete(false);
        }
    }

    /** End offsets to reach, and who waits for them. */
    private record Barrier(Map<TopicPartition, Long> end, List<java.util.concurrent.CompletableFuture<Boolean>> waiting) {
    }

    /**
     * Follows {@code topics} from their beginning on a daemon thread, waiting until they all exist. A record whose
     * handler throws is logged and skipped (one bad record never stops a follower); {@code onFailure} hears why the
     * follower stopped early.
     */
    public static Follower follow(String bootstrap, List<String> topics, String threadName, RecordHandler onRecord,
                                  java.util.function.Consumer<RuntimeException> onFailure) {
        return follow(bootstrap, topics, threadName, false, onRecord, onFailure);
    }

    /**
     * {@link #follow(String, List, String, RecordHandler, java.util.function.Consumer)}, reading only committed records
     * when {@code readCommitted} (topics written by transactions, such as the aggregator's pmc.persona-stats).
     */
    public static Follower follow(String bootstrap, List<String> topics, String threadName, boolean readCommitted,
                                  RecordHandler onRecord, java.util.function.Consumer<RuntimeException> onFailure) {
        Follower f = new Follower();
        Properties props = props(bootstrap);
        if (readCommitted) props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Thread t = new Thread(() -> {
            List<Barrier> barriers = new java.util.ArrayList<>();
            // sync requests taken from the queue but not yet given end offsets (a wakeup can interrupt the lookup)
            List<java.util.concurrent.CompletableFuture<Boolean>> asked = new java.util.ArrayList<>();
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
                f.consumer = c;
                List<TopicPartition> parts = null;
                while (parts == null && !f.stopped) {
                    List<TopicPartition> found = new java.util.ArrayList<>();
                    for (String topic : topics) {
                        var info = c.partitionsFor(topic, Duration.ofSeconds(10));
                        if (info != null) info.forEach(i -> found.add(new TopicPartition(i.topic(), i.partition())));
                    }
                    if (found.stream().map(TopicPartition::topic).distinct().count() == topics.size()) parts = found;
                    else Thread.sleep(1000);
                }
                if (parts == null) return;
                c.assign(parts);
                c.seekToBeginning(parts);
                Map<TopicPartition, Long> end = c.endOffsets(parts);
                f.polling = true;
                while (!f.stopped) {
                    try {
                        for (var q = f.syncRequests.poll(); q != null; q = f.syncRequests.poll()) asked.add(q);
                        if (!asked.isEmpty()) {
                            Map<TopicPartition, Long> now = c.endOffsets(parts);
                            barriers.add(new Barrier(now, List.copyOf(asked)));
                            asked.clear();
                        }
                        releaseReached(c, parts, barriers);
                        for (var r : c.poll(barriers.isEmpty() ? Duration.ofSeconds(1) : Duration.ofMillis(20))) {
                            try {
                                onRecord.accept(r.topic(), r.key(), r.value());
                            } catch (RuntimeException bad) {
                                LOG.warning(() -> threadName + ": skipping record " + r.topic() + "/" + r.partition() + "@" + r.offset() + ": " + bad);
                            }
                        }
                        if (f.caughtUp.getCount() > 0 && parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) f.caughtUp.countDown();
                        releaseReached(c, parts, barriers);
                    } catch (org.apache.kafka.common.errors.WakeupException woken) {
                        // stop() or a sync request; the loop condition tells which
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException | InterruptedException e) {
                // stopping
            } catch (RuntimeException e) {
                onFailure.accept(e);
            } finally {
                f.stopped = true;
                barriers.forEach(b -> b.waiting().forEach(w -> w.complete(false)));
                barriers.clear();
                asked.forEach(w -> w.complete(false));
                f.failPendingSyncs();
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Completes the barriers whose end offsets the consumer has reached. */
    private static void releaseReached(KafkaConsumer<String, String> c, List<TopicPartition> parts, List<Barrier> barriers) {
        for (var it = barriers.iterator(); it.hasNext(); ) {
            Barrier b = it.next();
            if (parts.stream().allMatch(tp -> c.position(tp) >= b.end().getOrDefault(tp, 0L))) {
                b.waiting().forEach(w -> w.complete(true));
                it.remove();
            }
        }
    }

    /** Plain string consumer settings without a group (assign, never commit). */
    public static Properties props(String bootstrap) {
        Properties p = KafkaClients.properties(bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
