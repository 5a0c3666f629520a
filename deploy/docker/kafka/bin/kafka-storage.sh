#!/usr/bin/env bash
# kafka-storage.sh as in the release: runs kafka.tools.StorageTool
exec /opt/kafka/bin/kafka-run-class.sh kafka.tools.StorageTool "$@"
