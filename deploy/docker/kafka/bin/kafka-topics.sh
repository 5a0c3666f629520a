#!/usr/bin/env bash
# kafka-topics.sh as in the release: runs org.apache.kafka.tools.TopicCommand
exec /opt/kafka/bin/kafka-run-class.sh org.apache.kafka.tools.TopicCommand "$@"
