#!/usr/bin/env bash
# Issue 5's compression benchmark (serval-bench CompressionBenchmark): int8 on the digits MLP and
# CNN trained here (file size, top-1), int8-dynamic on an MLP 512-2048-2048-512 (rows/s at batch
# 64), structured pruning 50% + low-rank on a digits MLP 64-512-512-10 (rows/s, top-1), without
# and with fine-tuning on the training rows, and what the accuracy gate picks for that pruning
# with a 1-point tolerance, without and with fine-tuning. Speed: one intra-op thread, original
# and compressed model timed in alternating rounds, medians.
#
# Usage: bench/compress.sh [--no-build] [-- CompressionBenchmark options: --epochs N --rounds N
#        --runs N --low-rank R --fine-tune-epochs N --fine-tune-ranks R,R,...]
#        (--no-build reuses serval-bench as last built and installed)
# Results go to bench/results/compress-<UTC time>/ (report.json, report.json.md, uptime.txt).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build=yes
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=no; shift ;;
    --) shift; break ;;
    *) echo "bench/compress.sh: unknown option '$1' (see the header of this script)" >&2; exit 2 ;;
  esac
done

results="$root/bench/results/compress-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
source "$root/bench/lib/bench-java.sh"
bench_prepare "$root" "$build" "$results"

uptime | tee "$results/uptime.txt" >&2
bench_java CompressionBenchmark --work-dir "$results/models" \
  --output "$results/report.json" "$@"
uptime | tee -a "$results/uptime.txt" >&2
echo "results in $results" >&2
