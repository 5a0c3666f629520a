#!/usr/bin/env bash
# kafka-metadata-quorum.sh as in the release: runs org.apache.kafka.tools.MetadataQuorumCommand
exec /opt/kafka/bin/kafka-run-class.sh org.apache.kafka.tools.MetadataQuorumCommand "$@"
