# One image definition for every PMC service and provider-sim. Build context: the module's folder, after
#   ./mvnw -DskipTests package   (the Quarkus fast-jar in target/quarkus-app)
#   docker build -f deploy/docker/service.Dockerfile --build-arg PORT=8090 -t pmc/provider-sim:0.1.0 provider-sim
# bin/pmc images does this for all five, and picks BASE_IMAGE: the public JRE image where a registry answers,
# else a local Debian JRE root of its own (deploy/docker/images.sh).
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
ARG PORT
WORKDIR /deployments
COPY target/quarkus-app/lib/ lib/
COPY target/quarkus-app/*.jar ./
COPY target/quarkus-app/app/ app/
COPY target/quarkus-app/quarkus/ quarkus/
EXPOSE ${PORT}
USER 185
# The heap follows the container's memory limit (compose and Kubernetes set one for every container);
# -XX:-TieredCompilation -XX:CompileThreshold=3000: C2 only, sooner; steadier throughput on few cores
# (docs/BENCHMARKS.md, "JIT"). JAVA_OPTS_APPEND adds options without repeating these.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -XX:-TieredCompilation -XX:CompileThreshold=3000" \
    JAVA_OPTS_APPEND=""
# liveness /q/health/live, readiness /q/health/ready (SmallRye Health)
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar quarkus-run.jar"]
