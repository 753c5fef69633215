#!/usr/bin/env bash
# Makes the hostile recordings the tests use (Debian's ffmpeg), into the folder given; tests call it at test time.
# in-band-8k.mp4: an MP4 whose container declares 320x240 but whose H.264 stream switches to 7680x4320 after ten
# frames: one second of a 320x240 test pattern and two seconds of a flat 8K picture (level 6.2), the two Annex B
# streams concatenated and muxed without re-encoding.
set -euo pipefail
out="${1:?usage: make-hostile-media.sh OUTPUT_DIR}"
mkdir -p "$out"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
ff -f lavfi -i testsrc=size=320x240:rate=10 -t 1 -c:v libx264 -pix_fmt yuv420p -bsf:v h264_mp4toannexb -f h264 "$tmp/a.h264"
ff -f lavfi -i color=c=gray:size=7680x4320:rate=10 -t 2 -c:v libx264 -level 6.2 -pix_fmt yuv420p -f h264 "$tmp/b.h264"
cat "$tmp/a.h264" "$tmp/b.h264" > "$tmp/ab.h264"
ff -r 10 -i "$tmp/ab.h264" -c copy "$out/in-band-8k.mp4"
test -s "$out/in-band-8k.mp4"
