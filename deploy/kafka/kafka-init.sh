#!/usr/bin/env bash
# kafka-init (docker-compose.yml): run once per cluster start, idempotent. With the Kafka image's own tools it
#  1. waits until all three brokers answer,
#  2. creates PMC's topics as dev.pmc.core.Topics lists them (replication factor and min.insync.replicas from the
#     brokers' defaults: 3 and 2),
#  3. creates each service's SCRAM-SHA-512 user from .pmc/kafka/init.env (made by bin/pmc images),
#  4. grants each user only what its service does: only the prompt-generator writes pmc.targets and pmc.runs;
#     a client without credentials can do nothing (no ACL, no access).
# It talks to the INTERNAL listener as the PLAIN super user "admin", which only brokers and this step know.
set -euo pipefail
umask 077
K=/opt/kafka/bin
BS="${PMC_KAFKA_INTERNAL_BOOTSTRAP:-kafka-1:9094,kafka-2:9094,kafka-3:9094}"
ADMIN=/tmp/pmc-admin.properties
printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="%s";\n' \
  "${PMC_KAFKA_ADMIN_PASSWORD:?PMC_KAFKA_ADMIN_PASSWORD missing: run bin/pmc images}" > "$ADMIN"

echo "kafka-init: waiting for 3 brokers at $BS"
for i in $(seq 1 90); do
  n=$("$K/kafka-broker-api-versions.sh" --bootstrap-server "$BS" --command-config "$ADMIN" 2>/dev/null | grep -c '(id: ' || true)
  [ "$n" -ge 3 ] && break
  [ "$i" -eq 90 ] && { echo "kafka-init: only $n of 3 brokers answered" >&2; exit 1; }
  sleep 2
done

# Every tool call is a JVM start (1-2 s): the calls of a step run side by side, and a step fails if any call does.
pids=()
bg() { while [ "$(jobs -rp | wc -l)" -ge 6 ]; do sleep 0.2; done; "$@" & pids+=($!); }  # 6 at a time
join() { local failed=0; for p in "${pids[@]}"; do wait "$p" || failed=1; done; pids=(); [ "$failed" -eq 0 ] || { echo "kafka-init: a step failed" >&2; exit 1; }; }

topic() { # name partitions [config]
  "$K/kafka-topics.sh" --bootstrap-server "$BS" --command-config "$ADMIN" --create --if-not-exists \
    --topic "$1" --partitions "$2" ${3:+--config "$3"} >/dev/null
  echo "kafka-init: topic $1 ($2 partitions${3:+, $3})"
}
bg topic pmc.prompts 6
bg topic pmc.responses 6
bg topic pmc.ratings 6
bg topic pmc.persona-stats 6 cleanup.policy=compact
bg topic pmc.targets 1 cleanup.policy=compact
bg topic pmc.runs 1 cleanup.policy=compact
bg topic pmc.baselines 1 cleanup.policy=compact
bg topic pmc.run-decisions 1 cleanup.policy=compact
bg topic pmc.target-status 1 cleanup.policy=compact
bg topic pmc.generator-leader 1
bg topic pmc.prompts.dlq 1
bg topic pmc.responses.dlq 1
bg topic pmc.ratings.dlq 1
join

user() { # name password
  "$K/kafka-configs.sh" --bootstrap-server "$BS" --command-config "$ADMIN" --alter --entity-type users \
    --entity-name "$1" --add-config "SCRAM-SHA-512=[iterations=8192,password=$2]" >/dev/null
  echo "kafka-init: user $1"
}
bg user pmc-prompt-generator "${PMC_KAFKA_PASSWORD_PROMPT_GENERATOR:?}"
bg user pmc-model-gateway "${PMC_KAFKA_PASSWORD_MODEL_GATEWAY:?}"
bg user pmc-response-scorer "${PMC_KAFKA_PASSWORD_RESPONSE_SCORER:?}"
bg user pmc-metrics-aggregator "${PMC_KAFKA_PASSWORD_METRICS_AGGREGATOR:?}"
join

allow() { # principal, then kafka-acls.sh resource and operation options
  local p=$1; shift
  "$K/kafka-acls.sh" --bootstrap-server "$BS" --command-config "$ADMIN" --add --allow-principal "User:$p" "$@" >/dev/null
}
topics() { for t in "$@"; do printf -- '--topic\n%s\n' "$t"; done; }
ops() { for o in "$@"; do printf -- '--operation\n%s\n' "$o"; done; }
grant() { # principal "operations" topics...
  local p=$1 o=$2; shift 2
  mapfile -t args < <(ops $o; topics "$@")
  allow "$p" "${args[@]}"
}
G=pmc-prompt-generator; W=pmc-model-gateway; S=pmc-response-scorer; A=pmc-metrics-aggregator
bg grant $G "Read Write Describe" pmc.targets pmc.runs
bg grant $G "Write Describe" pmc.prompts
bg grant $G "Read Describe" pmc.run-decisions pmc.persona-stats pmc.target-status
bg grant $G "Read Describe Create" pmc.generator-leader
bg allow $G --operation Read --group pmc-prompt-generator-leader
bg grant $W "Read Describe" pmc.prompts pmc.targets
bg grant $W "Write Describe" pmc.responses pmc.prompts.dlq pmc.target-status
bg allow $W --operation Read --group pmc-model-gateway
bg grant $S "Read Describe" pmc.responses pmc.targets
bg grant $S "Write Describe" pmc.ratings pmc.responses.dlq pmc.prompts
bg allow $S --operation Read --group pmc-response-scorer
bg grant $A "Read Describe" pmc.runs pmc.targets pmc.target-status
bg grant $A "Read Write Describe Create" pmc.ratings pmc.persona-stats pmc.baselines pmc.run-decisions pmc.ratings.dlq
# Kafka Streams: its changelog topics, consumer group and transactional ids all start with the application id
bg allow $A --resource-pattern-type prefixed --topic pmc-metrics-aggregator --group pmc-metrics-aggregator \
  --transactional-id pmc-metrics-aggregator --operation All
join
echo "kafka-init: ACLs for $G, $W, $S, $A"
echo "kafka-init: done"
