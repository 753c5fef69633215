# CPU image of the vault-ml worker. Build from the repository root:
#   docker build -t vault-ml:cpu .        (or: podman build -t vault-ml:cpu .)
# CI builds this file as it is (scripts/image-test.sh, with local stand-ins for the two eclipse-temurin bases) and
# runs the image as deploy/kubernetes runs it; kept deliberately plain.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -Dquick -DskipTests package -pl vault-ml-worker -am

FROM eclipse-temurin:17-jre
RUN useradd --system --create-home --uid 10001 vaultml && mkdir -p /models && chown vaultml /models
COPY --from=build /src/vault-ml-worker/target/vault-ml-worker.jar /opt/vault-ml/vault-ml-worker.jar
COPY vault-ml-worker/docker/healthcheck.sh /opt/vault-ml/healthcheck
# Class data sharing: one run-once over an empty folder (the built-in detector, no model needed) records the
# classes a start loads; reusing them brought the time to ready from 2.8 to about 2.0 s on 2 cores.
RUN mkdir -p /tmp/cds/in && WATCH_DIR=/tmp/cds/in RUN_ONCE=true STATE_DIR=/tmp/cds/state \
    RESULTS_FILE=/tmp/cds/results.jsonl METRICS_PORT=0 java -Dorg.bytedeco.javacpp.cachedir=/tmp/cds/natives \
    -XX:ArchiveClassesAtExit=/opt/vault-ml/worker.jsa -jar /opt/vault-ml/vault-ml-worker.jar && rm -rf /tmp/cds
USER 10001
# Natives (FFmpeg, OpenCV, ONNX Runtime) are unpacked under /tmp at start: mount an emptyDir there when the root
# file system is read-only. Mount the model at /models (or bake it in with COPY) and set MODEL_PATH.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp" \
    MODEL_PATH=""
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/vault-ml/worker.jsa", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/vault-ml/vault-ml-worker.jar"]
# For plain Podman and Docker (Kubernetes ignores it and uses the manifests' probes; Podman keeps it with
# --format docker). It asks /healthz with bash alone: nothing added to the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/opt/vault-ml/healthcheck"]
# Last, so a new revision rebuilds no other layer. Pass --build-arg REVISION=$(git rev-parse HEAD) and SOURCE (the
# repository's address); the project declares no licence yet, hence NOASSERTION (SPDX's word for "not stated").
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="vault-ml worker (CPU)" \
      org.opencontainers.image.description="Object detection and tracking metadata for Kerberos Vault recordings" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION" \
      org.opencontainers.image.source="$SOURCE" \
      org.opencontainers.image.licenses="NOASSERTION"
