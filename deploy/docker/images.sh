#!/usr/bin/env bash
# bin/pmc images [--offline] [--no-build]: everything `docker compose up -d` needs, on any machine with a Docker engine.
#  1. The five service images pmc/NAME:VERSION from the Maven build (deploy/docker/service.Dockerfile), on the
#     public JRE image, or on a local Debian JRE image when no registry answers.
#  2. Third-party images: the public ones where they can be had (present or pulled), else local stand-ins under
#     names of their own: pmc-local/kafka (the same Apache Kafka release from Maven Central, the official image's
#     start-up and KAFKA_* interface, deploy/docker/kafka) and pmc-local/prometheus (Debian's package).
#     Grafana has no stand-in: its compose profile is switched on only where its image can be had.
#  3. Credentials (once, owner-only, never committed): bearer-token keys and tokens in .pmc/security (bin/pmc token),
#     Kafka passwords in .pmc/kafka/*.env.
#  4. .env beside docker-compose.yml with the image names chosen, which compose reads.
# Images already up to date are reused (docker's build cache; the Debian roots are built once).
# --offline: try no pull (where registries are known to be unreachable); --no-build: skip ./mvnw.
set -euo pipefail
# images must be readable by their own users (185, 1000): build and copy with a permissive umask (credentials below
# are made owner-only explicitly)
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OFFLINE=false; BUILD=true
for a in "$@"; do
  case "$a" in
    --offline) OFFLINE=true ;;
    --no-build) BUILD=false ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pmc images: unknown option $a (known: --offline, --no-build)" >&2; exit 2 ;;
  esac
done
say() { echo "pmc images: $*" >&2; }
die() { say "$*"; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info failed); start one (dockerd) and try again"
VERSION=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
KAFKA_VERSION=$(sed -n 's|.*<kafka.version>\(.*\)</kafka.version>.*|\1|p' pom.xml | head -1)
MIRROR=${PMC_DEBIAN_MIRROR:-$(sed -n 's|^URIs: \(http[^ ]*debian\)$|\1|p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
WORK="$ROOT/.pmc/images"
mkdir -p "$WORK"; chmod 700 "$ROOT/.pmc"

have() { docker image inspect "$1" >/dev/null 2>&1; }
# present, or pulled within 60 s; a machine without registries answers fast or times out here, once per image
obtain() {
  have "$1" && return 0
  $OFFLINE && return 1
  say "pulling $1 ..."
  timeout 60 docker pull -q "$1" >/dev/null 2>&1
}
# a Debian bookworm root with PACKAGES, imported as image NAME (debootstrap: apt-get install debootstrap)
debian_root() { # NAME PACKAGES
  have "$1" && return 0
  command -v debootstrap >/dev/null || die "no registry answers and debootstrap is missing: apt-get install debootstrap"
  local dir="$WORK/root-${1//[\/:]/-}"
  say "building $1 from Debian bookworm ($2) with debootstrap, about 2 minutes ..."
  rm -rf "$dir"
  debootstrap --variant=minbase --include="$2" bookworm "$dir" "$MIRROR" >"$dir.log" 2>&1 \
    || die "debootstrap failed; see $dir.log"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | docker import - "$1" >/dev/null
  rm -rf "$dir" "$dir.log"
}

build_image() { # NAME docker-build-arguments...: quiet unless it fails
  local name=$1; shift
  docker build -t "$name" "$@" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "docker build of $name failed"; }
}

# 1. base JRE image for the services
BASE=${PMC_BASE_IMAGE:-eclipse-temurin:17-jre}
if ! obtain "$BASE"; then
  BASE=pmc-local/debian-jre17:bookworm
  debian_root "$BASE" openjdk-17-jre-headless
fi
say "service base image: $BASE"

# 2. third-party images
KAFKA=${PMC_KAFKA_IMAGE:-apache/kafka:$KAFKA_VERSION}
if ! obtain "$KAFKA"; then
  KAFKA=pmc-local/kafka:$KAFKA_VERSION
  debian_root pmc-local/debian-jre17:bookworm openjdk-17-jre-headless
  say "Kafka stand-in $KAFKA (Apache Kafka $KAFKA_VERSION from Maven Central) ..."
  ./mvnw -B -q -f deploy/docker/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory=target/libs -Dkafka.version="$KAFKA_VERSION" >/dev/null
  chmod -R a+rX deploy/docker/kafka  # whatever umask built them: the broker's user reads them
  build_image "$KAFKA" --build-arg BASE_IMAGE=pmc-local/debian-jre17:bookworm deploy/docker/kafka
fi
PROMETHEUS=${PMC_PROMETHEUS_IMAGE:-prom/prometheus:v2.53.0}
if ! obtain "$PROMETHEUS"; then
  PROMETHEUS=pmc-local/prometheus:bookworm
  debian_root pmc-local/debian-prometheus:bookworm prometheus
  build_image "$PROMETHEUS" --build-arg BASE_IMAGE=pmc-local/debian-prometheus:bookworm deploy/docker/prometheus
fi
GRAFANA=${PMC_GRAFANA_IMAGE:-grafana/grafana:11.3.0}
PROFILES=""
if obtain "$GRAFANA"; then PROFILES=grafana; else say "no Grafana image ($GRAFANA): compose starts without it"; fi

# service images
if $BUILD; then
  missing=false
  for m in provider-sim prompt-generator model-gateway response-scorer metrics-aggregator; do
    [ -f "$m/target/quarkus-app/quarkus-run.jar" ] || missing=true
  done
  if $missing; then say "building the services (./mvnw -DskipTests package) ..."; ./mvnw -B -q -DskipTests install >/dev/null; fi
fi
port() { sed -n 's/^quarkus.http.port=//p' "$1/src/main/resources/application.properties"; }
for m in provider-sim prompt-generator model-gateway response-scorer metrics-aggregator; do
  [ -f "$m/target/quarkus-app/quarkus-run.jar" ] || die "$m is not built (./mvnw -DskipTests package)"
  chmod -R a+rX "$m/target/quarkus-app"  # whatever umask built it: the image's user (185) reads it
  build_image "pmc/$m:$VERSION" -f deploy/docker/service.Dockerfile --build-arg BASE_IMAGE="$BASE" \
    --build-arg PORT="$(port $m)" "$m"
  say "image pmc/$m:$VERSION"
done

# 3. credentials, made once: token keys (the CLI) and Kafka passwords
if [ ! -f .pmc/security/public.pem ]; then bin/pmc token >/dev/null; fi
chmod 644 .pmc/security/public.pem  # the public half: every service container reads it
mkdir -p .pmc/secrets
KDIR=.pmc/kafka
if [ ! -f "$KDIR/init.env" ]; then
  (
    umask 077  # the passwords: owner-only from the first byte
    mkdir -p "$KDIR"
    pw() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
    broker=$(pw); admin=$(pw)
    plain="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\"$broker\" user_broker=\"$broker\" user_admin=\"$admin\";"
    printf 'KAFKA_LISTENER_NAME_INTERNAL_PLAIN_SASL_JAAS_CONFIG=%s\nKAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG=%s\n' "$plain" "$plain" > "$KDIR/brokers.env"
    echo "PMC_KAFKA_ADMIN_PASSWORD=$admin" > "$KDIR/init.env.tmp"
    for s in prompt-generator model-gateway response-scorer metrics-aggregator; do
      p=$(pw)
      var=PMC_KAFKA_PASSWORD_$(echo "$s" | tr 'a-z-' 'A-Z_')
      echo "$var=$p" >> "$KDIR/init.env.tmp"
      printf 'KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT\nKAFKA_SASL_MECHANISM=SCRAM-SHA-512\nKAFKA_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required username="pmc-%s" password="%s";\n' "$s" "$p" > "$KDIR/$s.env"
    done
    mv "$KDIR/init.env.tmp" "$KDIR/init.env"
  )
  say "Kafka credentials made in $KDIR (owner-only)"
fi
chmod 700 .pmc .pmc/kafka .pmc/security; chmod 600 .pmc/kafka/*.env
# provider keys (.pmc/secrets, mounted into the gateways only) readable by the gateway's user and no one else: as root,
# hand them to the image's user 185; otherwise the gateways run as this user (PMC_GATEWAY_USER in .env)
GATEWAY_USER="$(id -u):$(id -g)"
if [ "$(id -u)" = 0 ]; then
  GATEWAY_USER=185:185
  chown -R 185:185 .pmc/secrets
fi
chmod 700 .pmc/secrets; find .pmc/secrets -type f -exec chmod 400 {} +

# 4. .env for compose
{
  echo "# written by bin/pmc images on $(date -u +%FT%TZ): the images this machine has; compose reads it"
  echo "PMC_VERSION=$VERSION"
  echo "PMC_KAFKA_IMAGE=$KAFKA"
  echo "PMC_PROMETHEUS_IMAGE=$PROMETHEUS"
  echo "PMC_GRAFANA_IMAGE=$GRAFANA"
  echo "COMPOSE_PROFILES=$PROFILES"
  echo "PMC_GATEWAY_USER=$GATEWAY_USER"
} > .env
say "wrote .env (Kafka $KAFKA, Prometheus $PROMETHEUS${PROFILES:+, Grafana $GRAFANA})"
echo "ready: docker compose up -d   (or docker-compose up -d)"
