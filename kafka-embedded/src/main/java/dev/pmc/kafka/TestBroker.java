package dev.pmc.kafka;

/** A real broker a test talks to: in this JVM ({@link EmbeddedKafka}) or in a container ({@link ContainerBroker}). */
public interface TestBroker extends AutoCloseable {
    String bootstrapServers();

    /** What it is, for the test log ("embedded KRaft broker", "Kafka container apache/kafka:4.1.2"). */
    String describe();

    @Override
    void close();
}
