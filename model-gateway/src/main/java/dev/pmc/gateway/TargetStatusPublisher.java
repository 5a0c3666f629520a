package dev.pmc.gateway;

import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.KafkaClients;
import dev.pmc.core.events.TargetStatus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Writes a target's pause and resumption to pmc.target-status (compacted, key the target), so the generator's run
 * records and the live page can say why a run stands still. Only transitions are written (a handful per outage).
 * A raw producer rather than a SmallRye emitter: writes come from limiter callbacks on any thread, and a lost write
 * must never hold a call, so it is fire-and-forget with a log line on failure.
 */
@ApplicationScoped
public class TargetStatusPublisher {
    @jakarta.inject.Inject
    GatewayConfig config;
    private static final Logger LOG = Logger.getLogger(TargetStatusPublisher.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    private volatile KafkaProducer<String, String> producer;

    void start(@Observes StartupEvent ev) {
        if (!config.registry().enabled()) return;
        String problem = KafkaClients.createIfMissing(bootstrap, new Topics.Spec(Topics.TARGET_STATUS, 1, true));
        if (problem != null) LOG.debugf("not creating %s (%s): the deployment creates it", Topics.TARGET_STATUS, problem);
        producer = new KafkaProducer<>(KafkaClients.config(bootstrap, "acks", "all", "linger.ms", 0, "max.block.ms", 10_000),
                new StringSerializer(), new StringSerializer());
    }

    /** The target's calls now wait ({@code paused} the reason) or go again (null). */
    public void publish(String target, String paused) {
        KafkaProducer<String, String> p = producer;
        if (p == null) return;
        TargetStatus s = new TargetStatus(target, paused, System.currentTimeMillis());
        p.send(new ProducerRecord<>(Topics.TARGET_STATUS, target, EventCodec.encode(s)), (md, err) -> {
            if (err != null) LOG.warnf("cannot record %s's status in %s: %s", target, Topics.TARGET_STATUS, err.getMessage());
        });
        LOG.infof("target %s %s", target, paused == null ? "resumed" : "paused: " + paused);
    }

    @PreDestroy
    void stop() {
        KafkaProducer<String, String> p = producer;
        if (p != null) p.close(java.time.Duration.ofSeconds(5));
    }
}
