#!/usr/bin/env bash
# Builds the CPU image from the repository's Dockerfile, unchanged, and runs it the way deploy/kubernetes runs it:
# as user 10001, read-only root file system with /tmp writable, model and recordings mounted read-only.
#
# No registry can be reached here, so the two public bases the Dockerfile names (eclipse-temurin:17-jdk for the
# build, eclipse-temurin:17-jre for the runtime) are stood in for by images made from Debian's packages with
# debootstrap and imported under exactly those names; they are kept in Podman's storage, so a second run on the
# same machine reuses them. What the stand-ins add for this machine alone (its certificate authorities, which the
# build's downloads need) never goes into the Dockerfile users build.
#
# Checks: (1) the main job, a LOCAL run-once over the recordings with a mounted YOLO model: a result per recording,
# exit 0; (2) /readyz within seconds, and SIGTERM ends the container with exit 0 inside the grace period; (3) the
# class data sharing archive is used (-Xshare:on does not fail) and the time to ready with and without it; (4) no
# JDK, Maven repository or build tree in the final image, and its size per layer.
#
# Usage: scripts/image-test.sh [testdata dir]   (default ../shared/testdata or $VAULT_ML_TESTDATA)
set -euo pipefail
cd "$(dirname "$0")/.."
TESTDATA="${1:-${VAULT_ML_TESTDATA:-../shared/testdata}}"
TESTDATA="$(cd "$TESTDATA" && pwd)"
IMAGE=vault-ml:cpu
PORT=18089
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

# A stand-in base: Debian bookworm with the given packages, the machine's CAs, imported as NAME (and the
# docker.io/library/ spelling a FROM line resolves to).
standin() {
  local name="$1" packages="$2"
  if podman image exists "docker.io/library/$name"; then
    say "stand-in $name: reused"
    return
  fi
  local root mirror t0=$(date +%s)
  root=$(mktemp -d)
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  as_root debootstrap --variant=minbase --include="$packages" bookworm "$root" "${mirror:-http://deb.debian.org/debian}" \
    >/dev/null
  # This machine reaches the package registries through CAs of its own: the build's downloads need them.
  as_root cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  if [ -f /etc/ssl/certs/java/cacerts ]; then
    as_root mkdir -p "$root/etc/ssl/certs/java"
    as_root cp /etc/ssl/certs/java/cacerts "$root/etc/ssl/certs/java/cacerts"
  fi
  # Temurin's images keep the runtime in /opt/java/openjdk (Dockerfile.gpu copies it from there): so does this.
  as_root mkdir -p "$root/opt/java"
  as_root cp -aL "$(ls -d "$root"/usr/lib/jvm/java-17-openjdk-* | head -1)" "$root/opt/java/openjdk" 2>/dev/null \
    || true # only lib/src.zip dangles (the sources are not installed)
  as_root rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*
  as_root tar -C "$root" -c . | podman import --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "docker.io/library/$name" >/dev/null
  as_root rm -rf "$root"
  say "stand-in $name: made in $(( $(date +%s) - t0 )) s"
}
standin eclipse-temurin:17-jdk openjdk-17-jdk-headless,ca-certificates,curl,unzip
standin eclipse-temurin:17-jre openjdk-17-jre-headless,ca-certificates

t0=$(date +%s)
podman build --pull=never --network=host -t "$IMAGE" -f Dockerfile . >/tmp/image-build.log 2>&1 \
  || { tail -40 /tmp/image-build.log; exit 1; }
build_s=$(( $(date +%s) - t0 ))
say "built $IMAGE from Dockerfile in $build_s s"
podman history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | cut -c1-140 | sed 's/^/[image-test]   layer /'
say "image size: $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"

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
say "SIGTERM: exit 0 after ${with_cds#* } s (grace period 70 s)"
say "done in $(( $(date +%s) - started )) s"
