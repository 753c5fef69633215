#!/bin/bash
# HEALTHCHECK of the worker images for plain Podman and Docker (Kubernetes ignores it and uses the manifests'
# probes). It asks /healthz on METRICS_PORT with bash's own /dev/tcp, so the image needs no curl or wget: the CUDA
# base of the GPU image has neither. METRICS_PORT=0 turns the endpoints off; there is then nothing to ask.
port="${METRICS_PORT:-8080}"
[ "$port" = 0 ] && exit 0
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
IFS= read -r -t 4 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "/healthz: ${status%$'\r'}"; exit 1 ;;
esac
