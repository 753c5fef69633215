#!/usr/bin/env bash
# The library as a new user takes it: the library artifacts installed into a Maven repository of their own (the
# machine's repository serves third-party artifacts, read-only, as Maven's tail repository), then
# examples/library-user built from its own POM (no parent, versions from the BOM), outside this build, and run on
# the test recordings. Passes when every recording has a Hub result.
#
# Usage: scripts/library-user-test.sh [testdata dir]   (default ../shared/testdata or $VAULT_ML_TESTDATA)
set -euo pipefail
cd "$(dirname "$0")/.."
TESTDATA="${1:-${VAULT_ML_TESTDATA:-../shared/testdata}}"
TESTDATA="$(cd "$TESTDATA" && pwd)"
say() { printf '[library-user] %s\n' "$*"; }
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
maven=(-B -q -Dmaven.repo.local="$repo" -Dmaven.repo.local.tail="$HOME/.m2/repository")
t0=$(date +%s)
./mvnw "${maven[@]}" -Dquick -DskipTests install \
  -pl vault-ml-bom,vault-ml-api,vault-ml-kerberos,vault-ml-tracking,vault-ml-video,vault-ml-analysis,vault-ml-vision-onnx -am
say "library artifacts installed in $(( $(date +%s) - t0 )) s: $(find "$repo/io/vaultml" -name '*.jar' | wc -l) jars"
t0=$(date +%s)
out=$(mktemp)
./mvnw "${maven[@]}" -f examples/library-user/pom.xml package exec:java \
  -Dexec.args="$TESTDATA/models/yolox_nano.onnx $TESTDATA/videos/kerberos" >"$out" 2>"$out.err" \
  || { tail -30 "$out.err"; say "FAIL: the example did not build or run"; exit 1; }
# Every vault-ml artifact it used came from the new repository, none from the machine's (which may hold older ones).
./mvnw "${maven[@]}" -f examples/library-user/pom.xml \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile="$out.cp" >/dev/null
foreign=$(tr ':' '\n' <"$out.cp" | grep '/io/vaultml/' | grep -v "^$repo/" || true)
[ -z "$foreign" ] || { say "FAIL: vault-ml artifacts from outside the new repository: $foreign"; exit 1; }
# OpenCV is optional: YOLO runs without it, and an application that does not add it does not get its 100 MB.
if tr ':' '\n' <"$out.cp" | grep -q '/org/openpnp/opencv/'; then say "FAIL: OpenCV on the classpath"; exit 1; fi
say "classpath: $(tr ':' '\n' <"$out.cp" | grep -c '/io/vaultml/') vault-ml jars, all from the new repository, \
$(tr ':' '\n' <"$out.cp" | grep -c .) in all, $(tr ':' '\n' <"$out.cp" | xargs du -cm | tail -1 | cut -f1) MB, no OpenCV"
expected=$(find "$TESTDATA/videos/kerberos" -name '*.mp4' | wc -l)
results=$(grep -c '"operation":"classify"' "$out" || true)
[ "$results" = "$expected" ] || { tail -30 "$out.err"; say "FAIL: $results Hub results for $expected recordings"; exit 1; }
say "built from its own POM and ran in $(( $(date +%s) - t0 )) s: $results Hub results for $expected recordings"
grep -m3 ': [0-9]* frames' "$out.err" | sed 's/^/[library-user]   /' || true
rm -f "$out" "$out.err" "$out.cp"
