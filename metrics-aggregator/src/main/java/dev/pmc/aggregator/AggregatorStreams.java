package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.metrics.PersonaStats;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link AggregatorTopology} with exactly-once processing, so a crash can neither lose nor
 * double-count a rating: the per-persona store, its changelog and the pmc.persona-stats output commit
 * atomically. Plain Java (no Quarkus) so tests can start, stop and restart it.
 */
public final class AggregatorStreams implements AutoCloseable {
    private final KafkaStreams streams;

    public AggregatorStreams(String bootstrap, String applicationId, String stateDir, long commitIntervalMs, int threads) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 32L * 1024 * 1024);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        this.streams = new KafkaStreams(AggregatorTopology.build(), p);
    }

    /** Creates the topics the topology reads and writes when they are missing (idempotent). */
    public static void ensureTopics(String bootstrap, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topics.Spec s : Topics.all(partitions)) {
                if (s.name().equals(Topics.RATINGS) || s.name().equals(Topics.RATINGS_DLQ) || s.name().equals(Topics.PERSONA_STATS)) {
                    topics.add(new NewTopic(s.name(), s.partitions(), (short) -1).configs(Topics.configs(s)));
                }
            }
            for (var f : admin.createTopics(topics).values().values()) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException(e.getCause());
                }
            }
        } catch (Exception e) {
            if (e instanceof IllegalStateException ise) throw ise;
            throw new IllegalStateException("cannot create aggregator topics at " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Every persona's statistics from the global table (empty until the stream is running). */
    public List<PersonaStats> snapshot() {
        List<PersonaStats> out = new ArrayList<>();
        if (!running()) return out;
        ReadOnlyKeyValueStore<String, PersonaStats> store = streams.store(
                StoreQueryParameters.fromNameAndType(AggregatorTopology.GLOBAL_STORE, QueryableStoreTypes.keyValueStore()));
        try (var it = store.all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    public void awaitRunning(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (!running()) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("streams not running: " + state());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(20));
    }
}
