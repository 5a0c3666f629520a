package dev.pmc.aggregator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What quarkus-kafka-streams runs: the {@link AggregatorTopology}, built once the target registry and run records are
 * read (so admission is right from the first rating), and a stream thread that dies of something the topology did not
 * catch (a broker gone for long, a fenced producer) is replaced, not lost. Exactly-once, state directory, commit
 * interval and the dead-letter handlers are {@code kafka-streams.*} keys in application.properties.
 */
@ApplicationScoped
public class AggregatorStreamsSetup {
    private static final Logger LOG = Logger.getLogger(AggregatorStreamsSetup.class);

    @Inject
    RunStates runStates;
    @Inject
    Baselines baselines;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    AggregatorConfig config;

    @Produces
    Topology topology() throws InterruptedException {
        ensureTopics(bootstrap, config.partitions());
        runStates.start();
        baselines.start();
        if (!runStates.awaitCaughtUp(Duration.ofSeconds(60))) LOG.warn("target registry and runs not read within 60 s; starting anyway");
        return AggregatorTopology.build(runStates, Duration.ofMillis(config.commitIntervalMs()));
    }

    @Produces
    StreamsUncaughtExceptionHandler replaceDeadThreads() {
        return e -> {
            LOG.errorf(e, "stream thread died; replacing it");
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    /** Creates the topics the topology reads and writes when they are missing (idempotent). */
    public static void ensureTopics(String bootstrap, int partitions) {
        try (Admin admin = Admin.create(KafkaClients.config(bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topics.Spec s : Topics.all(partitions)) {
                if (s.name().equals(Topics.RATINGS) || s.name().equals(Topics.RATINGS_DLQ) || s.name().equals(Topics.PERSONA_STATS)
                        || s.name().equals(Topics.BASELINES) || s.name().equals(Topics.RUN_DECISIONS)) {
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
}
