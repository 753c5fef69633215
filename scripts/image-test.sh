#!/usr/bin/env bash
# Builds both images from the repository's Dockerfile and Dockerfile.gpu, unchanged, and runs them the way
# deploy/kubernetes runs them: as user 10001, read-only root file system with /tmp writable, model and recordings
# mounted read-only.
#
# No registry can be reached here, so the public bases the files name (eclipse-temurin:17-jdk for the build,
# eclipse-temurin:17-jre for the runtime, nvidia/cuda:...-cudnn-runtime for the GPU runtime) are stood in for by
# images made from Debian's packages with debootstrap and imported under exactly those names; they are kept in
# Podman's storage, so a second run on the same machine reuses them. What the stand-ins add for this machine alone
# (its certificate authorities, which the build's downloads need) never goes into the files users build. The CUDA
# stand-in has no CUDA: the GPU image is proven in every step but CUDA itself.
#
# CPU image: (1) the main job, a LOCAL run-once over the recordings with a mounted YOLO model: a result per
# recording, exit 0; (2) /readyz within seconds, the HEALTHCHECK healthy, and SIGTERM ends the container with exit 0
# inside the grace period; (3) the class data sharing archive is used (-Xshare:on does not fail) and the time to
# ready with and without it; (4) no JDK, Maven repository or build tree in the final image, its OCI labels, its
# size per layer and the layers the project adds within LAYER_BUDGET_MB.
# GPU image: built with -Pcuda, user 10001, the archive usable; DEVICE=auto says in one line that it runs on the CPU
# and why, and analyses every recording; DEVICE=cuda exits 2 saying why. Skip it with IMAGE_TEST_GPU=false.
#
# Usage: scripts/image-test.sh [testdata dir]   (default ../shared/testdata or $VAULT_ML_TESTDATA)
set -euo pipefail
cd "$(dirname "$0")/.."
TESTDATA="${1:-${VAULT_ML_TESTDATA:-../shared/testdata}}"
TESTDATA="$(cd "$TESTDATA" && pwd)"
IMAGE=vault-ml:cpu
GPU_IMAGE=vault-ml:gpu
PORT=18089
# The worker jar and its class data sharing archive (about 100 + 17 MB today), with room for growth: a dependency
# that doubles the jar should be a decision, not an accident.
LAYER_BUDGET_MB=${LAYER_BUDGET_MB:-150}
VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
build_args=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION")
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
say() { printf '[image-test] %s\n' "$*"; }
started=$(date +%s)

# Podman with runc, both from Debian's packages. This machine refuses podman's default rlimits and crun refuses its
# hybrid cgroups: ask for the limits the machine allows, and use runc.
if ! command -v podman >/dev/null || [ ! -x /usr/sbin/runc ] || ! command -v debootstrap >/dev/null; then
  say "installing podman, runc and debootstrap from Debian's packages"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman runc debootstrap
fi
if ! grep -qs 'runtime = "runc"' /etc/containers/containers.conf; then
  as_root mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = ["nofile=16384:16384", "nproc=16384:16384"]\n[engine]\nruntime = "runc"\n' \
    | as_root tee /etc/containers/containers.conf >/dev/null
fi
podman() { command podman "$@"; }

# A stand-in base: Debian bookworm with the given packages and the machine's CAs, imported under NAME as a FROM
# line spells it fully (docker.io/library/... for official images).
standin() {
  local name="$1" packages="$2"
  if podman image exists "$name"; then
    say "stand-in $name: reused"
    return
  fi
  local root mirror t0=$(date +%s)
  root=$(mktemp -d)
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  as_root debootstrap --variant=minbase ${packages:+--include="$packages"} bookworm "$root" \
    "${mirror:-http://deb.debian.org/debian}" >/dev/null
  # This machine reaches the package registries through CAs of its own: the build's downloads need them.
  as_root mkdir -p "$root/etc/ssl/certs"
  as_root cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  if [ -f /etc/ssl/certs/java/cacerts ]; then
    as_root mkdir -p "$root/etc/ssl/certs/java"
    as_root cp /etc/ssl/certs/java/cacerts "$root/etc/ssl/certs/java/cacerts"
  fi
  # Temurin's images keep the runtime in /opt/java/openjdk (Dockerfile.gpu copies it from there): so does this.
  if [ -d "$root/usr/lib/jvm" ]; then
    as_root mkdir -p "$root/opt/java"
    as_root cp -aL "$(ls -d "$root"/usr/lib/jvm/java-17-openjdk-* | head -1)" "$root/opt/java/openjdk" 2>/dev/null \
      || true # only lib/src.zip dangles (the sources are not installed)
  fi
  as_root rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*
  as_root tar -C "$root" -c . | podman import --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$name" >/dev/null
  as_root rm -rf "$root"
  say "stand-in $name: made in $(( $(date +%s) - t0 )) s"
}
# Temurin's images carry curl and wget (Podman's kube play runs httpGet probes with curl inside the container).
standin docker.io/library/eclipse-temurin:17-jdk openjdk-17-jdk-headless,ca-certificates,curl,wget,unzip
standin docker.io/library/eclipse-temurin:17-jre openjdk-17-jre-headless,ca-certificates,curl,wget

t0=$(date +%s)
# --format docker keeps the HEALTHCHECK (the OCI image format has no field for it; docker build always keeps it).
podman build --pull=never --network=host --format docker "${build_args[@]}" -t "$IMAGE" -f Dockerfile . \
  >/tmp/image-build.log 2>&1 || { tail -40 /tmp/image-build.log; exit 1; }
build_s=$(( $(date +%s) - t0 ))
say "built $IMAGE from Dockerfile in $build_s s"

# Sizes per layer, and the layers the project adds (everything that writes under /opt/vault-ml) against the budget.
# Podman prints sizes with decimal units ("17.2 MB", "3.58 kB"): history_mb gives them in MB, one layer a line.
history_mb() {
  podman history --no-trunc --format '{{.Size}}|{{.CreatedBy}}' "$1" | awk -F'|' '{
    split($1, a, " "); f = (a[2] == "GB") ? 1000 : (a[2] == "MB") ? 1 : (a[2] == "kB") ? 0.001 : 0.000001
    printf "%.1f|%s\n", a[1] * f, $2 }'
}
layers() {
  history_mb "$1" | awk -F'|' '{printf "%8.1f MB  %s\n", $1, substr($2, 1, 110)}' | sed 's/^/[image-test]   layer /'
  say "$1: $(podman image inspect "$1" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}') in all"
}
project_mb() {
  history_mb "$1" | awk -F'|' '$2 ~ /\/opt\/vault-ml/ && $2 !~ /#\(nop\) (ENTRYPOINT|HEALTHCHECK|ENV)/ {s += $1}
    END {printf "%.0f", s}'
}
layers "$IMAGE"
added=$(project_mb "$IMAGE")
[ "$added" -le "$LAYER_BUDGET_MB" ] || { say "FAIL: the project's layers take $added MB (budget $LAYER_BUDGET_MB MB)"; exit 1; }
say "the project's layers (worker jar, class data sharing archive, health check): $added MB of $LAYER_BUDGET_MB MB"

# OCI labels: the version is the build's, the revision the commit built.
labels() { podman image inspect "$1" --format '{{json .Labels}}'; }
label() { podman image inspect "$1" --format "{{index .Labels \"org.opencontainers.image.$2\"}}"; }
for key in source version revision licenses; do
  [ -n "$(label "$IMAGE" "$key")" ] || { say "FAIL: no org.opencontainers.image.$key label: $(labels "$IMAGE")"; exit 1; }
done
[ "$(label "$IMAGE" version)" = "$VERSION" ] && [ "$(label "$IMAGE" revision)" = "$REVISION" ] \
  || { say "FAIL: labels $(labels "$IMAGE") do not name version $VERSION, revision $REVISION"; exit 1; }
say "OCI labels: version $VERSION, revision $REVISION, licenses $(label "$IMAGE" licenses)"

# (4) Nothing of the build in the final image.
leftovers=$(podman run --rm --entrypoint sh "$IMAGE" -c \
  'for p in /src /root/.m2 /home/vaultml/.m2; do [ -e "$p" ] && echo "$p"; done; command -v javac mvn || true')
[ -z "$leftovers" ] || { say "FAIL: the final image carries build leftovers: $leftovers"; exit 1; }
say "no JDK compiler, Maven repository or build tree in the image"

# As deploy/kubernetes/deployment-cpu.yaml runs it: user 10001, read-only root, /tmp writable, mounts read-only.
run_opts=(--user 10001 --read-only --tmpfs /tmp:rw,size=2g -v "$TESTDATA/models:/models:ro"
  -v "$TESTDATA/videos/kerberos:/recordings:ro" -e DEVICE=cpu -e MODEL_PATH=/models/yolox_nano.onnx)

# (1) The main job.
expected=$(find "$TESTDATA/videos/kerberos" -name '*.mp4' | wc -l)
results=$(podman run --rm "${run_opts[@]}" -e WATCH_DIR=/recordings -e RUN_ONCE=true -e STATE_DIR=/tmp/state \
  -e RESULTS_FILE=- -e METRICS_PORT=0 "$IMAGE" 2>/tmp/image-run.log | grep -v '"deadLetter"' | grep -c . || true)
[ "$results" = "$expected" ] || { tail -30 /tmp/image-run.log; say "FAIL: $results results for $expected recordings"; exit 1; }
say "main job: $results results for $expected recordings, exit 0"

# (3) The class data sharing archive is really mapped: with -Xshare:on a JVM that cannot use it refuses to start.
podman run --rm "${run_opts[@]}" --entrypoint java "$IMAGE" -XX:SharedArchiveFile=/opt/vault-ml/worker.jsa \
  -Xshare:on -jar /opt/vault-ml/vault-ml-worker.jar --version >/tmp/image-cds.log 2>&1 \
  || { cat /tmp/image-cds.log; say "FAIL: the class data sharing archive is not usable"; exit 1; }
say "class data sharing archive used (-Xshare:on starts)"

# (2) Ready within seconds, and SIGTERM ends it with exit 0 inside the grace period (70 s in the manifest).
ready_after() {
  local name="vault-ml-ready-$$" extra="$1" t0 ms
  t0=$(date +%s%N)
  podman run -d --name "$name" --network=host "${run_opts[@]}" -e WATCH_DIR=/recordings -e STATE_DIR=/tmp/state \
    -e RESULTS_FILE=/tmp/results.jsonl -e METRICS_PORT=$PORT ${extra:+-e "JAVA_TOOL_OPTIONS=$extra"} "$IMAGE" >/dev/null
  for _ in $(seq 1 600); do
    if curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.05
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { podman logs "$name" | tail -20; podman rm -f "$name"; return 1; }
  # The image's HEALTHCHECK (for plain Podman and Docker) asks /healthz on the port the container was given.
  podman healthcheck run "$name" >/dev/null || { say "FAIL: the HEALTHCHECK says unhealthy"; podman rm -f "$name"; return 1; }
  local s0=$(date +%s)
  podman stop -t 70 "$name" >/dev/null
  local code; code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
  podman rm "$name" >/dev/null
  [ "$code" = 0 ] || { say "FAIL: exit $code after SIGTERM"; return 1; }
  echo "$ms $(( $(date +%s) - s0 ))"
}
with_cds=$(ready_after "")
without_cds=$(ready_after "-XX:MaxRAMPercentage=75 -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp -Xshare:off")
say "ready in ${with_cds% *} ms with the archive, ${without_cds% *} ms without (container start to /readyz 200)"
say "SIGTERM: exit 0 after ${with_cds#* } s (grace period 70 s); HEALTHCHECK healthy"

# The GPU image, from Dockerfile.gpu unchanged, on a stand-in for its CUDA base (Ubuntu and NVIDIA's packages cannot
# be reached: Debian without CUDA). It cannot show CUDA at work; it shows every other step and what a user sees
# when the GPU is missing.
if [ "${IMAGE_TEST_GPU:-true}" = true ]; then
  cuda_base=$(awk '/^FROM nvidia\/cuda/{print $2; exit}' Dockerfile.gpu)
  standin "docker.io/$cuda_base" ""
  t0=$(date +%s)
  podman build --pull=never --network=host --format docker "${build_args[@]}" -t "$GPU_IMAGE" -f Dockerfile.gpu . \
    >/tmp/image-build-gpu.log 2>&1 || { tail -40 /tmp/image-build-gpu.log; exit 1; }
  say "built $GPU_IMAGE from Dockerfile.gpu (onnxruntime_gpu, -Pcuda) in $(( $(date +%s) - t0 )) s"
  layers "$GPU_IMAGE"
  [ "$(podman run --rm --entrypoint id "$GPU_IMAGE" -u)" = 10001 ] || { say "FAIL: the GPU image does not run as 10001"; exit 1; }
  podman run --rm "${run_opts[@]}" --entrypoint java "$GPU_IMAGE" -XX:SharedArchiveFile=/opt/vault-ml/worker.jsa \
    -Xshare:on -jar /opt/vault-ml/vault-ml-worker.jar --version >/tmp/image-cds.log 2>&1 \
    || { cat /tmp/image-cds.log; say "FAIL: the GPU image's class data sharing archive is not usable"; exit 1; }
  [ "$(label "$GPU_IMAGE" revision)" = "$REVISION" ] || { say "FAIL: GPU image labels $(labels "$GPU_IMAGE")"; exit 1; }
  # DEVICE=auto on a machine without CUDA: one line says it runs on the CPU and why, and the job is done.
  results=$(podman run --rm "${run_opts[@]}" -e DEVICE=auto -e WATCH_DIR=/recordings -e RUN_ONCE=true \
    -e STATE_DIR=/tmp/state -e RESULTS_FILE=- -e METRICS_PORT=0 "$GPU_IMAGE" 2>/tmp/image-gpu-auto.log \
    | grep -v '"deadLetter"' | grep -c . || true)
  why=$(grep -c 'on the CPU: the CUDA execution provider cannot be used' /tmp/image-gpu-auto.log || true)
  [ "$results" = "$expected" ] && [ "$why" = 1 ] \
    || { tail -30 /tmp/image-gpu-auto.log; say "FAIL: DEVICE=auto: $results results, $why lines saying why CPU"; exit 1; }
  say "DEVICE=auto: $results results on the CPU; it said: $(grep -o 'Running .*' /tmp/image-gpu-auto.log | cut -c1-220)"
  # DEVICE=cuda (the image's default) without a GPU: exit 2 and why.
  code=0
  podman run --rm "${run_opts[@]}" -e DEVICE=cuda -e WATCH_DIR=/recordings -e RUN_ONCE=true -e STATE_DIR=/tmp/state \
    -e METRICS_PORT=0 "$GPU_IMAGE" >/tmp/image-gpu-cuda.log 2>&1 || code=$?
  grep -q 'DEVICE=cuda but the CUDA execution provider cannot be used' /tmp/image-gpu-cuda.log && [ "$code" = 2 ] \
    || { tail -20 /tmp/image-gpu-cuda.log; say "FAIL: DEVICE=cuda without a GPU exited $code"; exit 1; }
  say "DEVICE=cuda without a GPU: exit 2, $(grep -o 'DEVICE=cuda but.*' /tmp/image-gpu-cuda.log | cut -c1-200)"
fi
say "done in $(( $(date +%s) - started )) s"
