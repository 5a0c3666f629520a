package dev.pmc.aggregator;

import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Kafka Streams' processing-exception handler for the aggregator: a record whose processing throws is written, as it
 * arrived (raw key and value), to pmc.ratings.dlq with the reason in the {@code dead-letter-reason} header, and the
 * stream goes on with the next record. The topology dead-letters the records it refuses itself (inside its
 * transaction); this is the net for anything it did not foresee.
 */
public class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = Logger.getLogger(DeadLetterProcessingHandler.class);
    private KafkaProducer<byte[], byte[]> producer;

    @Override
    public void configure(Map<String, ?> configs) {
        Object bootstrap = configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        Map<String, Object> config = KafkaClients.securityOf(configs); // the stream's own credentials
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String reason = exception.getClass().getSimpleName() + ": " + exception.getMessage() + " (at " + context.processorNodeId() + ")";
        LOG.warnf("dead-lettering %s-%d@%d: %s", context.topic(), context.partition(), context.offset(), reason);
        try {
            ProducerRecord<byte[], byte[]> dlq = new ProducerRecord<>(Topics.RATINGS_DLQ, context.sourceRawKey(), context.sourceRawValue());
            dlq.headers().add(EventCodec.DLQ_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
            producer.send(dlq);
        } catch (RuntimeException e) {
            LOG.errorf("cannot write to %s: %s", Topics.RATINGS_DLQ, e.getMessage());
        }
        return ProcessingHandlerResponse.CONTINUE;
    }
}
