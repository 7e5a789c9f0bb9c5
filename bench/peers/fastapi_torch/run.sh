#!/usr/bin/env bash
# Starts the FastAPI + PyTorch eager peer on 127.0.0.1, serving an ONNX MLP under
# /v2/models/mlp with the Open Inference Protocol JSON endpoints, in the foreground.
#
#   bench/peers/fastapi_torch/run.sh MODEL.onnx [PORT]      (default port 8001)
#
# PEER_WORKERS (default: number of cores) sets the uvicorn worker processes, each running PyTorch
# with one thread, the usual way to use every core from Python. Installs the Debian packages it
# needs when they are missing (needs root).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
model="${1:?usage: run.sh MODEL.onnx [PORT]}"
port="${2:-8001}"
workers="${PEER_WORKERS:-$(nproc)}"
# Debian's python packages live in the system interpreter, not in whatever python3 is first on PATH.
python=/usr/bin/python3

if ! "$python" -c 'import fastapi, uvicorn, uvloop, httptools, torch, onnx' 2>/dev/null \
    || ! [ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  echo "installing python3-fastapi python3-uvicorn python3-torch python3-onnx (Debian)" >&2
  apt-get update -q >/dev/null
  # OpenBLAS so that torch does not fall back to the reference BLAS; uvloop and httptools are
  # what "uvicorn[standard]" brings.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-torch python3-onnx \
    libopenblas0-pthread >/dev/null
fi

export PEER_MODEL="$(realpath "$model")"
export PEER_MODEL_NAME="${PEER_MODEL_NAME:-mlp}"
echo "FastAPI + PyTorch peer: http://127.0.0.1:$port/v2/models/$PEER_MODEL_NAME ($workers workers)" >&2
exec "$python" -m uvicorn server:app --app-dir "$here" --host 127.0.0.1 --port "$port" \
  --workers "$workers" --no-access-log --log-level warning
