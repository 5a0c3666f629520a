package dev.pmc.aggregator;

import dev.pmc.core.events.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Duration;
import java.util.Properties;

/**
 * Runs the {@link AggregatorTopology} as the service does (the service through quarkus-kafka-streams, with the
 * {@code kafka-streams.*} keys of application.properties; {@code AggregatorStreamsConfigTest} holds the two equal), in
 * plain Java so tests can start, stop and restart it.
 */
public final class AggregatorStreams implements AutoCloseable {
    private final KafkaStreams streams;
    private final Properties properties;

    public AggregatorStreams(String bootstrap, String applicationId, String stateDir, long commitIntervalMs, int threads) {
        this(bootstrap, applicationId, stateDir, commitIntervalMs, threads, AggregatorTopology.Admission.ALL);
    }

    public AggregatorStreams(String bootstrap, String applicationId, String stateDir, long commitIntervalMs, int threads,
                             AggregatorTopology.Admission admission) {
        Properties p = KafkaClients.properties(bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 10_000);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 32L * 1024 * 1024);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        // a dead instance is noticed within 10 s; with a stable instance id a restarted one takes its tasks back at once
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3000);
        String instanceId = System.getProperty("pmc.aggregator.instance-id", "");
        if (!instanceId.isBlank()) p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        // the topology dead-letters bad records itself; these catch whatever else a record could throw, so no record
        // can stop the stream thread (and crash-loop it after a restart)
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
        p.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, org.apache.kafka.streams.errors.LogAndContinueExceptionHandler.class.getName());
        this.properties = p;
        this.streams = new KafkaStreams(AggregatorTopology.build(admission, Duration.ofMillis(commitIntervalMs)), p);
        // a stream thread that dies of something else (a broker gone for long, a fenced producer) is replaced, not lost
        streams.setUncaughtExceptionHandler(e -> org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    /** Creates the topics the topology reads and writes when they are missing (as the service does at start). */
    public static void ensureTopics(String bootstrap, int partitions) {
        AggregatorStreamsSetup.ensureTopics(bootstrap, partitions);
    }

    /** The Kafka Streams configuration this helper runs with (held equal to application.properties by a test). */
    Properties properties() {
        return properties;
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
