# tickerlake as a container: the shaded jar and the Flink job jar from `mvn -B -q package -DskipTests` on a Java 17
# runtime.
# Build: docker build -t tickerlake:0.1.0-SNAPSHOT .   (docker-compose.yml does this for you)
FROM eclipse-temurin:17-jre

# curl for the container healthcheck (docker-compose.yml); Kubernetes probes use httpGet and do not need it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

# A fixed non-root user (numeric, so Kubernetes' runAsNonRoot can check it) owning the data directory.
RUN groupadd --system --gid 10001 tickerlake \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/tickerlake --no-create-home tickerlake \
    && mkdir -p /opt/tickerlake /var/lib/tickerlake \
    && chown 10001:10001 /var/lib/tickerlake

COPY target/tickerlake.jar /opt/tickerlake/tickerlake.jar
# Remote Flink mode ships this jar to the cluster with each job submission (Paimon's Flink bundle, the Kafka connector,
# Paimon's S3 file IO and Hadoop's client); tickerlake.flink.job-jar, when empty, looks for it next to tickerlake.jar.
COPY target/tickerlake-flink-job.jar /opt/tickerlake/tickerlake-flink-job.jar

# Local state (sync job restore pointer, unpacked Flink S3 plugin) and, in embedded mode, the S3 and Kafka data.
ENV TICKERLAKE_DATA_DIR=/var/lib/tickerlake
VOLUME /var/lib/tickerlake
WORKDIR /var/lib/tickerlake

# Heap: ≈250 MB live, resident ≈650 MB at ready and ≈910 MB with the sync job running. Replace the whole variable to
# size it otherwise (the Kubernetes manifests use -XX:MaxRAMPercentage against the container's memory limit).
ENV JAVA_TOOL_OPTIONS="-Xmx1g"

# 8080 admin API, 9876 management (health, metrics, Jolokia).
EXPOSE 8080 9876

USER 10001:10001
# The jar's manifest carries Flink's --add-opens list; an OutOfMemoryError ends the process so the runtime restarts it.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/tickerlake/tickerlake.jar"]
