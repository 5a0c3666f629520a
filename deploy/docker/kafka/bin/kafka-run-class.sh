#!/usr/bin/env bash
# The release's launcher reduced to what this image needs: java with the KAFKA_* option variables and every jar.
set -euo pipefail
base=/opt/kafka
if [ -z "${KAFKA_LOG4J_OPTS:-}" ]; then
  tools_log=$base/config/tools-log4j2.yaml; [ -f "$tools_log" ] || tools_log=/etc/kafka/docker/tools-log4j2.yaml
  KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=$tools_log"
fi
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:-} $KAFKA_JVM_PERFORMANCE_OPTS ${KAFKA_OPTS:-} $KAFKA_LOG4J_OPTS -cp "$base/libs/*" "$@"
