#!/usr/bin/env bash
# Runs the benchmark of docs/benchmarks.md on this machine and keeps everything it printed:
#   1. raw in-process ONNX Runtime at batch 1, 8, 64;
#   2. a Serval server (started here with ./serval serve on the benchmark MLP, or SERVAL_URL)
#      under closed-loop load: 1-row JSON and binary requests at 16 and 32 clients, 64-row JSON and
#      binary requests at 4 and 8 clients;
#   3. the FastAPI + PyTorch peer (bench/peers/fastapi_torch) under the same 1-row JSON load;
#   4. wrk on the 1-row JSON case of both, as a cross-check of the Java load generator.
#
# Usage: bench/run.sh [--no-peer] [--no-wrk] [--no-build] [-- serval-bench options, e.g. --duration 20]
#        (--no-build reuses serval-bench as last built and installed)
# Environment: SERVAL_URL   measure this running server instead of starting one
#              SERVAL_PORT  port of the server started here (default 8000); the peer uses +1
# Results go to bench/results/<UTC time>/ (report.json, report.md, wrk-*.txt, logs).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
peer=yes
wrk=yes
build=yes
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-peer) peer=no; shift ;;
    --no-wrk) wrk=no; shift ;;
    --no-build) build=no; shift ;;
    --) shift; break ;;
    *) echo "bench/run.sh: unknown option '$1' (see the header of this script)" >&2; exit 2 ;;
  esac
done

port="${SERVAL_PORT:-8000}"
peer_port=$((port + 1))
results="$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
work="$(mktemp -d -t serval-bench.XXXXXX)"
mkdir -p "$results"
groups=()

cleanup() {
  for pgid in "${groups[@]}"; do
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done
  for pgid in "${groups[@]}"; do
    for _ in $(seq 1 30); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 1; done
  done
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }

# Starts a command in its own process group, so that cleanup stops it and all its children.
start() { # log-file command...
  local out="$1"; shift
  setsid "$@" >"$out" 2>&1 &
  groups+=("$!")
}

wait_ready() { # base-url what
  for _ in $(seq 1 180); do
    if curl -sf -o /dev/null "$1/v2/health/ready"; then log "$2 is ready at $1"; return 0; fi
    sleep 1
  done
  log "$2 did not become ready at $1 within 180 s"
  return 1
}

source "$root/bench/lib/bench-java.sh"
[[ "$build" == yes ]] && log "building serval-bench"
bench_prepare "$root" "$build" "$work"
bench() {
  bench_java ServingBenchmark "$@"
}

model="$work/models/mlp/1/model.onnx"
bench --write-model "$model" >/dev/null

if [[ -n "${SERVAL_URL:-}" ]]; then
  url="$SERVAL_URL"
else
  url="http://127.0.0.1:$port"
  log "starting Serval on $url (log: $results/serval.log)"
  start "$results/serval.log" "$root/serval" serve --model-repository "$work/models" --port "$port"
fi
wait_ready "$url" "Serval"

peer_args=()
if [[ "$peer" == yes ]]; then
  peer_url="http://127.0.0.1:$peer_port"
  log "starting the FastAPI + PyTorch peer on $peer_url (log: $results/peer.log)"
  start "$results/peer.log" "$root/bench/peers/fastapi_torch/run.sh" "$model" "$peer_port"
  wait_ready "$peer_url" "the peer"
  peer_args=(--peer "$peer_url")
fi

bench --server "$url" "${peer_args[@]}" --out "$results/report.json" "$@" \
  2> >(tee "$results/progress.log" >&2)

if [[ "$wrk" == yes ]]; then
  if ! command -v wrk >/dev/null; then
    log "installing wrk (Debian)"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
  fi
  targets=("serval=$url")
  [[ "$peer" == yes ]] && targets+=("fastapi-torch=$peer_url")
  for target in "${targets[@]}"; do
    for clients in 16 32; do
      out="$results/wrk-${target%%=*}-c$clients.txt"
      log "wrk 1-row JSON, $clients connections, against ${target%%=*}"
      wrk -t2 -c"$clients" -d10s --latency -s "$root/bench/wrk/infer.lua" \
        "${target#*=}/v2/models/mlp/infer" -- 64 1 input | tee "$out"
    done
  done
fi
log "results in $results"
