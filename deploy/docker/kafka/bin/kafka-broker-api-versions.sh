#!/usr/bin/env bash
# kafka-broker-api-versions.sh as in the release: runs org.apache.kafka.tools.BrokerApiVersionsCommand
exec /opt/kafka/bin/kafka-run-class.sh org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
