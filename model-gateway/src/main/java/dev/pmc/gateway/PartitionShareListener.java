package dev.pmc.gateway;

import dev.pmc.core.Topics;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Shared limits across replicas: each gateway replica takes the share of an account's limit that matches its
 * share of pmc.prompts partitions (prompts are keyed by target|run|persona, so work spreads evenly over
 * partitions), so N replicas in one consumer group together stay within the configured limit instead of
 * multiplying it.
 */
@ApplicationScoped
@Identifier("pmc-gateway-rebalance")
public class PartitionShareListener implements KafkaConsumerRebalanceListener {
    private final Set<TopicPartition> assigned = new HashSet<>();

    @Inject
    GatewayTargets targets;

    @Override
    public synchronized void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
        update(consumer);
    }

    @Override
    public synchronized void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    @Override
    public synchronized void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    private void update(Consumer<?, ?> consumer) {
        int total = consumer.partitionsFor(Topics.PROMPTS).size();
        long mine = assigned.stream().filter(tp -> tp.topic().equals(Topics.PROMPTS)).count();
        if (total > 0) targets.setShare(Math.max(1, mine) / (double) total);
    }
}
