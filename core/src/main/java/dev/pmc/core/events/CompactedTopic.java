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
                while (!f.stopped) {
                    for (var r : c.poll(Duration.ofSeconds(1))) {
                        try {
                            onRecord.accept(r.topic(), r.key(), r.value());
                        } catch (RuntimeException bad) {
                            LOG.warning(() -> threadName + ": skipping record " + r.topic() + "/" + r.partition() + "@" + r.offset() + ": " + bad);
                        }
                    }
                    if (f.caughtUp.getCount() > 0 && parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) f.caughtUp.countDown();
                }
            } catch (org.apache.kafka.common.errors.WakeupException | InterruptedException e) {
                // stopping
            } catch (RuntimeException e) {
                onFailure.accept(e);
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Plain string consumer settings without a group (assign, never commit). */
    public static Properties props(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
