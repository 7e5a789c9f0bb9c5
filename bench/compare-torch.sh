#!/usr/bin/env bash
# Serval's int8-dynamic against PyTorch's quantize_dynamic on the same models (issue 5): the digits
# MLP trained here (top-1 on the 270 test rows) and the random-weight MLP 512-2048-2048-512
# (speed). serval-bench's TorchComparison trains/builds the models, measures Serval's int8 model
# with ONNX Runtime and exports weights and rows as .npy; bench/peers/torch_quantize/compare.py
# rebuilds each model in torch, checks it equals the ONNX model, quantizes it with every quantized
# engine this torch has and measures the same things. Both: batch 64, one thread, float32 and int8
# in interleaved rounds, medians.
#
# Needs Debian's python3-torch for /usr/bin/python3 (installed here with apt-get when missing).
# Usage: bench/compare-torch.sh [--no-build] [--epochs N] [--rounds N] [--runs N]
#        (--no-build reuses serval-bench as last built and installed)
# Results go to bench/results/torch-<UTC time>/ (report.json, report.md, serval.json, uptime.txt).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python=/usr/bin/python3
build=yes
epochs=40
rounds=15
runs=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=no; shift ;;
    --epochs) epochs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "bench/compare-torch.sh: unknown option '$1' (see the header of this script)" >&2
       exit 2 ;;
  esac
done

if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "torch is missing for $python: installing Debian's python3-torch ..." >&2
  sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo=sudo
  if ! apt-cache show python3-torch >/dev/null 2>&1; then
    $sudo apt-get update
  fi
  $sudo apt-get install -y python3-torch
fi

results="$root/bench/results/torch-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
source "$root/bench/lib/bench-java.sh"
bench_prepare "$root" "$build" "$results"

uptime | tee "$results/uptime.txt" >&2
bench_java TorchComparison --work-dir "$results/models" --epochs "$epochs" \
  --rounds "$rounds" --runs "$runs" > /dev/null
cp "$results/models/serval.json" "$results/serval.json"
# torch 1.13's dynamic Linear always asks for reduce_range, which qnnpack warns on every call
"$python" "$root/bench/peers/torch_quantize/compare.py" --work "$results/models" \
  --output "$results/report" --rounds "$rounds" --runs "$runs" \
  2> >(grep -v 'qnnpack incorrectly ignores reduce_range' >&2)
uptime | tee -a "$results/uptime.txt" >&2
echo "results in $results" >&2
