package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.events.KafkaClients;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Leader election among prompt-generator replicas with Kafka's own group membership: every replica joins the
 * consumer group {@code pmc-prompt-generator-leader} on the one-partition topic pmc.generator-leader; the member that
 * holds the partition is the leader. Only the leader schedules runs and publishes prompts (so two replicas never both
 * schedule the same run); any replica serves the API. Static membership (a stable {@code pmc.generator.instance-id})
 * lets a restarted replica take its place back at once; a dead leader is replaced after the session timeout.
 */
@ApplicationScoped
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);
    static final String GROUP = "pmc-prompt-generator-leader";

    /** Told when this replica becomes leader and when it stops being leader. */
    public interface Listener {
        void elected();

        void demoted();
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean leader;
    private volatile boolean stopped;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "pmc.generator.instance-id")
    java.util.Optional<String> instanceId;
    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;
    @Inject
    MeterRegistry meters;

    void start(@Observes StartupEvent ev) {
        Gauge.builder("pmc_generator_leader", this, e -> e.leader ? 1 : 0)
                .description("1 on the prompt-generator replica that schedules runs and publishes prompts").register(meters);
        ensureTopic();
        String id = instanceId.filter(s -> !s.isBlank()).orElse(hostname() + "-" + httpPort);
        Properties p = KafkaClients.properties(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1500);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        thread = new Thread(() -> loop(p), "leader-election");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("leader election: joining %s as %s", GROUP, id);
    }

    private void loop(Properties p) {
        while (!stopped) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
                consumer = c;
                c.subscribe(List.of(Topics.GENERATOR_LEADER), new ConsumerRebalanceListener() {
                    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                        if (!parts.isEmpty()) setLeader(false);
                    }

                    public void onPartitionsLost(Collection<TopicPartition> parts) {
                        setLeader(false);
                    }

                    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                        if (!parts.isEmpty()) setLeader(true);
                    }
                });
                while (!stopped) c.poll(Duration.ofMillis(500));
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                LOG.warnf("leader election: %s; rejoining", e.getMessage());
                setLeader(false);
                sleep(1000);
            }
        }
        setLeader(false);
    }

    private synchronized void setLeader(boolean now) {
        if (leader == now) return;
        leader = now;
        LOG.infof(now ? "this replica is the leader: it schedules runs and publishes prompts" : "this replica is no longer the leader");
        for (Listener l : listeners) {
            try {
                if (now) l.elected();
                else l.demoted();
            } catch (RuntimeException e) {
                LOG.errorf(e, "leader listener failed");
            }
        }
    }

    public boolean isLeader() {
        return leader;
    }

    public void addListener(Listener l) {
        listeners.add(l);
        if (leader) l.elected();
    }

    private void ensureTopic() {
        String problem = KafkaClients.createIfMissing(bootstrap, new Topics.Spec(Topics.GENERATOR_LEADER, 1, false));
        if (problem != null) LOG.warnf("cannot create %s: %s", Topics.GENERATOR_LEADER, problem);
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        var c = consumer;
        if (c != null) c.wakeup();
    }
}
