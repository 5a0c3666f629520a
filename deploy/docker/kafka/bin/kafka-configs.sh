#!/usr/bin/env bash
# kafka-configs.sh as in the release: runs kafka.admin.ConfigCommand
exec /opt/kafka/bin/kafka-run-class.sh kafka.admin.ConfigCommand "$@"
