#!/usr/bin/env bash
# Builds the NVDEC self-test: a folder that runs on a CUDA machine with no JDK, no Maven cache and no network, and
# prints decoding frames per second with the CPU decoder and with NVDEC (HW_DECODING=cuda), and whether NVDEC was
# really used. Contents: a jlink'ed Java runtime of the few modules the decoder needs, the decoder's classes with
# FFmpeg's Linux natives (h264_cuvid and hevc_cuvid built in; the driver's libcuda and libnvcuvid come from the
# machine), two test recordings (H.264 and H.265) and run.sh. It must stay under 64 MiB.
#
#   scripts/nvdec-bundle.sh [OUT_DIR]         build (default target/nvdec-bundle)
#   OUT_DIR/run.sh [--seconds S] [--threads T] [--cpu-only] [--require-gpu]
#
# Recordings come from VAULT_ML_TESTDATA (default ../shared/testdata). Needs a JDK with jmods (jlink).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/target/nvdec-bundle}" && cd "${1:-$root/target/nvdec-bundle}" && pwd)
testdata=${VAULT_ML_TESTDATA:-$root/../shared/testdata}
limit=$((64 * 1024 * 1024))
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

rm -rf "$out"/{lib,runtime,videos,run.sh}
mkdir -p "$out/lib" "$out/videos"

# The decoder module and what it needs at run time (the reactor builds the API module beside it), and the
# self-test's own module, vault-ml-bench, whose jar is added alone: the self-test uses the decoder only, and the
# bench's other dependencies (ONNX Runtime, OpenCV) would not fit. Each module writes its own class path; the
# decoder's is the one wanted.
"$root/mvnw" -B -q -f "$root/pom.xml" -pl vault-ml-video,vault-ml-bench -am -DskipTests -Dquick package \
  dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/runtime-classpath.txt
tr ':' '\n' < "$root/vault-ml-video/target/runtime-classpath.txt" | while read -r jar || [ -n "$jar" ]; do
  cp "$jar" "$out/lib/"
done
cp "$root"/vault-ml-video/target/vault-ml-video-*[0-9T].jar "$root"/vault-ml-bench/target/vault-ml-bench-*[0-9T].jar \
  "$out/lib/"
# Decoding needs avutil, avcodec, avformat and swscale: drop the filters, devices and command-line tools (3 MiB;
# without zip the bundle keeps them and is still under the limit).
if command -v zip >/dev/null; then
  for natives in "$out"/lib/ffmpeg-*-linux-*.jar; do
    zip -q -d "$natives" '*/libavfilter*' '*/libjniavfilter*' '*/libavdevice*' '*/libjniavdevice*' \
      '*/linux-*/ffmpeg' '*/linux-*/ffprobe' '*/jniavfilter/*' '*/jniavdevice/*' >/dev/null
  done
else
  echo "zip not found: FFmpeg's filter and device libraries stay in the bundle"
fi

# A runtime of only the modules these jars use (JavaCPP reaches sun.misc.Unsafe by reflection: jdk.unsupported).
modules=$( (echo jdk.unsupported; "$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps \
  --multi-release 17 "$out"/lib/*.jar | tr ',' '\n') | sort -u | paste -sd, -)
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --strip-native-debug-symbols=exclude-debuginfo-files --compress=2 --output "$out/runtime"

for video in 1630567591_6-967003_highway_200-200-400-400_24_769.mp4 \
             1700000200_2-40_pedestrians_100-100-500-400_18_0.mp4; do
  cp "$testdata/videos/kerberos/$video" "$out/videos/"
done

cat > "$out/run.sh" <<'RUN'
#!/bin/sh
# NVDEC self-test: decodes every frame of the recordings here with the CPU decoder, then with NVDEC, and prints
# frames per second for each and whether NVDEC was used. The NVDEC half is skipped, saying why, without a GPU.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/runtime/bin/java" -Dorg.bytedeco.javacpp.cachedir="${TMPDIR:-/tmp}/vault-ml-nvdec-cache" \
  -cp "$here/lib/*" io.vaultml.bench.NvdecSelfTest "$@" "$here"/videos/*.mp4
RUN
chmod +x "$out/run.sh"

size=$(du -sb "$out" | cut -f1)
echo "NVDEC bundle: $out, $((size / 1024 / 1024)) MiB ($size bytes; modules $modules)"
if [ "$size" -gt "$limit" ]; then
  echo "NVDEC bundle is larger than 64 MiB" >&2
  exit 1
fi
