#!/usr/bin/env bash
# kafka-acls.sh as in the release: runs org.apache.kafka.tools.AclCommand
exec /opt/kafka/bin/kafka-run-class.sh org.apache.kafka.tools.AclCommand "$@"
