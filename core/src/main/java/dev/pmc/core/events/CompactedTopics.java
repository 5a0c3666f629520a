package dev.pmc.core.events;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A service's one reader of the compacted state topics (pmc.targets, pmc.runs, pmc.persona-stats, ...): a single
 * consumer, without a group, on one daemon thread, that follows every topic a {@link View} of the service asked for,
 * each from its beginning, for as long as the service runs. Each topic has one view per service (a second view of
 * the same topic is refused: share the first), so a service opens one consumer however many state topics it reads.
 *
 * <p>Kept hand-written: SmallRye's Kafka connector reads with a consumer group (compacted state must be read whole by
 * every replica, from the beginning, with a "caught up" point and read barriers), and a GlobalKTable would need a
 * Kafka Streams instance in every service. Reads committed records only, so transactional topics
 * (pmc.persona-stats) show no aborted or pending writes; for the others that changes nothing.
 */
@Singleton
public final class CompactedTopics implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CompactedTopics.class.getName());
    /** How long a lookup of a view's topics may block the thread (a missing topic is looked up again each second). */
    private static final Duration LOOKUP = Duration.ofSeconds(2);

    private final Properties props;
    private final String threadName;
    private final ConcurrentLinkedQueue<View> added = new ConcurrentLinkedQueue<>();
    private final Set<String> topicsTaken = new HashSet<>();
    private volatile Consumer<String, String> consumer;
    private final Function<Properties, Consumer<String, String>> consumers;
    private volatile boolean closed;
    private Thread thread;

    @Inject
    public CompactedTopics(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this(bootstrap, "compacted-topics");
    }

    public CompactedTopics(String bootstrap, String threadName) {
        this(bootstrap, threadName, KafkaConsumer::new);
    }

    /** With consumers from {@code consumers} (tests give Kafka's MockConsumer). */
    CompactedTopics(String bootstrap, String threadName, Function<Properties, Consumer<String, String>> consumers) {
        this.consumers = consumers;
        // assigned partitions, never a group or a commit
        this.props = KafkaClients.properties(bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a reader waits for a state topic; it never creates one (a broker's auto-creation would make it uncompacted)
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.threadName = threadName;
    }

    /** A record of a followed topic (value null: a tombstone). */
    public interface RecordHandler {
        void accept(String topic, String key, String value);
    }

    /**
     * Follows {@code topics} from their beginning, once they all exist, handing each record to {@code onRecord} on
     * the reader's thread. A record whose handler throws is logged and skipped: one bad record never stops the reader.
     */
    public synchronized View follow(String name, List<String> topics, RecordHandler onRecord) {
        if (closed) throw new IllegalStateException("compacted-topic reader closed");
        for (String t : topics) {
            if (topicsTaken.contains(t)) throw new IllegalStateException(t + " is already followed here: share its view");
        }
        topicsTaken.addAll(topics);
        View v = new View(name, List.copyOf(topics), onRecord);
        added.add(v);
        if (thread == null) {
            thread = new Thread(this::run, threadName);
            thread.setDaemon(true);
            thread.start();
        } else {
            wake();
        }
        return v;
    }

    private void wake() {
        var c = consumer;
        if (c != null) c.wakeup();
    }

    /** One use of the reader: its topics, its handler, when it caught up, its read barriers. */
    public final class View {
        private final String name;
        private final List<String> topics;
        private final RecordHandler onRecord;
        private final CountDownLatch caughtUp = new CountDownLatch(1);
        /** Ended by the reader (its topic may not be read, or the reader closed): barriers answer false at once. */
        private volatile boolean ended;
        private final ConcurrentLinkedQueue<CompletableFuture<Boolean>> syncRequests = new ConcurrentLinkedQueue<>();
        // the reader thread's own state
        private List<TopicPartition> parts;
        private Map<TopicPartition, Long> end;
        private final List<Barrier> barriers = new ArrayList<>();

        private View(String name, List<String> topics, RecordHandler onRecord) {
            this.name = name;
            this.topics = topics;
            this.onRecord = onRecord;
        }

        /** Waits until every record that existed when the view began reading has been handled; false on timeout. */
        public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
            return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public boolean caughtUp() {
            return caughtUp.getCount() == 0;
        }

        /**
         * A read barrier: completes (true) once the view has handled every record of its topics that existed when it
         * was asked, so a record written before an event that names it (a target before its prompts) is known
         * afterwards. Requests made together share one end-offset lookup. Completes false when the reader stops first.
         */
        public CompletableFuture<Boolean> sync() {
            var f = new CompletableFuture<Boolean>();
            if (closed || ended) {
                f.complete(false);
                return f;
            }
            syncRequests.add(f);
            wake();
            if (closed || ended) failQueued(); // the reader may have ended before it saw the request
            return f;
        }

        private void failQueued() {
            for (var f = syncRequests.poll(); f != null; f = syncRequests.poll()) f.complete(false);
        }

        /** On the reader's thread, as it ends. */
        private void failAll() {
            ended = true;
            failQueued();
            barriers.forEach(b -> b.waiting().forEach(w -> w.complete(false)));
            barriers.clear();
        }

        /** Completes the barriers whose end offsets the consumer has reached, and notes catching up. */
        private void release(Consumer<String, String> c) {
            if (caughtUp.getCount() > 0 && reached(c, end)) caughtUp.countDown();
            for (var it = barriers.iterator(); it.hasNext(); ) {
                Barrier b = it.next();
                if (reached(c, b.end())) {
                    b.waiting().forEach(w -> w.complete(true));
                    it.remove();
                }
            }
        }

        private boolean reached(Consumer<String, String> c, Map<TopicPartition, Long> offsets) {
            for (TopicPartition tp : parts) {
                if (c.position(tp) < offsets.getOrDefault(tp, 0L)) return false;
            }
            return true;
        }

        @Override
        public String toString() {
            return name + topics;
        }
    }

    /** End offsets to reach, and who waits for them. */
    private record Barrier(Map<TopicPartition, Long> end, List<CompletableFuture<Boolean>> waiting) {
    }

    /**
     * The reader's loop. A failure of the consumer (a broker unreachable past a timeout, credentials refused) does not
     * end it: a new consumer goes on from where each partition had been read, after a pause that grows to 30 s. A topic
     * this service may not read ends only the views of that topic (logged), never the others.
     */
    private void run() {
        List<View> waiting = new ArrayList<>();
        List<View> active = new ArrayList<>();
        Map<String, View> byTopic = new HashMap<>();
        Set<TopicPartition> assigned = new HashSet<>();
        // where each partition's next record is, so a new consumer neither skips nor repeats one
        Map<TopicPartition, Long> next = new HashMap<>();
        long nextLookup = 0;
        int failures = 0;
        try {
            while (!closed) {
                try (Consumer<String, String> c = consumers.apply(props)) {
                    consumer = c;
                    if (!assigned.isEmpty()) {
                        c.assign(assigned);
                        for (TopicPartition tp : assigned) {
                            Long at = next.get(tp);
                            if (at == null) c.seekToBeginning(List.of(tp));
                            else c.seek(tp, at);
                        }
                    }
                    while (!closed) {
                        try {
                            for (View v = added.poll(); v != null; v = added.poll()) waiting.add(v);
                            if (!waiting.isEmpty() && System.nanoTime() >= nextLookup) {
                                for (var it = waiting.iterator(); it.hasNext(); ) {
                                    View v = it.next();
                                    if (!begin(c, v, assigned)) continue;
                                    it.remove();
                                    active.add(v);
                                    v.topics.forEach(t -> byTopic.put(t, v));
                                }
                                nextLookup = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                            }
                            if (active.isEmpty()) {
                                Thread.sleep(waiting.isEmpty() ? 100 : 1000);
                                continue;
                            }
                            boolean barriers = false;
                            for (View v : active) {
                                List<CompletableFuture<Boolean>> asked = new ArrayList<>();
                                for (var q = v.syncRequests.poll(); q != null; q = v.syncRequests.poll()) asked.add(q);
                                if (!asked.isEmpty()) {
                                    try {
                                        v.barriers.add(new Barrier(c.endOffsets(v.parts), asked));
                                    } catch (RuntimeException e) {
                                        v.syncRequests.addAll(asked); // asked again on the next turn
                                        throw e;
                                    }
                                }
                                v.release(c);
                                barriers |= !v.barriers.isEmpty();
                            }
                            for (var r : c.poll(barriers ? Duration.ofMillis(20) : Duration.ofSeconds(1))) {
                                View v = byTopic.get(r.topic());
                                // a view still beginning (a new consumer took its partitions over): it reads them from the start
                                if (v == null) continue;
                                next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                                try {
                                    v.onRecord.accept(r.topic(), r.key(), r.value());
                                } catch (RuntimeException bad) {
                                    LOG.warning(() -> v.name + ": skipping record " + r.topic() + "/" + r.partition() + "@" + r.offset() + ": " + bad);
                                }
                            }
                            for (View v : active) v.release(c);
                            failures = 0;
                        } catch (WakeupException woken) {
                            // a new view, a sync request or close(): the loop condition and the queues tell which
                        }
                    }
                } catch (TopicAuthorizationException denied) {
                    Set<String> topics = denied.unauthorizedTopics();
                    for (List<View> views : List.of(active, waiting)) {
                        for (var it = views.iterator(); it.hasNext(); ) {
                            View v = it.next();
                            if (v.topics.stream().noneMatch(topics::contains)) continue;
                            it.remove();
                            LOG.severe(threadName + ": " + v + " ends, this service may not read " + topics + ": " + denied.getMessage());
                            v.topics.forEach(byTopic::remove);
                            if (v.parts != null) v.parts.forEach(assigned::remove);
                            v.failAll();
                        }
                    }
                } catch (RuntimeException e) {
                    if (closed) break;
                    long wait = Math.min(30_000, 1000L << Math.min(failures++, 5));
                    LOG.warning(threadName + ": " + e + "; reading on with a new consumer in " + wait + " ms");
                    for (long end = System.currentTimeMillis() + wait; !closed && System.currentTimeMillis() < end; ) Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            active.forEach(View::failAll);
            waiting.forEach(View::failAll);
            for (View v = added.poll(); v != null; v = added.poll()) v.failAll();
        }
    }

    /** Adds a view's partitions to the assignment, from their beginning; false while one of its topics is missing. */
    private static boolean begin(Consumer<String, String> c, View v, Set<TopicPartition> assigned) {
        List<TopicPartition> found = new ArrayList<>();
        for (String topic : v.topics) {
            List<org.apache.kafka.common.PartitionInfo> info;
            try {
                info = c.partitionsFor(topic, LOOKUP);
            } catch (org.apache.kafka.common.errors.TimeoutException slow) {
                return false; // looked up again in a second; the other views go on meanwhile
            }
            if (info == null || info.isEmpty()) return false;
            info.forEach(i -> found.add(new TopicPartition(i.topic(), i.partition())));
        }
        Set<TopicPartition> all = new HashSet<>(assigned);
        all.addAll(found);
        c.assign(all);
        assigned.addAll(found);
        c.seekToBeginning(found);
        v.end = c.endOffsets(found);
        v.parts = found;
        return true;
    }

    /** Stops the reader; pending read barriers complete false. */
    @PreDestroy
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        wake();
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
